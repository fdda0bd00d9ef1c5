"""Work permits over the API: applications with their steps and rule traces, an agency's decision
on its own step, permits and their suspension or revocation, and the public check. Scoped like
the pages (a case the caller may not see is 404; an official of one agency deciding another's
step is 403). Errors answer application/problem+json."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vinculo.core.access import user_can
from vinculo.core.apis import ERRORS, MAX_INT, PROBLEM, IdField, PublicVerificationThrottle
from vinculo.core.errors import NotAllowed
from vinculo.core.pagination import Pagination
from vinculo.core.permissions import Perm
from vinculo.permits import selectors, services
from vinculo.permits.domain import (
    PERMIT_TARGETS,
    ApplicationState,
    PermitState,
    StepState,
    initials,
    permit_status,
)
from vinculo.registry.models import Sex


def _allowed(request: Request) -> None:
    if not (
        user_can(request.user, Perm.APPLY_FOR_PERMITS)
        or user_can(request.user, Perm.DECIDE_PERMITS)
    ):
        raise NotAllowed(services.NOT_APPLICANT, code="not_allowed")


class RuleResultSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The rule: category, adult, passport, ...")
    passed = serializers.BooleanField()
    reason = serializers.CharField(help_text="A reason code, e.g. below_national_workers")
    explanation = serializers.DictField(
        child=serializers.CharField(), help_text="In Spanish and English, with the figures"
    )
    evidence = serializers.DictField(help_text="The figures and facts that decided it")
    source = serializers.CharField(help_text="The legal source: instrument, article, date")


class PermitStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    agency = serializers.CharField(source="jurisdiction.code")
    state = serializers.ChoiceField(choices=StepState.choices)
    after = serializers.ListField(child=serializers.CharField())
    trace = RuleResultSerializer(many=True)
    reason = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)


class PermitApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    pack = serializers.CharField()
    pack_version = serializers.CharField()
    category = serializers.CharField()
    worker = serializers.IntegerField(source="worker_id")
    employer = serializers.IntegerField(source="employer_id")
    occupation = serializers.CharField()
    start_on = serializers.DateField()
    months = serializers.IntegerField()
    salary = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    state = serializers.ChoiceField(choices=ApplicationState.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(
        allow_null=True, help_text="Decided, or withdrawn after submission: the clock stopped"
    )
    version = serializers.IntegerField(help_text="Send it back to change the draft's terms")
    filed_by_worker = serializers.SerializerMethodField(
        help_text="Filed by the foreign national for themself (the employer then only reads it)"
    )

    def get_filed_by_worker(self, application: Any) -> bool:
        return selectors.self_filed(application)


class PermitApplicationDetailSerializer(PermitApplicationSerializer):
    steps = PermitStepSerializer(many=True)
    processing_days = serializers.IntegerField(
        allow_null=True, help_text="From the complete application, pauses taken out"
    )
    target_days = serializers.IntegerField(allow_null=True)
    documents_missing = serializers.ListField(child=serializers.CharField())


class PersonIn(serializers.Serializer):
    given_names = serializers.CharField(max_length=150)
    first_surname = serializers.CharField(max_length=100)
    second_surname = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = serializers.DateField()
    nationality = serializers.RegexField(r"^[A-Za-z]{2}$", help_text="ISO 3166-1 alpha-2")
    passport_number = serializers.CharField(max_length=30)
    passport_expires_on = serializers.DateField()
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class TermsIn(serializers.Serializer):
    category = serializers.CharField(max_length=40, help_text="A category of the country's pack")
    occupation = serializers.RegexField(r"^\d{4}$", help_text="ISCO-08 unit group")
    start_on = serializers.DateField()
    months = serializers.IntegerField(min_value=1, max_value=120)
    salary = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text="A month, in the pack's currency; more than 0 (else `salary_not_positive`)",
    )
    weekly_hours = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        help_text="More than 0 and at most 84 (else `hours_out_of_range`)",
    )
    national_workers = serializers.IntegerField(
        min_value=0, max_value=MAX_INT, required=False, allow_null=True, default=None
    )
    foreign_workers = serializers.IntegerField(
        min_value=0, max_value=MAX_INT, required=False, allow_null=True, default=None
    )
    national_payroll = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    foreign_payroll = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )


class PassportIn(serializers.Serializer):
    number = serializers.CharField(max_length=30)
    expires_on = serializers.DateField()


class ApplicationIn(TermsIn):
    employer = IdField(
        help_text="The employer that would hire: your organisation (or one your agency's licence "
        "covers); for an application of your own, any verified employer of the country"
    )
    person = PersonIn(
        required=False,
        help_text="The foreign national: found by passport if registered, registered otherwise. "
        "Leave it out to apply for yourself, on your own registry record, where the category "
        "lets the foreign national apply (else `category_applicant`)",
    )
    passport = PassportIn(
        required=False,
        help_text="For an application of your own: your passport, when your record holds none "
        "yet (else `passport_needed`); it is added to your record",
    )


class TermsChangeIn(TermsIn):
    version = serializers.IntegerField(
        min_value=0,
        max_value=MAX_INT,
        help_text="The draft's version you read: a draft changed since is a 409 `draft_changed`",
    )


def _terms(values: dict[str, Any], country: str) -> services.ApplicationInput:
    loaded = services.authorisation_pack_for(country)
    return services.ApplicationInput(currency=loaded.pack.currency if loaded else "", **values)


class PermitApplicationListApi(APIView):
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=ApplicationState.choices, required=False)

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: PermitApplicationSerializer(many=True), 400: PROBLEM, 403: PROBLEM},
        summary="The work-permit applications you filed or your agency decides",
    )
    def get(self, request: Request) -> Response:
        _allowed(request)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        applications = selectors.application_list(actor=request.user)
        if "state" in params.validated_data:
            applications = applications.filter(state=params.validated_data["state"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(applications, request, view=self)
        return paginator.get_paginated_response(PermitApplicationSerializer(page, many=True).data)

    @extend_schema(
        request=ApplicationIn,
        responses={201: PermitApplicationDetailSerializer, **ERRORS},
        summary="Start a work-permit application (a draft kept on the server)",
        description="Add the documents the category asks for, then submit it. A draft is seen "
        "only by its applicant. An employer's staff (or an agency's) name the foreign national in "
        "`person`; a foreign national applying for themself leaves `person` out.",
    )
    def post(self, request: Request) -> Response:
        _allowed(request)
        data = ApplicationIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        employer_id, person = values.pop("employer"), values.pop("person", None)
        passport = values.pop("passport", None)
        if person is None:
            employer = selectors.employers_verified().filter(pk=employer_id).first()
            application = services.application_self_create(
                actor=request.user,
                employer_id=employer_id,
                data=_terms(values, employer.country if employer else ""),
                passport=services.PassportInput(**passport) if passport else None,
            )
        else:
            employer = services.own_employer(actor=request.user, employer_id=employer_id)
            application = services.application_create(
                actor=request.user,
                employer=employer,
                person=services.PersonInput(**person),
                data=_terms(values, employer.jurisdiction.country),
            )
        return Response(_detail(application), status=201)


def _detail(application: Any) -> dict[str, Any]:
    application.processing_days = selectors.application_days(application)
    application.target_days = selectors.application_target(application)
    application.documents_missing = selectors.documents_missing(application)
    return PermitApplicationDetailSerializer(application).data


class PermitApplicationDetailApi(APIView):
    @extend_schema(
        responses={200: PermitApplicationDetailSerializer, 403: PROBLEM, 404: PROBLEM},
        summary="A work-permit application: its steps and the rules each applied",
    )
    def get(self, request: Request, application_id: int) -> Response:
        _allowed(request)
        application = selectors.application_get(actor=request.user, application_id=application_id)
        return Response(_detail(application))

    @extend_schema(
        request=TermsChangeIn,
        responses={200: PermitApplicationDetailSerializer, **ERRORS},
        summary="Change a draft's terms: the job, the stay and the declared staff",
        description="Only the applicant, only while a draft (else 409 `not_a_draft`). Every term "
        "is sent; the documents stay.",
    )
    def put(self, request: Request, application_id: int) -> Response:
        _allowed(request)
        data = TermsChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        current = selectors.application_get(actor=request.user, application_id=application_id)
        application = services.application_update(
            actor=request.user,
            application_id=current.pk,
            data=_terms(values, current.jurisdiction.country),
            version=version,
        )
        return Response(_detail(application))


class WithdrawalIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class PermitWithdrawalApi(APIView):
    @extend_schema(
        request=WithdrawalIn,
        responses={200: PermitApplicationDetailSerializer, **ERRORS},
        summary="Withdraw a draft or an application not yet decided",
        description="The agencies' open steps close and the clock stops. A decided application "
        "is a 409 `not_withdrawable`.",
    )
    def post(self, request: Request, application_id: int) -> Response:
        _allowed(request)
        data = WithdrawalIn(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_withdraw(
            actor=request.user, application_id=application_id, **data.validated_data
        )
        return Response(_detail(application))


class PermitDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class PermitDocumentApi(APIView):
    parser_classes = [MultiPartParser]

    class Input(serializers.Serializer):
        kind = serializers.CharField(max_length=40, help_text="A document its category asks for")
        file = serializers.FileField(help_text="Photo (JPEG, PNG, WebP) or PDF, up to 5 MB")

    class ReadSerializer(Input):
        """What the view reads: a missing or empty file is the service's to answer, with its own
        code (`file_missing`, `evidence_kind`), as the page shows it."""

        file = serializers.FileField(required=False, allow_empty_file=True)

    @extend_schema(
        request={"multipart/form-data": Input},
        responses={201: PermitDocumentSerializer, **ERRORS},
        summary="Add a document to a draft application (or to answer a request)",
    )
    def post(self, request: Request, application_id: int) -> Response:
        _allowed(request)
        data = self.ReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.document_add(
            actor=request.user,
            application_id=application_id,
            kind=data.validated_data["kind"],
            upload=data.validated_data.get("file"),
        )
        return Response(PermitDocumentSerializer(document).data, status=201)


class PermitSubmissionApi(APIView):
    @extend_schema(
        request=None,
        responses={200: PermitApplicationDetailSerializer, **ERRORS},
        summary="Submit a complete application: its clock starts and its steps open",
        description="An incomplete one is a 400 `incomplete` naming every missing document "
        "(`document_<code>`) and figure in `errors`.",
    )
    def post(self, request: Request, application_id: int) -> Response:
        _allowed(request)
        application = services.application_submit(actor=request.user, application_id=application_id)
        return Response(_detail(application))


class PermitAnswerApi(APIView):
    class Input(serializers.Serializer):
        answer = serializers.CharField(max_length=4000)

    @extend_schema(
        request=Input,
        responses={200: PermitApplicationDetailSerializer, **ERRORS},
        summary="Answer an agency's request for information: the clock runs again",
    )
    def post(self, request: Request, application_id: int) -> Response:
        _allowed(request)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.info_answer(
            actor=request.user, application_id=application_id, **data.validated_data
        )
        return Response(_detail(application))


class DecisionInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=services.OUTCOMES)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=4000,
        help_text="Needed to refuse (the reasons) and to ask for information (what is needed)",
    )


class PermitStepDecisionApi(APIView):
    @extend_schema(
        request=DecisionInput,
        responses={200: PermitApplicationDetailSerializer, **ERRORS},
        summary="Decide your agency's step of an application",
        description="Approve (only when every rule of the step passes), refuse with the "
        "reasons, or ask the applicant for information (the clock pauses). Only an official of "
        "the step's own agency may decide it (403 otherwise).",
    )
    def post(self, request: Request, step_id: int) -> Response:
        _allowed(request)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        step = services.step_decide(actor=request.user, step_id=step_id, **data.validated_data)
        application = selectors.application_get(
            actor=request.user, application_id=step.application_id
        )
        return Response(_detail(application))


class PermitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    application = serializers.IntegerField(source="application_id")
    holder = serializers.IntegerField(source="holder_id")
    employer = serializers.IntegerField(source="employer_id")
    category = serializers.CharField()
    condition = serializers.CharField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    state = serializers.ChoiceField(choices=PermitState.choices)
    status = serializers.SerializerMethodField(help_text="Live: valid, expired, suspended, revoked")
    state_reason = serializers.CharField()

    def get_status(self, permit: Any) -> str:
        return permit_status(permit.state, permit.valid_to, timezone.localdate())


class PermitListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        responses={200: PermitSerializer(many=True), 403: PROBLEM},
        summary="The work permits you hold, your organisation holds, or your agency issued",
    )
    def get(self, request: Request) -> Response:
        _allowed(request)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.permit_list(actor=request.user), request, view=self
        )
        return paginator.get_paginated_response(PermitSerializer(page, many=True).data)


class PermitDetailApi(APIView):
    @extend_schema(
        responses={200: PermitSerializer, 403: PROBLEM, 404: PROBLEM}, summary="A work permit"
    )
    def get(self, request: Request, permit_id: int) -> Response:
        _allowed(request)
        return Response(
            PermitSerializer(selectors.permit_get(actor=request.user, permit_id=permit_id)).data
        )


class PermitMoveInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=PERMIT_TARGETS)
    reason = serializers.CharField(max_length=2000)


class PermitMoveApi(APIView):
    @extend_schema(
        request=PermitMoveInput,
        responses={200: PermitSerializer, **ERRORS},
        summary="Suspend, reinstate or revoke a work permit, with the reason",
    )
    def post(self, request: Request, permit_id: int) -> Response:
        _allowed(request)
        data = PermitMoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        permit = services.permit_move(
            actor=request.user, permit_id=permit_id, **data.validated_data
        )
        return Response(PermitSerializer(permit).data)


class PermitCheckThrottle(PublicVerificationThrottle):
    RATES = {"public_permit_check": "60/minute"}


class PublicPermitSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=PermitState.choices)
    holder_initials = serializers.CharField()
    employer = serializers.CharField()
    category = serializers.CharField()
    condition = serializers.CharField()
    valid_to = serializers.DateField(help_text="Not the only truth: read `status`")


class PermitCheckApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [PermitCheckThrottle]
    throttle_scope = "public_permit_check"

    class QuerySerializer(serializers.Serializer):
        number = serializers.CharField(required=False, max_length=30)
        token = serializers.CharField(required=False, max_length=40)

    @extend_schema(
        parameters=[QuerySerializer],
        responses={200: PublicPermitSerializer, 400: PROBLEM, 404: PROBLEM, 429: PROBLEM},
        summary="Public: is this work permit valid now?",
        description="By the number printed on the permit or the token of its QR code. Shows the "
        "live status, the holder's initials, the employer, the category and the condition.",
        auth=[],
    )
    def get(self, request: Request) -> Response:
        params = self.QuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        permit = selectors.permit_public(**params.validated_data)
        if permit is None:
            raise Http404
        holder = permit.holder
        return Response(
            PublicPermitSerializer(
                {
                    "number": permit.number,
                    "status": permit_status(permit.state, permit.valid_to, timezone.localdate()),
                    "holder_initials": initials(
                        holder.given_names, holder.first_surname, holder.second_surname
                    ),
                    "employer": permit.employer.name,
                    "category": permit.category,
                    "condition": permit.condition,
                    "valid_to": permit.valid_to,
                }
            ).data
        )
