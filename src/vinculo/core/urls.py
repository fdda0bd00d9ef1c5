from django.urls import path

from vinculo.core import views

app_name = "core"
urlpatterns = [
    path("organisation/", views.my_organisation, name="my_organisation"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("exports/<uuid:export_id>/", views.export_detail, name="export_detail"),
    path("exports/<uuid:export_id>/retry/", views.export_retry, name="export_retry"),
    path("exports/<uuid:export_id>/download/", views.export_download, name="export_download"),
]
