"""Reference data over the API. Public: reference data carries no personal information."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vinculo.core.i18n import current_language
from vinculo.core.pagination import Pagination
from vinculo.reference.countries import (
    country_list,
    currency_list,
    is_country,
    language_list,
    subdivision_list,
)
from vinculo.reference.selectors import occupation_list, occupation_search


class OccupationListApi(APIView):
    pagination_class = Pagination
    permission_classes = [AllowAny]
    authentication_classes = []

    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, max_length=100)
        isco = serializers.RegexField(r"^\d{1,4}$", required=False)
        limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)

    class OutputSerializer(serializers.Serializer):
        """One shape for a search result and a listed occupation, so a client reads both alike."""

        kind = serializers.ChoiceField(choices=["occupation", "isco"])
        key = serializers.CharField(help_text="ESCO id of an occupation, or the ISCO-08 code")
        isco_code = serializers.CharField()
        label = serializers.CharField()
        isco_title = serializers.CharField()
        matched_label = serializers.CharField(help_text="The label that matched `q`")
        score = serializers.FloatField(allow_null=True, help_text="Rank of a match; null unranked")
        regional_term = serializers.CharField(
            help_text="The Latin American title of the regional vocabulary that matched, or empty"
        )
        regional_countries = serializers.ListField(
            child=serializers.CharField(),
            help_text='Where that title is used: ISO 3166-1 alpha-2 codes, or "419" for Latin '
            "America in general",
        )
        regional_source = serializers.CharField(
            help_text='Where the mapping comes from ("regional usage" unless a national '
            "classification is named)"
        )

    @extend_schema(
        parameters=[InputSerializer],
        responses=OutputSerializer(many=True),
        summary="Search or list occupations",
        description="With `q`: ranked search of ESCO occupations and ISCO-08 groups in Spanish, "
        "English or French, accent- and case-insensitive (ñ is a letter of its own), with Latin "
        "American titles from the regional vocabulary and light typo tolerance: the top `limit` "
        "results, best first, on one page. Without `q`: every occupation, page by page, "
        "optionally under an ISCO `isco` prefix. The answer is paginated either way.",
    )
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        paginator = self.pagination_class()
        if data.get("q"):
            found = occupation_search(
                query=data["q"], limit=data["limit"], language=current_language()
            )
            page = paginator.paginate_queryset(found, request, view=self)
        else:
            listed = occupation_list(isco_prefix=data.get("isco", ""))
            page = [
                {
                    "kind": "occupation",
                    "key": o.esco_id,
                    "isco_code": o.isco_group_id,
                    "label": o.label,
                    "isco_title": o.isco_group.title,
                    "matched_label": o.label,
                    "score": None,
                    "regional_term": "",
                    "regional_countries": [],
                    "regional_source": "",
                }
                for o in paginator.paginate_queryset(listed, request, view=self)
            ]
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class CountrySerializer(serializers.Serializer):
    code = serializers.CharField()
    alpha3 = serializers.CharField()
    name = serializers.CharField()


class SubdivisionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()


class CountryListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Part of the name, or the code")],
        responses=CountrySerializer(many=True),
        summary="Countries (ISO 3166-1)",
    )
    def get(self, request: Request) -> Response:
        query = request.query_params.get("q", "")[:100]
        return Response(CountrySerializer(country_list(query=query), many=True).data)


class SubdivisionListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=SubdivisionSerializer(many=True),
        summary="First-level subdivisions of a country (ISO 3166-2)",
    )
    def get(self, request: Request, code: str) -> Response:
        if not is_country(code):
            raise Http404
        return Response(SubdivisionSerializer(subdivision_list(code), many=True).data)


class LanguageSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 639-1")
    name = serializers.CharField()


class CurrencySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 4217")
    numeric = serializers.CharField()
    name = serializers.CharField()


class LanguageListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=LanguageSerializer(many=True), summary="Languages (ISO 639-1)")
    def get(self, request: Request) -> Response:
        return Response(LanguageSerializer(language_list(), many=True).data)


class CurrencyListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=CurrencySerializer(many=True), summary="Currencies (ISO 4217)")
    def get(self, request: Request) -> Response:
        return Response(CurrencySerializer(currency_list(), many=True).data)
