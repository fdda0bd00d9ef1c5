"""The worker registry over the API: lists show the least data that serves, a full profile is
audited like its page, and the status behind a card's QR code is public."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from vinculo.core.access import user_can
from vinculo.core.apis import ERRORS
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.pagination import Pagination
from vinculo.core.permissions import Perm
from vinculo.core.selectors import jurisdiction_pick
from vinculo.registry import selectors
from vinculo.registry.identity import Person
from vinculo.registry.models import (
    CefrLevel,
    ConsentPurpose,
    DocumentKind,
    EducationLevel,
    RegistrationChannel,
    Sex,
)
from vinculo.registry.selectors import WorkerFilter, worker_list, worker_public_get
from vinculo.registry.services import (
    DocumentInput,
    WorkerInput,
    worker_input_clean,
    worker_profile_view,
    worker_register,
)

NOT_ALLOWED = _("You may not register workers.")
WHICH_JURISDICTION = _("Say which of your jurisdictions to register the worker in.")
PROBABLE_DUPLICATES = _(
    "This person is probably registered already. Compare the records in `details.matches`; if "
    "they are other people, send the registration again with their numbers in not_the_same_as."
)
# The service names the document's fields on their own; the API nests them under "document".
DOCUMENT_FIELDS = {"kind", "issuing_country", "number", "expires_on"}


def _nested(name: str | None) -> str | None:
    return f"document.{name}" if name in DOCUMENT_FIELDS else name


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

    class RegisterInput(serializers.Serializer):
        class DocumentIn(serializers.Serializer):
            kind = serializers.ChoiceField(choices=DocumentKind.choices)
            issuing_country = serializers.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
            number = serializers.CharField(max_length=40)
            expires_on = serializers.DateField(required=False, allow_null=True, default=None)

        class OccupationIn(serializers.Serializer):
            occupation = serializers.CharField(
                max_length=36, help_text="An ESCO occupation id, or a four-digit ISCO-08 unit group"
            )
            years = serializers.IntegerField(min_value=0, max_value=70)

        class LanguageIn(serializers.Serializer):
            language = serializers.CharField(max_length=3, help_text="ISO 639-1")
            level = serializers.ChoiceField(choices=CefrLevel.choices)

        jurisdiction = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="Its code; needed only when you register in more than one",
        )
        given_names = serializers.CharField(max_length=150)
        first_surname = serializers.CharField(max_length=100)
        second_surname = serializers.CharField(
            max_length=100, required=False, allow_blank=True, default=""
        )
        sex = serializers.ChoiceField(choices=Sex.choices)
        birth_date = serializers.DateField()
        nationality = serializers.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
        document = DocumentIn()
        phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
        residence_country = serializers.CharField(
            max_length=2, required=False, allow_blank=True, default=""
        )
        subdivision = serializers.CharField(
            max_length=6, required=False, allow_blank=True, default="", help_text="ISO 3166-2"
        )
        municipality = serializers.CharField(
            max_length=120, required=False, allow_blank=True, default=""
        )
        education_level = serializers.ChoiceField(
            choices=EducationLevel.choices, required=False, allow_blank=True, default=""
        )
        available_from = serializers.DateField(required=False, allow_null=True, default=None)
        available_to = serializers.DateField(required=False, allow_null=True, default=None)
        relocate_within_country = serializers.BooleanField(required=False, default=False)
        work_abroad = serializers.BooleanField(required=False, default=False)
        occupations = OccupationIn(many=True, required=False, default=list)
        languages = LanguageIn(many=True, required=False, default=list)
        consents = serializers.ListField(
            child=serializers.ChoiceField(choices=ConsentPurpose.choices),
            required=False,
            default=list,
            help_text="The purposes the worker consented to, in person",
        )
        not_the_same_as = serializers.ListField(
            child=serializers.CharField(max_length=20),
            required=False,
            default=list,
            help_text="Registration numbers of probable matches you compared and found to be "
            "other people",
        )

    class RegisteredSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        registration_number = serializers.CharField()
        version = serializers.IntegerField()
        jurisdiction = serializers.CharField(source="jurisdiction.code")

    @extend_schema(
        request=RegisterInput,
        responses={201: RegisteredSerializer, **ERRORS},
        summary="Register a worker at a desk, through the checks of the desk page",
        description="Every field that fails is named in `errors` (the document's as "
        "`document.number`...), in the language of the request. A person who is probably "
        "registered already is a 409 `probable_duplicates` with the records in "
        "`details.matches`, until their numbers are sent in `not_the_same_as`. A document "
        "number registered already is a 400 on `document.number`, whoever holds it.",
    )
    def post(self, request: Request) -> Response:
        if not user_can(request.user, Perm.REGISTER_WORKERS):
            raise NotAllowed(NOT_ALLOWED)
        given = self.RegisterInput(data=request.data)
        given.is_valid(raise_exception=True)
        values = dict(given.validated_data)
        jurisdiction = jurisdiction_pick(
            actor=request.user,
            perm=Perm.REGISTER_WORKERS,
            value=values.pop("jurisdiction") or None,
            message=WHICH_JURISDICTION,
        )
        unlike = set(values.pop("not_the_same_as"))
        document = DocumentInput(**values.pop("document"))
        occupations = [(o["occupation"], o["years"]) for o in values.pop("occupations")]
        languages = [(lang["language"], lang["level"]) for lang in values.pop("languages")]
        data = WorkerInput(
            **values, document=document, occupations=occupations, languages=languages
        )
        try:
            data = worker_input_clean(data)
            found = selectors.likely_matches(
                actor=request.user,
                person=Person.of(data, [data.document.number]),
                documents=[
                    selectors.DocumentGiven(
                        document.kind, document.issuing_country, data.document.number
                    )
                ],
            )
            probable = [m for m in found if not m.same_document]
            if {m.worker.registration_number for m in probable} - unlike:
                raise Conflict(
                    PROBABLE_DUPLICATES,
                    code="probable_duplicates",
                    details={
                        "matches": [
                            {
                                "id": m.worker.pk,
                                "registration_number": m.worker.registration_number,
                                "probability": round(m.probability, 2),
                            }
                            for m in probable
                        ]
                    },
                )
            worker = worker_register(
                data=data,
                jurisdiction=jurisdiction,
                channel=RegistrationChannel.DESK,
                actor=request.user,
                unlike=tuple(sorted(m.worker.registration_number for m in probable)),
            )
        except ValidationFailed as error:
            raise ValidationFailed(
                error.message,
                code=error.code,
                field=_nested(error.field),
                errors=[(_nested(name), code, message) for name, code, message in error.errors],
            ) from None
        return Response(self.RegisteredSerializer(worker).data, status=status.HTTP_201_CREATED)

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
