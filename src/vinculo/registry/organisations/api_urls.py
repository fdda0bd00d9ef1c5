"""Routes under /api/v1/, joined into the "api" namespace by vinculo.urls."""

urlpatterns: list = []
