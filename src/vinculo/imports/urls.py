from django.urls import path

from vinculo.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("<uuid:import_id>/", views.import_detail, name="import_detail"),
    path("<uuid:import_id>/retry/", views.import_retry, name="import_retry"),
    path("<uuid:import_id>/errors.csv", views.import_errors_csv, name="import_errors_csv"),
    path(
        "templates/<str:kind>.<str:file_format>",
        views.import_template,
        name="import_template",
    ),
]
