"""The worker registry over the API: lists show the least data that serves, a full profile is
audited like its page, and the status behind a card's QR code is public."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from vinculo.core.pagination import Pagination
from vinculo.registry.selectors import WorkerFilter, worker_list, worker_public_get
from vinculo.registry.services import worker_profile_view


class WorkerListApi(APIView):
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer):
        name = serializers.CharField(required=False, allow_blank=True, max_length=100)
        document_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
        nationality = serializers.RegexField(r"^[A-Za-z]{2}$", required=False)
        sex = serializers.ChoiceField(choices=["F", "M", "X"], required=False)
        occupation = serializers.UUIDField(required=False, help_text="ESCO occupation id")

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        registration_number = serializers.CharField()
        full_name = serializers.CharField()
        nationality = serializers.CharField()
        municipality = serializers.CharField()
        jurisdiction = serializers.CharField(source="jurisdiction.code")

    @extend_schema(
        parameters=[FilterSerializer],
        responses=OutputSerializer(many=True),
        summary="Workers of your jurisdictions",
        description="Document numbers are matched through their keyed hash, never decrypted.",
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = {k: str(v) for k, v in filters.validated_data.items()}
        workers = worker_list(actor=request.user, filters=WorkerFilter(**data))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(workers, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class WorkerDetailApi(APIView):
    class OutputSerializer(serializers.Serializer):
        class DocumentSerializer(serializers.Serializer):
            kind = serializers.CharField()
            issuing_country = serializers.CharField()
            number = serializers.CharField()
            expires_on = serializers.DateField(allow_null=True)

        class OccupationSerializer(serializers.Serializer):
            # null when the worker named the ISCO-08 unit group alone
            esco_id = serializers.UUIDField(source="occupation_id", allow_null=True)
            isco_code = serializers.CharField(source="isco_group_id")
            label = serializers.CharField()
            years_experience = serializers.IntegerField()

        class LanguageSerializer(serializers.Serializer):
            language = serializers.CharField()
            level = serializers.CharField()

        class ConsentSerializer(serializers.Serializer):
            purpose = serializers.CharField()
            given_at = serializers.DateTimeField()
            withdrawn_at = serializers.DateTimeField(allow_null=True)

        id = serializers.IntegerField()
        registration_number = serializers.CharField()
        version = serializers.IntegerField()
        jurisdiction = serializers.CharField(source="jurisdiction.code")
        given_names = serializers.CharField()
        first_surname = serializers.CharField()
        second_surname = serializers.CharField()
        sex = serializers.CharField()
        birth_date = serializers.DateField()
        nationality = serializers.CharField()
        phone = serializers.CharField()
        residence_country = serializers.CharField()
        subdivision = serializers.CharField()
        municipality = serializers.CharField()
        education_level = serializers.CharField()
        available_from = serializers.DateField(allow_null=True)
        available_to = serializers.DateField(allow_null=True)
        relocate_within_country = serializers.BooleanField()
        work_abroad = serializers.BooleanField()
        channel = serializers.CharField()
        merged_into = serializers.CharField(
            source="merged_into.registration_number", allow_null=True, default=None
        )
        documents = DocumentSerializer(many=True)
        occupations = OccupationSerializer(many=True)
        languages = LanguageSerializer(many=True)
        consents = ConsentSerializer(many=True)

    @extend_schema(
        responses=OutputSerializer,
        summary="A worker's full profile (audited)",
        description="Answers 404 for a worker outside your jurisdictions, as if it did not exist.",
    )
    def get(self, request: Request, worker_id: int) -> Response:
        worker = worker_profile_view(actor=request.user, worker_id=worker_id)
        return Response(self.OutputSerializer(worker).data)


class StatusThrottle(AnonRateThrottle):
    scope = "worker_status"
    rate = "60/min"


class WorkerStatusApi(APIView):
    """The status behind the QR code of a registration card: public, and nothing personal."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [StatusThrottle]

    class OutputSerializer(serializers.Serializer):
        registration_number = serializers.CharField()
        status = serializers.ChoiceField(
            choices=["active", "replaced"],
            help_text="replaced: joined with another registration of the same person",
        )
        initials = serializers.CharField()
        jurisdiction = serializers.CharField(source="jurisdiction.code")
        registered_since = serializers.DateField()

    @extend_schema(responses=OutputSerializer, summary="Is this registration number live?")
    def get(self, request: Request, number: str) -> Response:
        worker = worker_public_get(registration_number=number)
        names = (worker.given_names, worker.first_surname, worker.second_surname)
        return Response(
            self.OutputSerializer(
                {
                    "registration_number": worker.registration_number,
                    "status": "replaced" if worker.merged_into_id else "active",
                    "initials": " ".join(f"{n[0]}." for n in names if n),
                    "jurisdiction": worker.jurisdiction,
                    "registered_since": worker.created_at.date(),
                }
            ).data
        )
