from django.urls import path

from vinculo.placements import views

app_name = "placements"
urlpatterns = [
    path("", views.placement_list_view, name="list"),
    path("flags/", views.flags_view, name="flags"),
    path("hosted/", views.hosted_view, name="hosted"),
    path("hosted/<id:placement_id>/", views.hosted_detail_view, name="hosted_detail"),
    path("hosted/<id:placement_id>/attendance/", views.attendance_view, name="attendance"),
    path("hosted/<id:placement_id>/evaluate/", views.hosted_evaluate_view, name="hosted_evaluate"),
    path("hosted/<id:placement_id>/rehire/", views.rehire_view, name="rehire"),
    path("<id:placement_id>/evaluate/", views.evaluate_view, name="evaluate"),
    path("mine/", views.mine_view, name="mine"),
    path("mine/<id:placement_id>/", views.mine_detail_view, name="mine_detail"),
    path("mine/<id:placement_id>/contract/", views.mine_contract_view, name="mine_contract"),
    path(
        "mine/<id:placement_id>/contract.pdf",
        views.mine_contract_pdf_view,
        name="mine_contract_pdf",
    ),
    path("mine/<id:placement_id>/code/", views.mine_code_view, name="mine_code"),
    path("mine/<id:placement_id>/sign/", views.mine_sign_view, name="mine_sign"),
    path("mine/<id:placement_id>/costs/", views.mine_fee_view, name="mine_fee"),
    path("mine/checkins/<id:checkin_id>/", views.mine_checkin_view, name="mine_checkin"),
    path("bulk/", views.placement_bulk_view, name="bulk"),
    path("queue/", views.queue_view, name="queue"),
    path("indicator/", views.indicator_view, name="indicator"),
    path("rates/", views.rates_view, name="rates"),
    path("checkins/<id:checkin_id>/answer/", views.checkin_answer_view, name="checkin_answer"),
    path("followups/<id:followup_id>/close/", views.followup_close_view, name="followup_close"),
    path("<id:placement_id>/", views.placement_view, name="detail"),
    path("<id:placement_id>/move/", views.placement_move_view, name="move"),
    path("<id:placement_id>/contract/", views.contract_view, name="contract"),
    path("<id:placement_id>/contract.pdf", views.contract_pdf_view, name="contract_pdf"),
    path("<id:placement_id>/contract/sign/", views.contract_sign_view, name="contract_sign"),
    path("<id:placement_id>/contract/check/", views.terms_check_view, name="terms_check"),
    path("checks/<id:check_id>/clear/", views.terms_check_clear_view, name="check_clear"),
    path("<id:placement_id>/costs/", views.fee_record_view, name="fee_record"),
    path("costs/<id:fee_id>/refund/", views.fee_refund_view, name="fee_refund"),
    path(
        "costs/<id:fee_id>/<str:which>/",
        views.fee_evidence_view,
        name="fee_evidence",
    ),
    path("contracts/verify/", views.contract_verify_view, name="contract_verify"),
]
