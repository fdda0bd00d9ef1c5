"""Job orders over the API: file, change and check an order, move it through its lifecycle; and,
without signing in, the vacancy board and the check of an offer by its code. Errors answer
application/problem+json; an order the caller may not see answers 404. Job fairs: organised,
offered vacancies, workers counted, figures read, by their organisers; and each fair's public
page."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vinculo.core.apis import ERRORS, PROBLEM, IdField, PublicVerificationThrottle, VersionField
from vinculo.core.pagination import Pagination
from vinculo.jobs import selectors, services
from vinculo.jobs.models import ORDER_COSTS, JobOrderState, Payer, WageBasis
from vinculo.reference.levels import CefrLevel
from vinculo.registry.organisations.domain import SECTORS


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The rule: minimum_wage, worker_pays_no_fees, hours...")
    passed = serializers.BooleanField()
    reason = serializers.CharField()
    explanation = serializers.DictField(child=serializers.CharField(), help_text="es and en")
    evidence = serializers.DictField()
    source = serializers.CharField(help_text="The legal source the rule applied")


class TermsSerializer(serializers.Serializer):
    """The terms an order offers, as the public sees them."""

    id = serializers.IntegerField(read_only=True)
    verification_code = serializers.CharField(read_only=True, allow_null=True)
    state = serializers.CharField(read_only=True)
    employer = serializers.CharField(source="employer.name", read_only=True)
    programme = serializers.CharField()
    title = serializers.CharField()
    occupation = serializers.CharField(source="occupation_id")
    isco_unit = serializers.CharField(read_only=True)
    positions = serializers.IntegerField()
    sector = serializers.CharField()
    description = serializers.CharField()
    worksite_country = serializers.CharField()
    worksite_subdivision = serializers.CharField()
    worksite_municipality = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    season = serializers.CharField()
    wage_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    wage_currency = serializers.CharField()
    wage_basis = serializers.CharField()
    weekly_hours = serializers.DecimalField(max_digits=4, decimal_places=1)
    guaranteed_hours = serializers.IntegerField()
    overtime_rule = serializers.CharField()
    housing_provided = serializers.BooleanField()
    housing_weekly_cost = serializers.DecimalField(max_digits=8, decimal_places=2)
    costs = serializers.DictField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    min_experience_years = serializers.IntegerField()
    named_request = serializers.BooleanField()


class OrderSerializer(TermsSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    agency = serializers.CharField(
        source="agency.name", read_only=True, allow_null=True, default=None
    )
    version = serializers.IntegerField(read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    named_workers = serializers.ListField(
        child=serializers.CharField(), source="named_numbers", read_only=True
    )
    checked_at = serializers.DateTimeField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class OrderInput(serializers.Serializer):
    """What the filer writes. The check against the law runs on save and answers in `findings`:
    a wage under the minimum is saved and explained, not refused."""

    programme = serializers.CharField(required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200)
    occupation = serializers.CharField(help_text="ESCO occupation id (UUID)")
    positions = serializers.IntegerField(min_value=1, max_value=10_000)
    sector = serializers.ChoiceField(choices=[c for c, _l in SECTORS])
    description = serializers.CharField(required=False, allow_blank=True, default="")
    worksite_country = serializers.CharField(max_length=2)
    worksite_subdivision = serializers.CharField(required=False, allow_blank=True, default="")
    worksite_municipality = serializers.CharField(max_length=120)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    season = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    wage_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    wage_currency = serializers.CharField(max_length=3)
    wage_basis = serializers.ChoiceField(choices=WageBasis.choices)
    weekly_hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=1, max_value=84
    )
    guaranteed_hours = serializers.IntegerField(min_value=1, max_value=10_000)
    overtime_rule = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )
    housing_provided = serializers.BooleanField(required=False, default=False)
    housing_weekly_cost = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, default=0
    )
    costs = serializers.DictField(
        child=serializers.ChoiceField(choices=Payer.choices),
        required=False,
        default=dict,
        help_text=f"Who pays each of {', '.join(ORDER_COSTS)}: employer (the default) or worker",
    )
    languages = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2),
        required=False,
        default=list,
        help_text=f"[[ISO 639-1 code, level]], level one of {', '.join(CefrLevel.values)}",
    )
    min_experience_years = serializers.IntegerField(
        min_value=0, max_value=60, required=False, default=0
    )
    named_request = serializers.BooleanField(required=False, default=False)
    named_workers = serializers.ListField(
        child=serializers.CharField(max_length=16),
        required=False,
        max_length=500,
        help_text="Registration numbers (VN-XXXXX-XXXXX) of returning workers asked for by name",
    )


class OrderListApi(APIView):
    pagination_class = Pagination

    class CreateInput(OrderInput):
        employer = IdField(help_text="Id of the employer the order is for")
        jurisdiction = serializers.CharField(
            required=False,
            help_text="Code of the authority that approves it (where workers are recruited); "
            "by default the employer's. An agency files with the authority that licensed it.",
        )

    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=JobOrderState.choices, required=False)
        q = serializers.CharField(required=False, max_length=100)

    @extend_schema(
        parameters=[FilterSerializer],
        responses=OrderSerializer(many=True),
        summary="Job orders you may see",
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        orders = selectors.order_list(
            actor=request.user, filters=selectors.OrderFilter(**params.validated_data)
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(OrderSerializer(page, many=True).data)

    @extend_schema(
        request=CreateInput,
        responses={201: OrderSerializer, **ERRORS},
        summary="File a job order (a draft, checked against the law at once)",
    )
    def post(self, request: Request) -> Response:
        data = self.CreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        order = services.order_create(
            actor=request.user,
            employer_id=values.pop("employer"),
            jurisdiction=values.pop("jurisdiction", None),
            values=values,
        )
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)


class OrderDetailApi(APIView):
    class UpdateInput(OrderInput):
        version = VersionField(help_text="The version you read: a newer one is a 409")

    @extend_schema(
        responses={200: OrderSerializer, 404: PROBLEM}, summary="A job order, with its check"
    )
    def get(self, request: Request, order_id: int) -> Response:
        return Response(
            OrderSerializer(selectors.order_get(actor=request.user, order_id=order_id)).data
        )

    @extend_schema(
        request=UpdateInput,
        responses={200: OrderSerializer, **ERRORS},
        summary="Change a draft or returned job order (checked again)",
    )
    def put(self, request: Request, order_id: int) -> Response:
        selectors.order_get(actor=request.user, order_id=order_id)  # 404 before any validation
        data = self.UpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        order = services.order_update(
            actor=request.user, order_id=order_id, values=values, expected_version=version
        )
        return Response(OrderSerializer(order).data)


class OrderMoveApi(APIView):
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=JobOrderState.choices)
        reason = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=2000
        )
        expected_state = serializers.ChoiceField(
            choices=JobOrderState.choices,
            required=False,
            help_text="The state you saw: if the order moved since, 409",
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: OrderSerializer, **ERRORS},
        summary="Submit, approve, return, publish, fill or close a job order",
        description="A move that needs the check (submit, approve, publish) is refused with 409 "
        "`job_order_check_failed` and the failed findings when a rule is not met.",
    )
    def post(self, request: Request, order_id: int) -> Response:
        selectors.order_get(actor=request.user, order_id=order_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_move(actor=request.user, order_id=order_id, **data.validated_data)
        return Response(OrderSerializer(order).data)


# --- public -----------------------------------------------------------------------------------


class JobVerificationThrottle(PublicVerificationThrottle):
    RATES = {"public_job_verification": "60/minute"}


class VacancyListApi(APIView):
    pagination_class = Pagination
    permission_classes = [AllowAny]
    authentication_classes = []

    class FilterSerializer(serializers.Serializer):
        occupation = serializers.RegexField(
            r"^\d{1,4}$", required=False, help_text="ISCO-08, 1-4 digits"
        )
        country = serializers.CharField(required=False, max_length=2)
        region = serializers.CharField(required=False, max_length=10, help_text="ISO 3166-2")
        sector = serializers.ChoiceField(choices=[c for c, _l in SECTORS], required=False)
        q = serializers.CharField(required=False, max_length=100)

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: TermsSerializer(many=True), 400: PROBLEM},
        summary="Public: the vacancy board (published job orders)",
        auth=[],
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        vacancies = selectors.board_list(filters=selectors.BoardFilter(**params.validated_data))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(vacancies, request, view=self)
        return paginator.get_paginated_response(TermsSerializer(page, many=True).data)


class JobOfferVerifyApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [JobVerificationThrottle]
    throttle_scope = "public_job_verification"

    @extend_schema(
        responses={200: TermsSerializer, 404: PROBLEM, 429: PROBLEM},
        summary="Public: is this job offer real and approved, and on which terms?",
        description="By the offer's code (JO-XXXX-XXXX, case and dashes optional). 404 when no "
        "approved offer has it.",
        auth=[],
    )
    def get(self, request: Request, code: str) -> Response:
        order = selectors.order_by_code(code=code)
        if order is None:
            raise Http404
        return Response(TermsSerializer(order).data)


# --- job fairs --------------------------------------------------------------------------------


class FairFiguresSerializer(serializers.Serializer):
    employers = serializers.IntegerField()
    vacancies = serializers.IntegerField()
    positions = serializers.IntegerField()
    registrations = serializers.IntegerField(help_text="Workers registered or met at the fair")
    shortlisted = serializers.IntegerField()
    placements = serializers.IntegerField(help_text="Selections on the fair's vacancies")


class FairPlaceSerializer(serializers.Serializer):
    """What anyone may read of a fair: when and where."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField()
    country = serializers.CharField()
    subdivision = serializers.CharField()
    municipality = serializers.CharField()
    venue = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class FairSerializer(FairPlaceSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    figures = serializers.SerializerMethodField()

    @extend_schema_field(FairFiguresSerializer)
    def get_figures(self, fair: Any) -> dict:
        return FairFiguresSerializer(selectors.fair_figures(fair)).data


class FairDetailSerializer(FairSerializer):
    employers = serializers.SerializerMethodField()
    vacancies = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_employers(self, fair: Any) -> list[dict]:
        return [{"id": e.pk, "name": e.name} for e in fair.employers.order_by("name")]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_vacancies(self, fair: Any) -> list[dict]:
        return [
            {
                "id": o.pk,
                "title": o.title,
                "employer": o.employer.name,
                "state": o.state,
                "positions": o.positions,
                "verification_code": o.verification_code,
            }
            for o in fair.orders.select_related("employer").order_by("pk")
        ]


class FairInput(serializers.Serializer):
    jurisdiction = serializers.CharField(
        required=False, help_text="Code of the organising authority; by default your only one"
    )
    name = serializers.CharField(max_length=200)
    country = serializers.CharField(max_length=2)
    subdivision = serializers.CharField(required=False, allow_blank=True, default="", max_length=10)
    municipality = serializers.CharField(max_length=120)
    venue = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class FairListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        responses=FairSerializer(many=True), summary="Job fairs you organise, with their figures"
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        listed = selectors.with_figures(selectors.fair_list(actor=request.user))
        page = paginator.paginate_queryset(listed, request, view=self)
        return paginator.get_paginated_response(FairSerializer(page, many=True).data)

    @extend_schema(
        request=FairInput,
        responses={201: FairDetailSerializer, **ERRORS},
        summary="Organise a job fair",
    )
    def post(self, request: Request) -> Response:
        data = FairInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        jurisdiction = values.pop("jurisdiction", None)
        fair = services.fair_create(
            actor=request.user, jurisdiction=jurisdiction, values=services.FairValues(**values)
        )
        return Response(FairDetailSerializer(fair).data, status=status.HTTP_201_CREATED)


class FairDetailApi(APIView):
    @extend_schema(
        responses={200: FairDetailSerializer, 404: PROBLEM},
        summary="A job fair: its employers, vacancies and figures",
    )
    def get(self, request: Request, fair_id: int) -> Response:
        return Response(
            FairDetailSerializer(selectors.fair_get(actor=request.user, fair_id=fair_id)).data
        )


class FairVacanciesApi(APIView):
    class InputSerializer(serializers.Serializer):
        orders = serializers.ListField(
            child=IdField(),
            min_length=1,
            max_length=500,
            help_text="Ids of approved or published job orders of the fair's authority",
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: FairDetailSerializer, **ERRORS},
        summary="Offer job orders at a fair (their employers join it)",
    )
    def post(self, request: Request, fair_id: int) -> Response:
        selectors.fair_get(actor=request.user, fair_id=fair_id)  # 404 before any validation
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fair = services.fair_offer(
            actor=request.user, fair_id=fair_id, order_ids=data.validated_data["orders"]
        )
        return Response(FairDetailSerializer(fair).data)


