"""Kept apart from apis.py: DRF imports its default pagination class while it is itself being
imported, so this module must not import anything that imports DRF's views."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
