"""Routes under /api/v1/, joined into the "api" namespace by vinculo.urls."""

from django.urls import path

from vinculo.imports.apis import ImportDetailApi, ImportErrorListApi, ImportListApi

urlpatterns: list = [
    path("imports/", ImportListApi.as_view(), name="imports"),
    path("imports/<uuid:import_id>/", ImportDetailApi.as_view(), name="import"),
    path("imports/<uuid:import_id>/errors/", ImportErrorListApi.as_view(), name="import-errors"),
]
