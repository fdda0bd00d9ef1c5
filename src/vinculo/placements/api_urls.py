"""Routes under /api/v1/, joined into the "api" namespace by vinculo.urls."""

from django.urls import path

from vinculo.placements import apis

urlpatterns = [
    path("placements/", apis.PlacementListApi.as_view(), name="placements"),
    path("placements/moves/", apis.PlacementBulkMoveApi.as_view(), name="placement-bulk-moves"),
    path("placements/overdue/", apis.OverdueListApi.as_view(), name="placements-overdue"),
    path("placements/<id:placement_id>/", apis.PlacementDetailApi.as_view(), name="placement"),
    path(
        "placements/<id:placement_id>/moves/",
        apis.PlacementMoveApi.as_view(),
        name="placement-moves",
    ),
    path(
        "placements/<id:placement_id>/contract/",
        apis.ContractApi.as_view(),
        name="placement-contract",
    ),
    path(
        "placements/<id:placement_id>/contract/signature/",
        apis.SignatureApi.as_view(),
        name="placement-contract-signature",
    ),
    path(
        "placements/<id:placement_id>/terms-checks/",
        apis.TermsCheckListApi.as_view(),
        name="placement-terms-checks",
    ),
    path("placements/<id:placement_id>/fees/", apis.FeeListApi.as_view(), name="placement-fees"),
    path("fees/<id:fee_id>/refund/", apis.FeeRefundApi.as_view(), name="fee-refund"),
    path(
        "placements/<id:placement_id>/check-ins/",
        apis.CheckInListApi.as_view(),
        name="placement-checkins",
    ),
    path(
        "check-ins/<id:checkin_id>/answer/", apis.CheckInAnswerApi.as_view(), name="checkin-answer"
    ),
    path("exchange-rates/", apis.RateListApi.as_view(), name="exchange-rates"),
    path("contracts/<str:code>/verify/", apis.ContractVerifyApi.as_view(), name="contract-verify"),
    path(
        "placements/<id:placement_id>/attendance/",
        apis.AttendanceApi.as_view(),
        name="placement-attendance",
    ),
    path(
        "placements/<id:placement_id>/evaluations/",
        apis.EvaluationApi.as_view(),
        name="placement-evaluations",
    ),
    path("placements/<id:placement_id>/rehire/", apis.RehireApi.as_view(), name="placement-rehire"),
    path("sdg-10-7-1/", apis.CorridorListApi.as_view(), name="sdg-corridors"),
    path(
        "terms-checks/<id:check_id>/clearance/",
        apis.TermsCheckClearApi.as_view(),
        name="terms-check-clearance",
    ),
]
