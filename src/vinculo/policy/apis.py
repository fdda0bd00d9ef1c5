from __future__ import annotations

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vinculo.policy.selectors import pack_detail, pack_list


class PolicyPackListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        kind = serializers.CharField()
        country = serializers.CharField()
        name = serializers.DictField(child=serializers.CharField(), help_text="es and en")
        version = serializers.CharField()
        effective_from = serializers.DateField()
        currency = serializers.CharField()

    @extend_schema(responses=OutputSerializer(many=True), summary="Policy packs in force")
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "code": p.code,
                    "kind": p.kind,
                    "country": p.country,
                    "name": p.name.model_dump(),
                    "version": p.version,
                    "effective_from": p.effective_from,
                    "currency": p.currency,
                }
                for p in pack_list()
            ]
        )


class PolicyPackDetailApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=OpenApiTypes.OBJECT, summary="One policy pack, every figure with its legal source"
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(pack_detail(code=code).model_dump(mode="json"))
