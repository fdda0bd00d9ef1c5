"""The duplicate review over the API: start a check of the registry and follow it, read the
queue and a pair's evidence, decide (merge, undo, not the same person) and flag for fraud.
Errors answer application/problem+json; another jurisdiction's pairs answer 404."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vinculo.core.access import user_can
from vinculo.core.apis import IdField
from vinculo.core.apis import RunSerializer as BaseRunSerializer
from vinculo.core.pagination import Pagination
from vinculo.core.permissions import Perm
from vinculo.linkage import selectors, services
from vinculo.linkage.models import PairStatus
from vinculo.registry.selectors import worker_get


class RunSerializer(BaseRunSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    records = serializers.IntegerField()
    pairs_found = serializers.IntegerField()
    pairs_new = serializers.IntegerField()


class RecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    registration_number = serializers.CharField()
    full_name = serializers.CharField()
    birth_date = serializers.DateField()
    merged_into = serializers.CharField(
        source="merged_into.registration_number", allow_null=True, default=None
    )


class PairSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    probability = serializers.FloatField()
    origin = serializers.CharField()
    status = serializers.CharField()
    worker_a = RecordSerializer()
    worker_b = RecordSerializer()
    decided_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()


class RunListApi(APIView):
    pagination_class = Pagination

    class InputSerializer(serializers.Serializer):
        jurisdiction = serializers.CharField(
            required=False, help_text="Its code; needed when you may check several."
        )

    @extend_schema(responses=RunSerializer(many=True), summary="Duplicate checks of the registry")
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.run_list(actor=request.user), request, self)
        return paginator.get_paginated_response(RunSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={202: RunSerializer},
        summary="Check a jurisdiction's whole registry for duplicates, in the background",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.linkage_run_request(
            actor=request.user, jurisdiction=data.validated_data.get("jurisdiction")
        )
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailApi(APIView):
    @extend_schema(responses=RunSerializer, summary="A duplicate check: stage, progress, counts")
    def get(self, request: Request, run_id: str) -> Response:
        return Response(RunSerializer(selectors.run_get(actor=request.user, run_id=run_id)).data)


class PairListApi(APIView):
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=PairStatus.choices, required=False)

    @extend_schema(
        parameters=[FilterSerializer],
        responses=PairSerializer(many=True),
        summary="Possible duplicates, most probable first",
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        pairs = selectors.pair_list(
            actor=request.user, status=filters.validated_data.get("status", "")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(pairs, request, view=self)
        return paginator.get_paginated_response(PairSerializer(page, many=True).data)


class PairDetailApi(APIView):
    class OutputSerializer(PairSerializer):
        class EvidenceSerializer(serializers.Serializer):
            field = serializers.CharField()
            level = serializers.CharField()
            weight = serializers.FloatField(help_text="log2 of how much likelier if the same")

        evidence = EvidenceSerializer(many=True)

    @extend_schema(responses=OutputSerializer, summary="A pair, with each field's agreement")
    def get(self, request: Request, pair_id: int) -> Response:
        pair = selectors.pair_get(actor=request.user, pair_id=pair_id)
        pair.evidence = selectors.pair_evidence(pair)
        return Response(self.OutputSerializer(pair).data)


class PairMergeApi(APIView):
    class InputSerializer(serializers.Serializer):
        keep = IdField(help_text="The id of the record to keep")

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        survivor = serializers.CharField(source="survivor.registration_number")
        merged = serializers.CharField(source="merged.registration_number")
        moved = serializers.JSONField()

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        summary="Merge the pair into the record kept (undo with the merge's id)",
    )
    def post(self, request: Request, pair_id: int) -> Response:
        pair = selectors.pair_get(actor=request.user, pair_id=pair_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merge = services.pair_merge(
            pair=pair, keep_id=data.validated_data["keep"], actor=request.user
        )
        return Response(self.OutputSerializer(merge).data, status=status.HTTP_201_CREATED)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PairDistinctApi(APIView):
    @extend_schema(
        request=ReasonSerializer,
        responses=PairSerializer,
        summary="Two different people: never proposed again",
    )
    def post(self, request: Request, pair_id: int) -> Response:
        pair = selectors.pair_get(actor=request.user, pair_id=pair_id)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pair = services.pair_distinct(
            pair=pair, reason=data.validated_data["reason"], actor=request.user
        )
        return Response(PairSerializer(pair).data)


class MergeUndoApi(APIView):
    @extend_schema(request=None, responses=PairSerializer, summary="Undo a merge")
    def post(self, request: Request, merge_id: int) -> Response:
        merge = selectors.merge_get(actor=request.user, merge_id=merge_id)
        services.merge_undo(merge=merge, actor=request.user)
        pair = selectors.pair_get(actor=request.user, pair_id=merge.pair_id)
        return Response(PairSerializer(pair).data)


class FraudFlagApi(APIView):
    class InputSerializer(ReasonSerializer):
        action = serializers.ChoiceField(choices=["raise", "clear"], default="raise")

    class OutputSerializer(serializers.Serializer):
        worker = serializers.CharField(source="worker.registration_number")
        reason = serializers.CharField()
        raised_at = serializers.DateTimeField()
        cleared_at = serializers.DateTimeField(allow_null=True)
        clear_reason = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        responses=OutputSerializer,
        summary="Flag a worker's record for fraud, or clear the flag",
    )
    def post(self, request: Request, worker_id: int) -> Response:
        if not user_can(request.user, Perm.REVIEW_DUPLICATES):
            raise Http404
        worker = worker_get(actor=request.user, worker_id=worker_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clear = data.validated_data["action"] == "clear"
        action = services.fraud_flag_clear if clear else services.fraud_flag_raise
        flag = action(worker=worker, reason=data.validated_data["reason"], actor=request.user)
        return Response(self.OutputSerializer(flag).data)