class FairRegistrationsApi(APIView):
    class InputSerializer(serializers.Serializer):
        worker = serializers.CharField(
            max_length=20, help_text="The registration number on the worker's card (VN-…)"
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: FairFiguresSerializer, **ERRORS},
        summary="Count a registered worker met at the fair (once per worker)",
        description="New workers register at the fair's kiosk page; this counts one already "
        "registered with the fair's authority. Answers the fair's figures.",
    )
    def post(self, request: Request, fair_id: int) -> Response:
        selectors.fair_get(actor=request.user, fair_id=fair_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.fair_register_number(
            actor=request.user, fair_id=fair_id, registration_number=data.validated_data["worker"]
        )
        return Response(
            FairFiguresSerializer(selectors.fair_figures(registration.fair)).data,
            status=status.HTTP_201_CREATED,
        )


class FairPublicApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    class OutputSerializer(FairPlaceSerializer):
        employers = serializers.ListField(child=serializers.CharField())
        vacancies = TermsSerializer(many=True)

    @extend_schema(
        responses={200: OutputSerializer, 404: PROBLEM},
        summary="Public: a job fair's dates, place, employers and published vacancies",
        auth=[],
    )
    def get(self, request: Request, fair_id: int) -> Response:
        fair, vacancies = selectors.fair_public(fair_id=fair_id)
        return Response(
            {
                **FairPlaceSerializer(fair).data,
                "employers": sorted({o.employer.name for o in vacancies}),
                "vacancies": TermsSerializer(vacancies, many=True).data,
            }
        )
