"""Kept apart from apis.py: DRF imports its default pagination class while it is itself being
imported, so this module must not import anything that imports DRF's views."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.pagination import PageNumberPagination

# A page number past any real list, and small enough for every database's integer.
MAX_PAGE = 10**9


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def _whole_number(self, request: Any, name: str, maximum: int) -> int | None:
        """DRF ignores a page size it cannot read and answers a bad page with 404: the client
        then gets another list than it asked for, or thinks the list ended. Say so instead."""
        values = request.query_params.getlist(name)
        if not values or values == [""]:
            return None  # left empty is not sent, as DRF reads every optional query value
        value = values[0]
        if len(values) == 1 and value.isascii() and value.isdigit() and len(value) <= 10:
            number = int(value)
            if 1 <= number <= maximum:
                return number
        message = _("Enter a whole number from 1 to %(maximum)s.") % {"maximum": maximum}
        raise ValidationError({name: [ErrorDetail(message, code="invalid")]})

    def get_page_size(self, request: Any) -> int:
        return self._whole_number(request, self.page_size_query_param, self.max_page_size) or (
            self.page_size
        )

    def get_page_number(self, request: Any, paginator: Any) -> int | str:
        number = self._whole_number(request, self.page_query_param, MAX_PAGE)
        return number or 1

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: MAX_PAGE,
            self.page_size_query_param: self.max_page_size,
        }
        for parameter in parameters:
            parameter["schema"].update(minimum=1, maximum=bounds[parameter["name"]])
        return parameters
