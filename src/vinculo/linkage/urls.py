from django.urls import path

from vinculo.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.pair_list_view, name="pair_list"),
    path("runs/<uuid:run_id>/", views.run_view, name="run"),
    path("pairs/<id:pair_id>/", views.pair_view, name="pair"),
    path("pairs/<id:pair_id>/merge/", views.pair_merge_view, name="pair_merge"),
    path("pairs/<id:pair_id>/distinct/", views.pair_distinct_view, name="pair_distinct"),
    path("merges/<id:merge_id>/undo/", views.merge_undo_view, name="merge_undo"),
    path("workers/<id:worker_id>/fraud/", views.fraud_flag_view, name="fraud_flag"),
    path(
        "workers/<id:worker_id>/fraud/panel/", views.fraud_flag_panel_view, name="fraud_flag_panel"
    ),
]
