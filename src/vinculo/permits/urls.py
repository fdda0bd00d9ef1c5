from django.urls import path

from vinculo.permits import views

app_name = "permits"
urlpatterns = [
    path("", views.permit_home_view, name="home"),
    path("new/", views.application_new_view, name="new"),
    path("new/mine/", views.application_self_view, name="new_mine"),
    path("kiosk/", views.kiosk_view, name="kiosk"),
    path("check/", views.permit_check_view, name="check"),
    path("check/<str:token>/", views.permit_check_token_view, name="check_token"),
    path("documents/<id:document_id>/", views.document_view, name="document"),
    path("steps/<id:step_id>/decide/", views.decide_view, name="decide"),
    path("issued/<id:permit_id>/", views.permit_view, name="permit"),
    path("issued/<id:permit_id>/permit.pdf", views.permit_pdf_view, name="permit_pdf"),
    path("issued/<id:permit_id>/attendance/", views.attendance_view, name="attendance"),
    path("issued/<id:permit_id>/renew/", views.permit_renew_view, name="permit_renew"),
    path("issued/<id:permit_id>/employer/", views.permit_employer_view, name="permit_employer"),
    path("<id:application_id>/", views.application_view, name="detail"),
    path("<id:application_id>/documents/", views.document_add_view, name="document_add"),
    path("<id:application_id>/edit/", views.application_edit_view, name="edit"),
    path("<id:application_id>/withdraw/", views.withdraw_view, name="withdraw"),
    path("<id:application_id>/submit/", views.submit_view, name="submit"),
    path("<id:application_id>/answer/", views.answer_view, name="answer"),
]
