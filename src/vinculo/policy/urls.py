from django.urls import path

from vinculo.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.pack_list_view, name="pack_list"),
    path("<str:code>/", views.pack_detail_view, name="pack_detail"),
]
