"""Imports over the API: upload a file, follow its progress, read its problems."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vinculo.core.apis import RunSerializer
from vinculo.core.pagination import Pagination
from vinculo.imports import services
from vinculo.imports.models import ImportKind
from vinculo.imports.selectors import import_error_list, import_get, import_list


class ImportOutputSerializer(RunSerializer):
    kind = serializers.CharField()
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    file_name = serializers.CharField()
    # The run's total and done, under the names this API has always used.
    rows_total = serializers.IntegerField(source="total")
    rows_done = serializers.IntegerField(source="done")
    rows_created = serializers.IntegerField()
    rows_existing = serializers.IntegerField()
    rows_failed = serializers.IntegerField()


class ImportListApi(APIView):
    pagination_class = Pagination
    parser_classes = [MultiPartParser]  # a file travels in multipart/form-data, and only there

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ImportKind.choices)
        file = serializers.FileField()
        jurisdiction = serializers.CharField(
            required=False, help_text="Code or id; needed when you may import into several."
        )

    class ReadSerializer(InputSerializer):
        """What the view reads: a missing or empty file is the service's to answer, with the
        same coded problem the page shows ("file_empty"), not a generic field error (and
        multipart parsers differ in whether an empty part arrives at all)."""

        file = serializers.FileField(required=False, allow_empty_file=True)

    OutputSerializer = ImportOutputSerializer

    @extend_schema(responses=OutputSerializer(many=True), summary="Imports of your jurisdiction")
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(import_list(actor=request.user), request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={202: OutputSerializer},
        summary="Import a CSV or XLSX file of workers, employers or agencies",
        description="The header row is checked at once (problems answer 400 with the columns "
        "in `details`); the rows are read in the background: follow the import's URL.",
    )
    def post(self, request: Request) -> Response:
        data = self.ReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.import_request(
            kind=data.validated_data["kind"],
            upload=data.validated_data.get("file"),
            actor=request.user,
            jurisdiction_id=data.validated_data.get("jurisdiction"),
        )
        return Response(self.OutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class ImportDetailApi(APIView):
    OutputSerializer = ImportOutputSerializer

    @extend_schema(responses=OutputSerializer, summary="An import: status, counts, progress")
    def get(self, request: Request, import_id: str) -> Response:
        run = import_get(actor=request.user, import_id=import_id)
        return Response(self.OutputSerializer(run).data)


class ImportErrorListApi(APIView):
    pagination_class = Pagination

    class OutputSerializer(serializers.Serializer):
        row = serializers.IntegerField()
        column = serializers.CharField()
        code = serializers.CharField()
        params = serializers.JSONField()
        message = serializers.CharField()

    @extend_schema(responses=OutputSerializer(many=True), summary="The bad rows of an import")
    def get(self, request: Request, import_id: str) -> Response:
        run = import_get(actor=request.user, import_id=import_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(import_error_list(run=run), request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)
