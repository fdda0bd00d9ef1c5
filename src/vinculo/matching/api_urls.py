"""Routes under /api/v1/, joined into the "api" namespace by vinculo.urls."""

from django.urls import path

from vinculo.matching import apis

urlpatterns = [
    path("job-orders/<id:order_id>/ranking/", apis.RankingApi.as_view(), name="job-order-ranking"),
    path(
        "job-orders/<id:order_id>/shortlist/",
        apis.ShortlistApi.as_view(),
        name="job-order-shortlist",
    ),
    path(
        "job-orders/<id:order_id>/candidates/",
        apis.CandidatesApi.as_view(),
        name="job-order-candidates",
    ),
    path(
        "job-orders/<id:order_id>/fairness/", apis.FairnessApi.as_view(), name="job-order-fairness"
    ),
    path(
        "candidacies/<id:candidacy_id>/decision/",
        apis.DecideApi.as_view(),
        name="candidacy-decision",
    ),
    path("matching-runs/", apis.RunListApi.as_view(), name="matching-runs"),
    path("matching-runs/<uuid:run_id>/", apis.RunDetailApi.as_view(), name="matching-run"),
    path("me/vacancies/", apis.MyVacanciesApi.as_view(), name="my-vacancies"),
    path("me/vacancies/<id:order_id>/apply/", apis.ApplyApi.as_view(), name="my-vacancy-apply"),
]
