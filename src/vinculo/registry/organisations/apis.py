"""Employers and agencies over the API: scoped lists and decisions for officials, and the public
verification of agency licences (no sign-in, rate-limited)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vinculo.core.access import user_can
from vinculo.core.apis import ERRORS, PROBLEM, PublicVerificationThrottle
from vinculo.core.models import VerificationState
from vinculo.core.pagination import Pagination
from vinculo.core.permissions import Perm
from vinculo.registry.models import LicenceState
from vinculo.registry.organisations import selectors, services


class AgencyVerificationThrottle(PublicVerificationThrottle):
    RATES = {"public_agency_verification": "60/minute"}


# --- shared output ----------------------------------------------------------------------------


class EstablishmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField()
    subdivision = serializers.CharField()
    municipality = serializers.CharField()
    address = serializers.CharField()
    workers_capacity = serializers.IntegerField(allow_null=True)


class EmployerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    country = serializers.CharField()
    tax_id = serializers.CharField()
    sector = serializers.CharField()
    city = serializers.CharField()
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    verification_state = serializers.ChoiceField(choices=VerificationState.choices)
    verified_at = serializers.DateTimeField(allow_null=True)


class LicenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=LicenceState.choices)
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    destination_countries = serializers.ListField(child=serializers.CharField())
    sectors = serializers.ListField(child=serializers.CharField())
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)


class DecisionInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    expected_state = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        default="",
        help_text="The state you saw when deciding: if it changed since, the answer is 409.",
    )


# --- employers --------------------------------------------------------------------------------


class EmployerListApi(APIView):
    pagination_class = Pagination

    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
        state = serializers.ChoiceField(
            choices=VerificationState.choices, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        parameters=[InputSerializer],
        responses={200: EmployerOutput(many=True), 404: PROBLEM},
        summary="Employers of your jurisdictions",
    )
    def get(self, request: Request) -> Response:
        if not user_can(request.user, Perm.VIEW_ORGANISATIONS):
            raise Http404
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = selectors.EmployerFilter(
            name=params.validated_data["q"], state=params.validated_data["state"]
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.employer_list(actor=request.user, filters=filters), request, view=self
        )
        return paginator.get_paginated_response(EmployerOutput(page, many=True).data)


class EmployerDetailOutput(EmployerOutput):
    verification_note = serializers.CharField()
    verified_by = serializers.CharField(source="verified_by.username", allow_null=True)
    establishments = EstablishmentOutput(many=True, source="establishments.all")
    available_decisions = serializers.ListField(child=serializers.CharField())


def _employer_detail(request: Request, organisation_id: int) -> dict:
    employer = selectors.employer_get(actor=request.user, organisation_id=organisation_id)
    employer.available_decisions = list(
        selectors.employer_moves_available(actor=request.user, organisation=employer)
    )
    return EmployerDetailOutput(employer).data


class EmployerDetailApi(APIView):
    @extend_schema(
        responses={200: EmployerDetailOutput, 404: PROBLEM}, summary="One employer, in full"
    )
    def get(self, request: Request, organisation_id: int) -> Response:
        return Response(_employer_detail(request, organisation_id))


class EmployerVerifyApi(APIView):
    class EmployerDecisionInputSerializer(DecisionInput):
        to = serializers.ChoiceField(
            choices=[VerificationState.VERIFIED, VerificationState.REJECTED]
        )

    @extend_schema(
        request=EmployerDecisionInputSerializer,
        responses={200: EmployerDetailOutput, **ERRORS},
        summary="Verify or reject an employer",
        description="`reason` is required to reject. Answers 409 `verification_state_changed` "
        "when `expected_state` no longer holds, `verification_move_not_allowed` when the decision "
        "is not possible from the current state.",
    )
    def post(self, request: Request, organisation_id: int) -> Response:
        data = self.EmployerDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.employer_verification_decide(
            organisation_id=organisation_id,
            to=data.validated_data["to"],
            reason=data.validated_data["reason"],
            expected_state=data.validated_data["expected_state"] or None,
            actor=request.user,
        )
        return Response(_employer_detail(request, organisation_id))


# --- agencies and licences --------------------------------------------------------------------


class AgencyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField()
    tax_id = serializers.CharField()
    city = serializers.CharField()
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    licences = LicenceOutput(many=True, source="visible_licences")


class AgencyListApi(APIView):
    pagination_class = Pagination

    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
        state = serializers.ChoiceField(
            choices=LicenceState.choices, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        parameters=[InputSerializer],
        responses={200: AgencyOutput(many=True), 404: PROBLEM},
        summary="Recruitment agencies of your jurisdictions, with their licences",
    )
    def get(self, request: Request) -> Response:
        if not user_can(request.user, Perm.VIEW_ORGANISATIONS):
            raise Http404
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = selectors.AgencyFilter(
            name=params.validated_data["q"], state=params.validated_data["state"]
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.agency_list(actor=request.user, filters=filters), request, view=self
        )
        return paginator.get_paginated_response(AgencyOutput(page, many=True).data)


class LicenceMoveApi(APIView):
    class LicenceMoveInputSerializer(DecisionInput):
        to = serializers.ChoiceField(choices=LicenceState.choices)

    class LicenceMovedOutputSerializer(LicenceOutput):
        agency = serializers.IntegerField(source="agency_id")
        available_moves = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        request=LicenceMoveInputSerializer,
        responses={200: LicenceMovedOutputSerializer, **ERRORS},
        summary="Move a licence through its lifecycle",
        description="applied → valid ⇄ suspended → cancelled or delisted; every move needs a "
        "reason. Answers 409 `licence_state_changed` when `expected_state` no longer holds "
        "(another official moved the licence first) and `licence_move_not_allowed` when the move "
        "is not possible from the current state.",
    )
    def post(self, request: Request, licence_id: int) -> Response:
        data = self.LicenceMoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        licence = services.licence_move(
            licence_id=licence_id,
            to=data.validated_data["to"],
            reason=data.validated_data["reason"],
            expected_state=data.validated_data["expected_state"] or None,
            actor=request.user,
        )
        licence.available_moves = list(
            selectors.licence_moves_available(actor=request.user, licence=licence)
        )
        return Response(self.LicenceMovedOutputSerializer(licence).data)


# --- public verification ----------------------------------------------------------------------


class PublicSanctionOutput(serializers.Serializer):
    state = serializers.ChoiceField(choices=LicenceState.choices)
    label = serializers.CharField()
    at = serializers.DateTimeField()
    reason = serializers.CharField()


class PublicLicenceOutput(serializers.Serializer):
    number = serializers.CharField(source="licence.number")
    agency = serializers.CharField(source="licence.agency.name")
    agency_country = serializers.CharField(source="licence.agency.country")
    authority = serializers.CharField(source="licence.jurisdiction.name")
    state = serializers.ChoiceField(choices=LicenceState.choices, source="licence.state")
    status = serializers.ChoiceField(
        choices=["licensed", "not_yet_valid", "expired", "suspended", "cancelled", "delisted"],
        help_text="`licensed` only when the licence is valid today.",
    )
    status_label = serializers.CharField()
    licensed = serializers.BooleanField()
    destination_countries = serializers.ListField(
        child=serializers.CharField(), source="licence.destination_countries"
    )
    sectors = serializers.ListField(child=serializers.CharField(), source="licence.sectors")
    valid_from = serializers.DateField(source="licence.valid_from", allow_null=True)
    valid_to = serializers.DateField(source="licence.valid_to", allow_null=True)
    sanctions = PublicSanctionOutput(many=True)
    checked_at = serializers.DateTimeField()


class PublicAgencyListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AgencyVerificationThrottle]
    throttle_scope = "public_agency_verification"

    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(max_length=100, help_text="Licence number or agency name")

    @extend_schema(
        parameters=[InputSerializer],
        responses={200: PublicLicenceOutput(many=True), 400: PROBLEM, 429: PROBLEM},
        summary="Public: search licensed recruitment agencies",
        description="By licence number or agency name, accent- and case-insensitive. Lists "
        "licences the authority has decided on (valid, suspended, cancelled, delisted), never "
        "applications. At most 25 results.",
        auth=[],
    )
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        views = [
            selectors.public_licence_view(licence)
            for licence in selectors.public_licence_search(query=params.validated_data["q"])
        ]
        return Response(PublicLicenceOutput(views, many=True).data)


class PublicAgencyDetailApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AgencyVerificationThrottle]
    throttle_scope = "public_agency_verification"

    @extend_schema(
        responses={200: PublicLicenceOutput, 404: PROBLEM, 429: PROBLEM},
        summary="Public: is this agency licensed?",
        auth=[],
    )
    def get(self, request: Request, number: str) -> Response:
        licence = selectors.public_licence_get(number=number)
        return Response(PublicLicenceOutput(selectors.public_licence_view(licence)).data)
