from django.urls import path

from vinculo.jobs import fair_views, views

app_name = "jobs"
urlpatterns = [
    path("job-orders/", views.order_list_view, name="order_list"),
    path("job-orders/new/", views.order_new_view, name="order_new"),
    path("job-orders/<id:order_id>/", views.order_detail_view, name="order_detail"),
    path("job-orders/<id:order_id>/edit/", views.order_edit_view, name="order_edit"),
    path("job-orders/<id:order_id>/move/", views.order_move_view, name="order_move"),
    path("vacancies/", views.board_view, name="board"),
    path("vacancies/verify/", views.verify_view, name="verify"),
    path("vacancies/<id:order_id>/", views.vacancy_view, name="vacancy"),
    path("vacancies/fairs/<id:fair_id>/", fair_views.fair_public_view, name="fair_public"),
    path("fairs/", fair_views.fair_list_view, name="fairs"),
    path("fairs/<id:fair_id>/", fair_views.fair_view, name="fair"),
    path("fairs/<id:fair_id>/kiosk/", fair_views.fair_kiosk_view, name="fair_kiosk"),
]
