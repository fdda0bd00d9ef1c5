"""Routes under /api/v1/, joined into the "api" namespace by vinculo.urls."""

from django.urls import path

from vinculo.permits import apis

urlpatterns = [
    path(
        "permit-applications/",
        apis.PermitApplicationListApi.as_view(),
        name="permit-applications",
    ),
    path(
        "permit-applications/<id:application_id>/",
        apis.PermitApplicationDetailApi.as_view(),
        name="permit-application",
    ),
    path(
        "permit-applications/<id:application_id>/documents/",
        apis.PermitDocumentApi.as_view(),
        name="permit-application-documents",
    ),
    path(
        "permit-applications/<id:application_id>/submission/",
        apis.PermitSubmissionApi.as_view(),
        name="permit-application-submission",
    ),
    path(
        "permit-applications/<id:application_id>/withdrawal/",
        apis.PermitWithdrawalApi.as_view(),
        name="permit-application-withdrawal",
    ),
    path(
        "permit-applications/<id:application_id>/answer/",
        apis.PermitAnswerApi.as_view(),
        name="permit-application-answer",
    ),
    path(
        "permit-steps/<id:step_id>/decision/",
        apis.PermitStepDecisionApi.as_view(),
        name="permit-step-decision",
    ),
    path("permits/", apis.PermitListApi.as_view(), name="permits"),
    path("permits/check/", apis.PermitCheckApi.as_view(), name="permit-check"),
    path("permits/<id:permit_id>/", apis.PermitDetailApi.as_view(), name="permit"),
    path("permits/<id:permit_id>/moves/", apis.PermitMoveApi.as_view(), name="permit-moves"),
]
