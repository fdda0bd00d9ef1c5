from django.urls import path

from vinculo.registry import views

app_name = "registry"
urlpatterns = [
    path("workers/", views.worker_list_view, name="worker_list"),
    path("workers/<int:worker_id>/", views.worker_detail_view, name="worker_detail"),
    path("me/", views.me_view, name="me"),
]
