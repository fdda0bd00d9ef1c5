"""Routes under /api/v1/, joined into the "api" namespace by vinculo.urls."""

from django.urls import path

from vinculo.registry.organisations import apis

urlpatterns = [
    path("employers/", apis.EmployerListApi.as_view(), name="employers"),
    path("employers/<id:organisation_id>/", apis.EmployerDetailApi.as_view(), name="employer"),
    path(
        "employers/<id:organisation_id>/verify/",
        apis.EmployerVerifyApi.as_view(),
        name="employer-verify",
    ),
    path("agencies/", apis.AgencyListApi.as_view(), name="agencies"),
    path("licences/<id:licence_id>/moves/", apis.LicenceMoveApi.as_view(), name="licence-moves"),
    path("public/agencies/", apis.PublicAgencyListApi.as_view(), name="public-agencies"),
    path(
        "public/agencies/<str:number>/",
        apis.PublicAgencyDetailApi.as_view(),
        name="public-agency",
    ),
]
