"""Routes under /api/v1/, joined into the "api" namespace by vinculo.urls."""

from django.urls import path

from vinculo.jobs import apis

urlpatterns = [
    path("job-orders/", apis.OrderListApi.as_view(), name="job-orders"),
    path("job-orders/<id:order_id>/", apis.OrderDetailApi.as_view(), name="job-order"),
    path("job-orders/<id:order_id>/move/", apis.OrderMoveApi.as_view(), name="job-order-move"),
    path("vacancies/", apis.VacancyListApi.as_view(), name="vacancies"),
    path("job-offers/<str:code>/", apis.JobOfferVerifyApi.as_view(), name="job-offer"),
    path("job-fairs/", apis.FairListApi.as_view(), name="job-fairs"),
    path("job-fairs/<id:fair_id>/", apis.FairDetailApi.as_view(), name="job-fair"),
    path(
        "job-fairs/<id:fair_id>/vacancies/",
        apis.FairVacanciesApi.as_view(),
        name="job-fair-vacancies",
    ),
    path(
        "job-fairs/<id:fair_id>/registrations/",
        apis.FairRegistrationsApi.as_view(),
        name="job-fair-registrations",
    ),
    path("public/job-fairs/<id:fair_id>/", apis.FairPublicApi.as_view(), name="job-fair-public"),
]
