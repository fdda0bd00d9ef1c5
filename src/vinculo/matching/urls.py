from django.urls import path

from vinculo.matching import views

app_name = "matching"
urlpatterns = [
    path("job-orders/<id:order_id>/ranking/", views.ranking_view, name="ranking"),
    path("job-orders/<id:order_id>/shortlist/", views.shortlist_view, name="shortlist"),
    path(
        "job-orders/<id:order_id>/candidates/",
        views.order_candidates_view,
        name="order_candidates",
    ),
    path("candidacies/<id:candidacy_id>/decide/", views.decide_view, name="decide"),
    path("matching/", views.run_list_view, name="runs"),
    path("matching/<uuid:run_id>/", views.run_view, name="run"),
    path("me/vacancies/", views.my_vacancies_view, name="my_vacancies"),
    path("me/vacancies/<id:order_id>/apply/", views.apply_view, name="apply"),
]
