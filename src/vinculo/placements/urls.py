from django.urls import path

from vinculo.placements import views

app_name = "placements"
urlpatterns = [
    path("", views.placement_list_view, name="list"),
    path("<id:placement_id>/", views.placement_view, name="detail"),
    path("<id:placement_id>/move/", views.placement_move_view, name="move"),
]
