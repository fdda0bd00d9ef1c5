from django.urls import path

from vinculo.registry.organisations import views

app_name = "registry_orgs"
urlpatterns = [
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/register/", views.employer_register, name="employer_register"),
    path("employers/<id:organisation_id>/", views.employer_detail, name="employer_detail"),
    path("employers/<id:organisation_id>/decide/", views.employer_decide, name="employer_decide"),
    path(
        "organisation/<id:organisation_id>/establishments/new/",
        views.establishment_add,
        name="establishment_add",
    ),
    path(
        "organisation/establishments/<id:establishment_id>/",
        views.establishment_edit,
        name="establishment_edit",
    ),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/register/", views.agency_register, name="agency_register"),
    path("agencies/<id:agency_id>/", views.agency_detail, name="agency_detail"),
    path("licences/<id:licence_id>/move/", views.licence_move, name="licence_move"),
    path("verify/agencies/", views.agency_verify, name="agency_verify"),
    path("verify/agencies/<str:number>/", views.agency_verify_detail, name="agency_verify_detail"),
]
