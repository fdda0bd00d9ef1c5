from django.urls import path

from vinculo.registry import views

app_name = "registry"
urlpatterns = [
    path("workers/", views.worker_list_view, name="worker_list"),
    path("workers/register/", views.register_worker_view, name="register_worker"),
    path("workers/subdivisions/", views.subdivision_options_view, name="subdivision_options"),
    path("workers/<id:worker_id>/", views.worker_detail_view, name="worker_detail"),
    path("workers/<id:worker_id>/edit/", views.worker_edit_view, name="worker_edit"),
    path("workers/<id:worker_id>/card/", views.worker_card_view, name="worker_card"),
    path("workers/<id:worker_id>/unlock/", views.worker_unlock_view, name="worker_unlock"),
    path("me/", views.me_view, name="me"),
    path("me/edit/", views.me_edit_view, name="me_edit"),
    path("me/card/", views.my_card_view, name="my_card"),
    path("me/consents/", views.me_consent_view, name="me_consent"),
    path("me/data/", views.me_data_view, name="me_data"),
    path("register/", views.register_view, name="register"),
    path("register/<str:step>/", views.register_step_view, name="register_step"),
    path("v/<str:number>/", views.worker_status_view, name="worker_status"),
]
