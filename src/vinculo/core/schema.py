"""How the OpenAPI schema names and documents every operation, in one place.

The house style nests `InputSerializer`/`OutputSerializer` inside each view, so many serializers
share a class name; drf-spectacular names components by class name and silently documents all of
them as one shape. Here a component is named after where it lives instead (app, view, class:
`LinkageRunListInput`), every error status an operation can answer is documented with the one
problem+json shape its answer really has, and lists that paginate say so through the view's
`pagination_class`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

PROBLEM_CONTENT_TYPE = "application/problem+json"  # the same as vinculo.core.apis

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error (RFC 9457). `code` is stable for programs; `title` and the "
    "messages are in the language of the request.",
    "properties": {
        "type": {"type": "string", "description": "A tag URI naming the problem"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["field", "code", "message"],
            },
        },
        "details": {"type": "object", "additionalProperties": {}},
    },
    "required": ["type", "title", "status", "code"],
}

PROBLEM_DESCRIPTIONS = {
    "400": "The request is not valid: `errors` names each field and why.",
    "401": "Not signed in: send `Authorization: Token <key>` or a session cookie.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Not found, or not yours to see.",
    "409": "The object changed since you read it, or its state forbids this.",
    "415": "The body is not in a media type this operation reads.",
    "429": "Too many requests: try again after `Retry-After` seconds.",
}

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
ENUMERABLE = 1000  # a bounded decimal's whole part spelled out, up to this many numbers


def decimal_pattern(field: serializers.DecimalField) -> str:
    """The decimals the field accepts, as a pattern: drf-spectacular's own lets "", "-" and "."
    through, and a string cannot carry minimum and maximum; a bounded range with few whole
    numbers (weekly hours, 1 to 84) is spelled out so the pattern says it all."""
    places = field.decimal_places
    fraction = rf"(?:\.\d{{1,{places}}})?" if places else ""
    low = field.min_value
    high = field.max_value
    sign = "" if low is not None and Decimal(low) >= 0 else "-?"
    whole = rf"\d{{1,{field.max_whole_digits}}}"
    if (
        low is not None
        and high is not None
        and Decimal(low) == int(low)
        and Decimal(high) == int(high)
        and int(high) - int(low) <= ENUMERABLE
    ):
        below = "|".join(str(n) for n in range(int(low), int(high)))
        zeros = rf"(?:\.0{{1,{places}}})?" if places else ""
        whole_part = f"(?:{below}){fraction}|" if below else ""
        return rf"^(?:{whole_part}{int(high)}{zeros})$"
    return rf"^{sign}{whole}{fraction}$"


def _strip(part: str) -> str:
    for suffix in ("Serializer", "Api"):
        if part.endswith(suffix) and part != suffix:
            part = part[: -len(suffix)]
    return part


def component_name(cls: type) -> str:
    """`vinculo.linkage.apis.RunListApi.InputSerializer` -> `LinkageRunListInput`."""
    module = cls.__module__.split(".")
    if module[0] != "vinculo" or len(module) < 2:
        return cls.__name__
    app = module[-2] if len(module) > 2 else module[-1]
    parts = [app.title()]
    for part in cls.__qualname__.split("."):
        part = _strip(part)
        # LicenceMoveApi.LicenceMoveInputSerializer reads LicenceMoveInput, not twice
        if part.startswith(parts[-1]) and part != parts[-1]:
            part = part[len(parts[-1]) :]
        parts.append(part)
    return "".join(parts)


class VinculoAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer: Any, direction: str) -> str:
        return component_name(serializer.__class__)

    def map_parsers(self) -> list[Any]:
        # A view on DRF's default parsers is documented as JSON only: its bodies nest lists and
        # objects that a form encoding cannot carry. Views that read files name their parsers.
        if list(self.view.parser_classes) == list(api_settings.DEFAULT_PARSER_CLASSES):
            return ["application/json"]
        return super().map_parsers()

    def _map_serializer_field(self, field: Any, direction: str, *args: Any, **kwargs: Any) -> dict:
        schema = super()._map_serializer_field(field, direction, *args, **kwargs)
        if (
            isinstance(field, serializers.DecimalField)
            and schema.get("type") == "string"
            and field.max_whole_digits is not None
        ):
            schema["pattern"] = decimal_pattern(field)
        elif (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and schema.get("type") == "string"
            and "pattern" not in schema
            and "format" not in schema
            # a RegexField's own pattern is added after this, and says more
            and not any(isinstance(v, RegexValidator) for v in field.validators)
        ):
            # DRF refuses a NUL character in any text (ProhibitNullCharactersValidator), and
            # trims spaces before it refuses a blank one. Python's strip() also takes the
            # separators U+001C-U+001F and U+0085 for spaces, which a pattern's \s does not.
            if field.allow_blank or not field.trim_whitespace:
                schema["pattern"] = "^[^\\u0000]*$"
            else:
                schema["pattern"] = "^[^\\u0000]*[^\\s\\u0000\\u001c-\\u001f\\u0085][^\\u0000]*$"
        return schema

    def _problem_statuses(self, operation: dict) -> set[str]:
        statuses: set[str] = set()
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        if has_body or any(p.get("in") == "query" for p in parameters):
            statuses.add("400")
        if has_body:
            statuses.add("415")
        if any(p.get("in") == "path" for p in parameters) or self._get_paginator():
            statuses.add("404")  # an unknown object, or a page past the last
        permissions = self.view.get_permissions()
        if any(not isinstance(p, AllowAny) for p in permissions):
            statuses |= {"401", "403"}
            if self.method in UNSAFE:
                statuses.add("409")
        if self.view.get_throttles():
            statuses.add("429")
        return statuses

    def get_operation(self, *args: Any, **kwargs: Any) -> dict | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        problem = ResolvedComponent(
            name="Problem", type=ResolvedComponent.SCHEMA, object="Problem", schema=PROBLEM_SCHEMA
        )
        self.registry.register_on_missing(problem)
        if "requestBody" in operation and isinstance(
            self.get_request_serializer(), PolymorphicProxySerializer
        ):
            operation["requestBody"]["required"] = True  # one of its shapes, never none
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                # DRF reads an optional query value left empty (`?state=`) as not sent.
                parameter["schema"] = {
                    "anyOf": [parameter["schema"], {"type": "string", "enum": [""]}]
                }
        responses = operation["responses"]
        for status in self._problem_statuses(operation):
            responses.setdefault(status, {})
        for status, response in list(responses.items()):
            if status[0] not in "45":
                continue
            # Every error is answered by the problem+json handler, whatever a view declared.
            responses[status] = {
                **{k: v for k, v in response.items() if k == "headers"},
                "description": response.get("description")
                or PROBLEM_DESCRIPTIONS.get(status, "An error."),
                "content": {PROBLEM_CONTENT_TYPE: {"schema": problem.ref}},
            }
        operation["responses"] = dict(sorted(responses.items()))
        return operation
