"""Placements over the API: the list and one placement with its timeline, moves one at a time
and in bulk, the contract and its signature, later documents compared with the offer, and an
official's clearance of a flag. Scoped like the pages: a placement the caller does not follow is
404. Errors answer application/problem+json."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vinculo.core.access import user_can
from vinculo.core.apis import ERRORS, PROBLEM, IdField, PublicVerificationThrottle
from vinculo.core.errors import NotAllowed
from vinculo.core.pagination import Pagination
from vinculo.core.permissions import Perm
from vinculo.jobs.models import ORDER_COSTS, Payer, WageBasis
from vinculo.placements import selectors, services
from vinculo.placements.domain import STATES, CostItem, Payee
from vinculo.placements.models import (
    AttendanceKind,
    EvaluationSide,
    FeeState,
    PayPeriod,
    Placement,
    SignedHow,
)


class ContractSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    digest = serializers.CharField(help_text="SHA-256 of the terms and the contract's header")
    languages = serializers.ListField(child=serializers.CharField())
    terms = serializers.DictField(help_text="The terms frozen at offer")
    signed_at = serializers.DateTimeField(allow_null=True)
    signed_how = serializers.CharField(allow_blank=True)


class PlacementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    worker = serializers.IntegerField(source="worker_id")
    order = serializers.IntegerField(source="order_id")
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    steps = serializers.ListField(child=serializers.CharField(), help_text="Its journey")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class PlacementEventSerializer(serializers.Serializer):
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class PlacementDetailSerializer(PlacementSerializer):
    events = PlacementEventSerializer(many=True)
    moves = serializers.ListField(
        child=serializers.CharField(), help_text="The steps and exits the caller may move it to"
    )
    contract = ContractSerializer(allow_null=True)


def _detail(placement: Placement, actor: Any) -> dict[str, Any]:
    placement.moves = list(selectors.placement_moves_available(actor=actor, placement=placement))
    placement.contract = selectors.placement_contract(placement)
    return PlacementDetailSerializer(placement).data


class PlacementListApi(APIView):
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer):
        step = serializers.ChoiceField(choices=STATES, required=False)
        order = IdField(required=False, help_text="Only this job order's placements")

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: PlacementSerializer(many=True), 400: PROBLEM},
        summary="The placements you follow",
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        placements = selectors.placement_list(actor=request.user).select_related("jurisdiction")
        if "step" in params.validated_data:
            placements = placements.filter(state=params.validated_data["step"])
        if "order" in params.validated_data:
            placements = placements.filter(order_id=params.validated_data["order"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(placements, request, view=self)
        return paginator.get_paginated_response(PlacementSerializer(page, many=True).data)


class PlacementDetailApi(APIView):
    @extend_schema(
        responses={200: PlacementDetailSerializer, 404: PROBLEM},
        summary="A placement: its journey, timeline, contract and the moves open to you",
    )
    def get(self, request: Request, placement_id: int) -> Response:
        placement = selectors.placement_get(actor=request.user, placement_id=placement_id)
        return Response(_detail(placement, request.user))


class MoveInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=STATES, help_text="The next step, or an exit")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="Needed to exit"
    )


class PlacementMoveApi(APIView):
    class Input(MoveInput):
        expected_state = serializers.ChoiceField(
            choices=STATES,
            required=False,
            help_text="The step you saw: a placement moved since is refused (409)",
        )

    @extend_schema(
        request=Input,
        responses={200: PlacementDetailSerializer, **ERRORS},
        summary="Move a placement to its next step, or out by an exit",
    )
    def post(self, request: Request, placement_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        placement = services.placement_move(
            actor=request.user,
            placement_id=placement_id,
            to=data.validated_data["to"],
            reason=data.validated_data["reason"],
            expected=data.validated_data.get("expected_state"),
        )
        return Response(_detail(placement, request.user))


class BulkOutcomeSerializer(serializers.Serializer):
    placement = serializers.IntegerField(source="placement_id")
    moved = serializers.BooleanField()
    state = serializers.CharField(help_text="Its step after the move, when moved")
    code = serializers.CharField(help_text="Why not, when refused")
    message = serializers.CharField()


class PlacementBulkMoveApi(APIView):
    class Input(MoveInput):
        placements = serializers.ListField(
            child=IdField(), min_length=1, max_length=services.BULK_LIMIT
        )

    @extend_schema(
        request=Input,
        responses={200: BulkOutcomeSerializer(many=True), 400: PROBLEM},
        summary="Move a group of placements to one step, each checked on its own",
        operation_id="v1_placements_bulk_moves_create",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        outcomes = services.placement_move_bulk(
            actor=request.user,
            placement_ids=data.validated_data["placements"],
            to=data.validated_data["to"],
            reason=data.validated_data["reason"],
        )
        return Response(BulkOutcomeSerializer(outcomes, many=True).data)


class ContractApi(APIView):
    @extend_schema(
        responses={200: ContractSerializer, 404: PROBLEM},
        summary="A placement's contract in force",
    )
    def get(self, request: Request, placement_id: int) -> Response:
        placement = selectors.placement_get(actor=request.user, placement_id=placement_id)
        contract = selectors.placement_contract(placement)
        if contract is None:
            raise Http404
        return Response(ContractSerializer(contract).data)


class SignatureApi(APIView):
    class Input(serializers.Serializer):
        how = serializers.ChoiceField(choices=[SignedHow.IN_PERSON.value])

    @extend_schema(
        request=Input,
        responses={200: PlacementDetailSerializer, **ERRORS},
        summary="Record the worker's signature, in person, and move to contract signed",
    )
    def post(self, request: Request, placement_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        placement = services.contract_sign(
            actor=request.user, placement_id=placement_id, how=data.validated_data["how"]
        )
        return Response(_detail(placement, request.user))


# --- later documents ---------------------------------------------------------------------------


class WageSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = serializers.RegexField(r"^[A-Z]{3}$")
    basis = serializers.ChoiceField(choices=WageBasis.choices)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="On or after the start")


class HousingSerializer(serializers.Serializer):
    provided = serializers.BooleanField()
    weekly_cost = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0)
    currency = serializers.RegexField(r"^[A-Z]{3}$")


class TermsSerializer(serializers.Serializer):
    """Terms in the shape of the frozen offer (see the contract's `terms`)."""

    employer = serializers.CharField(max_length=200)
    worksite = serializers.CharField(max_length=300)
    wage = WageSerializer()
    guaranteed_hours = serializers.IntegerField(min_value=0, max_value=100_000)
    weekly_hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0)
    overtime = serializers.CharField(allow_blank=True, max_length=2000)
    period = PeriodSerializer()
    housing = HousingSerializer()
    costs = serializers.DictField(
        child=serializers.ChoiceField(choices=Payer.choices),
        help_text=f"Who pays each cost: keys among {', '.join(ORDER_COSTS)}",
    )
    deductions = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0),
        help_text="Each deduction from pay by name, with its amount",
    )


class TermsChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    offered = serializers.JSONField()
    found = serializers.JSONField()
    verdict = serializers.ChoiceField(choices=["worse", "better", "same"])


class TermsCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    placement = serializers.IntegerField(source="placement_id")
    contract = serializers.CharField(source="contract.code")
    where = serializers.CharField()
    state = serializers.CharField(help_text="passed, flagged (blocks the placement) or cleared")
    changes = TermsChangeSerializer(many=True)
    created_at = serializers.DateTimeField()
    cleared_at = serializers.DateTimeField(allow_null=True)
    cleared_reason = serializers.CharField()


def _plain_terms(data: dict[str, Any]) -> dict[str, Any]:
    """Validated terms back into the plain JSON of the frozen offer (strings for decimals,
    ISO dates), so the two compare field by field."""
    return {
        **data,
        "wage": {**data["wage"], "amount": str(data["wage"]["amount"])},
        "weekly_hours": str(data["weekly_hours"]),
        "period": {k: v.isoformat() for k, v in data["period"].items()},
        "housing": {**data["housing"], "weekly_cost": str(data["housing"]["weekly_cost"])},
        "costs": dict(data["costs"]),
        "deductions": {k: str(v) for k, v in data["deductions"].items()},
    }


class TermsCheckListApi(APIView):
    class Input(serializers.Serializer):
        where = serializers.CharField(max_length=200, help_text="Where and when it was presented")
        terms = TermsSerializer()

    @extend_schema(
        responses={200: TermsCheckSerializer(many=True), 404: PROBLEM},
        summary="Later documents compared with a placement's offer",
    )
    def get(self, request: Request, placement_id: int) -> Response:
        placement = selectors.placement_get(actor=request.user, placement_id=placement_id)
        checks = selectors.placement_checks(placement).select_related("contract")
        return Response(TermsCheckSerializer(checks, many=True).data)

    @extend_schema(
        request=Input,
        responses={201: TermsCheckSerializer, **ERRORS},
        summary="Compare a later contract document with the offer; a worse term flags it",
    )
    def post(self, request: Request, placement_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        check = services.terms_check(
            actor=request.user,
            placement_id=placement_id,
            found=_plain_terms(data.validated_data["terms"]),
            where=data.validated_data["where"],
        )
        return Response(TermsCheckSerializer(check).data, status=201)


class TermsCheckClearApi(APIView):
    class Input(serializers.Serializer):
        reason = serializers.RegexField(r"\S", max_length=2000, help_text="Why it is lawful")

    @extend_schema(
        request=Input,
        responses={200: TermsCheckSerializer, **ERRORS},
        summary="An official clears a flagged document after review",
    )
    def post(self, request: Request, check_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        check = services.terms_check_clear(
            actor=request.user, check_id=check_id, reason=data.validated_data["reason"]
        )
        return Response(TermsCheckSerializer(check).data)


# --- costs the worker paid -----------------------------------------------------------------------


class FeeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    placement = serializers.IntegerField(source="placement_id")
    item = serializers.ChoiceField(choices=CostItem.choices)
    payee = serializers.ChoiceField(choices=Payee.choices)
    payee_name = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    paid_on = serializers.DateField()
    has_receipt = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=FeeState.choices)
    finding = serializers.DictField(help_text="reason, explanation (es, en) and legal source")
    refunded_on = serializers.DateField(allow_null=True)

    def get_has_receipt(self, fee: Any) -> bool:
        return bool(fee.evidence)


class FeeListApi(APIView):
    class Input(serializers.Serializer):
        item = serializers.ChoiceField(choices=CostItem.choices)
        payee = serializers.ChoiceField(choices=Payee.choices)
        payee_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
        amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
        currency = serializers.RegexField(r"^[A-Za-z]{3}$", help_text="ISO 4217")
        paid_on = serializers.DateField()

    class Upload(Input):
        """The same with the receipt: multipart/form-data."""

        evidence = serializers.FileField(
            required=False, help_text="Photo (JPEG, PNG, WebP) or PDF of the receipt, 5 MB"
        )

    @extend_schema(
        responses={200: FeeSerializer(many=True), 404: PROBLEM},
        summary="The costs the worker paid on a placement",
    )
    def get(self, request: Request, placement_id: int) -> Response:
        placement = selectors.placement_for_costs(actor=request.user, placement_id=placement_id)
        return Response(FeeSerializer(selectors.placement_fees(placement), many=True).data)

    @extend_schema(
        request={"multipart/form-data": Upload, "application/json": Input},
        responses={201: FeeSerializer, **ERRORS},
        summary="Record a cost the worker paid; one the employer must bear is a violation",
    )
    def post(self, request: Request, placement_id: int) -> Response:
        multipart = (request.content_type or "").startswith("multipart/")
        data = (self.Upload if multipart else self.Input)(data=request.data)
        data.is_valid(raise_exception=True)
        fee = services.fee_record(
            actor=request.user, placement_id=placement_id, **data.validated_data
        )
        return Response(FeeSerializer(fee).data, status=201)


class FeeRefundApi(APIView):
    class Input(serializers.Serializer):
        refunded_on = serializers.DateField()
        evidence = serializers.FileField(help_text="Proof of the refund: photo or PDF, 5 MB")
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    @extend_schema(
        request={"multipart/form-data": Input},
        responses={200: FeeSerializer, **ERRORS},
        summary="Close a fee violation with the proof of its refund",
    )
    def post(self, request: Request, fee_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        fee = services.fee_refund(actor=request.user, fee_id=fee_id, **data.validated_data)
        return Response(FeeSerializer(fee).data)


# --- while away ----------------------------------------------------------------------------------


class CheckInSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    placement = serializers.IntegerField(source="placement_id")
    due_on = serializers.DateField()
    answered_at = serializers.DateTimeField(allow_null=True)
    paid_on_time = serializers.BooleanField(allow_null=True)
    pay_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    pay_currency = serializers.CharField()
    pay_period = serializers.CharField()
    recovering_deductions = serializers.DecimalField(max_digits=12, decimal_places=2)
    hours_worked = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    housing_ok = serializers.BooleanField(allow_null=True)
    documents_in_hand = serializers.BooleanField(allow_null=True)
    safe = serializers.BooleanField(allow_null=True)
    wants_contact = serializers.BooleanField(allow_null=True)
    note = serializers.CharField()
    worries = serializers.SerializerMethodField()

    def get_worries(self, checkin: Any) -> list[str]:
        followup = getattr(checkin, "followup", None)
        return list(followup.reasons) if followup else []


class CheckInListApi(APIView):
    @extend_schema(
        responses={200: CheckInSerializer(many=True), 404: PROBLEM},
        summary="A placement's check-ins, due and answered",
    )
    def get(self, request: Request, placement_id: int) -> Response:
        placement = selectors.placement_for_costs(actor=request.user, placement_id=placement_id)
        checkins = placement.checkins.select_related("followup")
        return Response(CheckInSerializer(checkins, many=True).data)


class CheckInAnswerApi(APIView):
    class Input(serializers.Serializer):
        paid_on_time = serializers.BooleanField(allow_null=True, default=None)
        pay_amount = serializers.DecimalField(
            max_digits=12, decimal_places=2, min_value=0, allow_null=True, default=None
        )
        pay_currency = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=3
        )
        pay_period = serializers.ChoiceField(
            choices=PayPeriod.choices, required=False, allow_blank=True, default=""
        )
        recovering_deductions = serializers.DecimalField(
            max_digits=12, decimal_places=2, min_value=0, default=Decimal(0)
        )
        hours_worked = serializers.DecimalField(
            max_digits=5,
            decimal_places=1,
            min_value=0,
            max_value=168,
            allow_null=True,
            default=None,
        )
        housing_ok = serializers.BooleanField(allow_null=True, default=None)
        documents_in_hand = serializers.BooleanField(allow_null=True, default=None)
        safe = serializers.BooleanField(allow_null=True, default=None)
        wants_contact = serializers.BooleanField(allow_null=True, default=None)
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(
        request=Input,
        responses={200: CheckInSerializer, **ERRORS},
        summary="Answer a check-in (the worker, or a caseworker on a call)",
    )
    def post(self, request: Request, checkin_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        checkin = services.checkin_answer(
            actor=request.user, checkin_id=checkin_id, **data.validated_data
        )
        return Response(CheckInSerializer(checkin).data)


class RateSerializer(serializers.Serializer):
    on = serializers.DateField()
    base = serializers.CharField()
    quote = serializers.CharField()
    rate = serializers.DecimalField(max_digits=20, decimal_places=8)
    source = serializers.CharField()


class RatesImportedSerializer(serializers.Serializer):
    class ErrorSerializer(serializers.Serializer):
        line = serializers.IntegerField()
        message = serializers.CharField()

    added = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = ErrorSerializer(many=True, help_text="Every bad row; then nothing was imported")


class RateListApi(APIView):
    pagination_class = Pagination

    class Input(serializers.Serializer):
        file = serializers.FileField(help_text="CSV: date, base, quote, rate, source; 2 MB")

    @extend_schema(
        responses={200: RateSerializer(many=True), 403: PROBLEM},
        summary="The reference exchange rates",
    )
    def get(self, request: Request) -> Response:
        if not user_can(request.user, Perm.KEEP_EXCHANGE_RATES):
            raise NotAllowed(_("You may not make this change."), code="not_allowed")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.exchange_rates(), request, view=self)
        return paginator.get_paginated_response(RateSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": Input},
        responses={200: RatesImportedSerializer, **ERRORS},
        summary="Import reference rates from a CSV: all rows, or none with every bad row listed",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        text = services.csv_text(data.validated_data["file"])
        result = services.rates_import(actor=request.user, text=text)
        body = {
            "added": result.added,
            "unchanged": result.unchanged,
            "errors": [{"line": line, "message": message} for line, message in result.errors],
        }
        return Response(RatesImportedSerializer(body).data, status=400 if result.errors else 200)


class CorridorSerializer(serializers.Serializer):
    origin = serializers.CharField(help_text="The workers' country of nationality")
    destination = serializers.CharField(help_text="The worksite's country")
    programme = serializers.CharField()
    count = serializers.IntegerField(source="figure.count")
    mean = serializers.DecimalField(
        source="figure.mean", max_digits=12, decimal_places=4, allow_null=True
    )
    median = serializers.DecimalField(
        source="figure.median", max_digits=12, decimal_places=4, allow_null=True
    )
    fourth_quintile = serializers.DecimalField(
        source="figure.fourth_quintile", max_digits=12, decimal_places=4, allow_null=True
    )
    not_computable = serializers.IntegerField()


class CorridorListApi(APIView):
    @extend_schema(
        responses={200: CorridorSerializer(many=True)},
        summary="SDG indicator 10.7.1 by corridor and programme, over the placements you follow",
    )
    def get(self, request: Request) -> Response:
        rows = selectors.corridor_figures(actor=request.user)
        return Response(CorridorSerializer(rows, many=True).data)


class OverdueSerializer(serializers.Serializer):
    placement = serializers.IntegerField(source="placement.pk")
    worker = serializers.IntegerField(source="placement.worker_id")
    state = serializers.CharField(source="placement.state")
    step = serializers.CharField(source="deadline.step", help_text="The step still to be done")
    after = serializers.CharField(source="deadline.after", help_text="Counted from this step")
    days_allowed = serializers.IntegerField(source="deadline.days")
    due_on = serializers.DateField(source="late.due_on")
    days_late = serializers.IntegerField(source="late.days")
    rule = serializers.SerializerMethodField(help_text="The deadline, in Spanish and English")
    source = serializers.SerializerMethodField(help_text="Its source: instrument, article, date")

    def get_rule(self, row: Any) -> dict[str, str]:
        return row.deadline.label.model_dump()

    def get_source(self, row: Any) -> str:
        return row.deadline.source.cite()


class OverdueListApi(APIView):
    @extend_schema(
        responses={200: OverdueSerializer(many=True)},
        summary="The placements you follow past a deadline of their programme's pack",
        description="The most late first, e.g. a return home not made within a month of the "
        "contract's end where the programme's pack sets that deadline.",
    )
    def get(self, request: Request) -> Response:
        rows = selectors.deadlines_overdue(actor=request.user, today=timezone.localdate())
        return Response(OverdueSerializer(rows, many=True).data)


# --- the contract's public check -----------------------------------------------------------------


class ContractVerificationThrottle(PublicVerificationThrottle):
    RATES = {"public_contract_verification": "60/minute"}


class PublicContractSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    digest = serializers.CharField()
    terms = serializers.DictField()
    signed = serializers.SerializerMethodField()
    substitute_caught = serializers.SerializerMethodField(
        help_text="A later document with worse terms was presented and is under review"
    )

    def get_signed(self, contract: Any) -> bool:
        return contract.signed_at is not None

    def get_substitute_caught(self, contract: Any) -> bool:
        return contract.checks.filter(state="flagged").exists()


class ContractVerifyApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ContractVerificationThrottle]
    throttle_scope = "public_contract_verification"

    @extend_schema(
        responses={200: PublicContractSerializer, 404: PROBLEM, 429: PROBLEM},
        summary="Public: is this contract real, on which terms, and was a substitute caught?",
        description="By the contract's code (CT-XXXX-XXXX), printed beside its QR code. No "
        "personal data.",
        auth=[],
    )
    def get(self, request: Request, code: str) -> Response:
        contract = selectors.contract_by_code(code=code)
        if contract is None:
            raise Http404
        return Response(PublicContractSerializer(contract).data)


# --- the end of the season -----------------------------------------------------------------------


class AttendanceSerializer(serializers.Serializer):
    placement = serializers.IntegerField(source="placement_id")
    kind = serializers.ChoiceField(choices=AttendanceKind.choices)
    on = serializers.DateField()
    from_roster = serializers.BooleanField()


class AttendanceApi(APIView):
    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(choices=AttendanceKind.choices)
        on = serializers.DateField()

    @extend_schema(
        responses={200: AttendanceSerializer(many=True), 404: PROBLEM},
        summary="The employer's attendance log of a placed worker",
    )
    def get(self, request: Request, placement_id: int) -> Response:
        placement = selectors.hosted_get(actor=request.user, placement_id=placement_id)
        return Response(AttendanceSerializer(placement.attendance.all(), many=True).data)

    @extend_schema(
        request=Input,
        responses={201: AttendanceSerializer, **ERRORS},
        summary="The employer logs a worker's arrival at, or departure from, the worksite",
    )
    def post(self, request: Request, placement_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.attendance_log(
            actor=request.user, placement_id=placement_id, **data.validated_data
        )
        return Response(AttendanceSerializer(entry).data, status=201)


class EvaluationSerializer(serializers.Serializer):
    placement = serializers.IntegerField(source="placement_id")
    side = serializers.ChoiceField(choices=EvaluationSide.choices)
    rehire = serializers.BooleanField()
    rating = serializers.IntegerField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class EvaluationApi(APIView):
    class Input(serializers.Serializer):
        side = serializers.ChoiceField(
            choices=EvaluationSide.choices,
            help_text="employer: staff of the employer; caseworker: the placement's authority",
        )
        rehire = serializers.BooleanField(help_text="Asked back for another season")
        rating = serializers.IntegerField(min_value=1, max_value=5)
        comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    @extend_schema(
        request=Input,
        responses={201: EvaluationSerializer, **ERRORS},
        summary="The employer's or the caseworker's end-of-season evaluation",
    )
    def post(self, request: Request, placement_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = services.evaluation_record(
            actor=request.user, placement_id=placement_id, **data.validated_data
        )
        return Response(EvaluationSerializer(evaluation).data, status=201)


class RehireApi(APIView):
    class Input(serializers.Serializer):
        order = IdField(help_text="Next season's order of the same employer")

    @extend_schema(
        request=Input,
        responses={201: PlacementSerializer, **ERRORS},
        summary="The employer asks a worker back by name: a new placement on the fast path",
    )
    def post(self, request: Request, placement_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        placement = services.rehire_by_name(
            actor=request.user, placement_id=placement_id, order_id=data.validated_data["order"]
        )
        return Response(PlacementSerializer(placement).data, status=201)
