"""Matching over the API: an order's explained ranking (with the equity option), shortlisting,
the employer's selection, the fairness audit, batch matching, and a worker's recommended
vacancies and applications. Errors answer application/problem+json; what the caller may not see
answers 404."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vinculo.core.access import user_can
from vinculo.core.apis import ERRORS, PROBLEM, IdField
from vinculo.core.apis import RunSerializer as BaseRunSerializer
from vinculo.core.permissions import Perm
from vinculo.matching import selectors, services
from vinculo.registry.models import Worker


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    points = serializers.FloatField()
    params = serializers.DictField()


class MatchSerializer(serializers.Serializer):
    worker = serializers.IntegerField(source="worker_id")
    score = serializers.FloatField()
    reasons = ReasonSerializer(many=True)


class RankingSerializer(serializers.Serializer):
    scored = serializers.IntegerField(help_text="Eligible workers scored to find the top")
    matches = MatchSerializer(many=True)


class CandidacySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField(source="order_id")
    worker = serializers.IntegerField(source="worker_id")
    status = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    reasons = ReasonSerializer(many=True)


class RankingApi(APIView):
    class Params(serializers.Serializer):
        equity = serializers.BooleanField(required=False, default=False)
        k = serializers.IntegerField(required=False, default=50, min_value=1, max_value=200)

    @extend_schema(
        parameters=[Params],
        responses={200: RankingSerializer, **ERRORS},
        summary="An order's explained ranking",
    )
    def get(self, request: Request, order_id: int) -> Response:
        params = self.Params(data=request.query_params)
        params.is_valid(raise_exception=True)
        _order, ranking = selectors.ranking_for(
            actor=request.user, order_id=order_id, **params.validated_data
        )
        return Response(RankingSerializer(ranking).data)


class ShortlistApi(APIView):
    class Input(serializers.Serializer):
        worker = IdField()

    @extend_schema(
        request=Input,
        responses={201: CandidacySerializer, **ERRORS},
        summary="Shortlist a worker for an order",
    )
    def post(self, request: Request, order_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        candidacy = services.candidacy_shortlist(
            actor=request.user, order_id=order_id, worker_id=data.validated_data["worker"]
        )
        return Response(CandidacySerializer(candidacy).data, status=status.HTTP_201_CREATED)


class CandidatesApi(APIView):
    @extend_schema(
        responses={200: CandidacySerializer(many=True), **ERRORS},
        summary="An order's shortlisted and decided candidates",
    )
    def get(self, request: Request, order_id: int) -> Response:
        _order, candidacies = selectors.shortlisted_for(actor=request.user, order_id=order_id)
        return Response(CandidacySerializer(candidacies, many=True).data)


class DecideApi(APIView):
    class Input(serializers.Serializer):
        decision = serializers.ChoiceField(choices=["select", "not_select"])
        reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)

    # What the schema promises, one shape per decision: not selecting needs a reason (the
    # service refuses a blank one), selecting does not.
    class SelectInput(serializers.Serializer):
        decision = serializers.ChoiceField(choices=["select"])

    class NotSelectInput(serializers.Serializer):
        decision = serializers.ChoiceField(choices=["not_select"])
        reason = serializers.RegexField(r"\S", max_length=500, help_text="Why not")

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="MatchingDecideInput",
            serializers={"select": SelectInput, "not_select": NotSelectInput},
            resource_type_field_name="decision",
        ),
        responses={200: CandidacySerializer, **ERRORS},
        summary="The employer selects a shortlisted worker, or not (with a reason)",
    )
    def post(self, request: Request, candidacy_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["decision"] == "select":
            candidacy = services.candidacy_select(actor=request.user, candidacy_id=candidacy_id)
        else:
            candidacy = services.candidacy_not_select(
                actor=request.user, candidacy_id=candidacy_id, reason=data.validated_data["reason"]
            )
        return Response(CandidacySerializer(candidacy).data)


class FairnessRowSerializer(serializers.Serializer):
    sex = serializers.IntegerField(help_text="1 women, 2 men, 3 another sex")
    pool = serializers.IntegerField()
    shortlisted = serializers.IntegerField()
    selected = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    ratio = serializers.FloatField(allow_null=True, help_text="Rate ÷ the highest group's rate")
    flagged = serializers.BooleanField(help_text="Ratio under four fifths")


class FairnessApi(APIView):
    @extend_schema(
        responses={200: FairnessRowSerializer(many=True), **ERRORS},
        summary="Selection rates by sex against the eligible pool",
    )
    def get(self, request: Request, order_id: int) -> Response:
        order, _ranking = selectors.ranking_for(actor=request.user, order_id=order_id, k=1)
        return Response(FairnessRowSerializer(selectors.fairness_audit(order), many=True).data)


class RunSerializer(BaseRunSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    # The run's total and done, under the names this API has always used.
    orders_total = serializers.IntegerField(source="total")
    orders_done = serializers.IntegerField(source="done")
    recommendations = serializers.IntegerField()


class RunListApi(APIView):
    class Input(serializers.Serializer):
        jurisdiction = serializers.CharField(
            required=False, help_text="Its code; needed when you may match several"
        )

    @extend_schema(
        request=Input,
        responses={202: RunSerializer, **ERRORS},
        summary="Match every published order of a jurisdiction, in the background",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.match_run_request(
            actor=request.user, jurisdiction=data.validated_data.get("jurisdiction")
        )
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailApi(APIView):
    @extend_schema(
        responses={200: RunSerializer, 404: PROBLEM}, summary="A batch matching and its progress"
    )
    def get(self, request: Request, run_id: str) -> Response:
        run = selectors.match_run_get(actor=request.user, run_id=run_id)
        return Response(RunSerializer(run).data)


def _own_worker(request: Request) -> Worker:
    worker = (
        Worker.objects.filter(user=request.user).first() if request.user.is_authenticated else None
    )
    if worker is None or not user_can(request.user, Perm.APPLY_FOR_VACANCIES):
        raise Http404
    return worker.merged_into or worker


class RecommendedSerializer(serializers.Serializer):
    order = serializers.IntegerField(source="order.pk")
    title = serializers.CharField(source="order.title")
    employer = serializers.CharField(source="order.employer.name")
    score = serializers.FloatField()
    reasons = ReasonSerializer(many=True)
    status = serializers.CharField(source="candidacy.status", allow_null=True, default=None)


class MyVacanciesApi(APIView):
    @extend_schema(
        responses={200: RecommendedSerializer(many=True), 404: PROBLEM},
        summary="Your recommended vacancies, ranked and explained",
    )
    def get(self, request: Request) -> Response:
        return Response(
            RecommendedSerializer(
                selectors.recommended_for(worker=_own_worker(request)), many=True
            ).data
        )


class ApplyApi(APIView):
    @extend_schema(
        request=None,
        responses={201: CandidacySerializer, **ERRORS},
        summary="Apply for a recommended vacancy",
    )
    def post(self, request: Request, order_id: int) -> Response:
        candidacy = services.candidacy_apply(worker=_own_worker(request), order_id=order_id)
        return Response(CandidacySerializer(candidacy).data, status=status.HTTP_201_CREATED)
