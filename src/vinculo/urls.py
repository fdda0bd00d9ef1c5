from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import include, path
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from vinculo.core.apis import MeApi, problem_response
from vinculo.imports.api_urls import urlpatterns as imports_api_urls
from vinculo.jobs.api_urls import urlpatterns as jobs_api_urls
from vinculo.linkage.api_urls import urlpatterns as linkage_api_urls
from vinculo.matching.api_urls import urlpatterns as matching_api_urls
from vinculo.permits.api_urls import urlpatterns as permits_api_urls
from vinculo.placements.api_urls import urlpatterns as placements_api_urls
from vinculo.policy.apis import PolicyPackDetailApi, PolicyPackListApi
from vinculo.reference.apis import (
    CountryListApi,
    CurrencyListApi,
    LanguageListApi,
    OccupationListApi,
    SubdivisionListApi,
)
from vinculo.registry.api_urls import urlpatterns as registry_api_urls
from vinculo.registry.organisations.api_urls import urlpatterns as organisations_api_urls
from vinculo.web import views as web_views

api_v1 = [
    path("me/", MeApi.as_view(), name="me"),
    path("occupations/", OccupationListApi.as_view(), name="occupations"),
    path("countries/", CountryListApi.as_view(), name="countries"),
    path("countries/<str:code>/subdivisions/", SubdivisionListApi.as_view(), name="subdivisions"),
    path("languages/", LanguageListApi.as_view(), name="languages"),
    path("currencies/", CurrencyListApi.as_view(), name="currencies"),
    path("policy-packs/", PolicyPackListApi.as_view(), name="policy-packs"),
    path("policy-packs/<str:code>/", PolicyPackDetailApi.as_view(), name="policy-pack"),
    *registry_api_urls,
    *organisations_api_urls,
    *imports_api_urls,
    *linkage_api_urls,
    *jobs_api_urls,
    *matching_api_urls,
    *placements_api_urls,
    *permits_api_urls,
    path("schema/", SpectacularAPIView.as_view(api_version="1"), name="schema"),
]

urlpatterns = [
    path("", web_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Without CSRF: a forged choice of language can do no harm beyond the language, and a token
    # in the switcher would make every public page different for each visitor (no cache, and a
    # cookie set on the first visit).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("", include("vinculo.core.urls")),
    path("", include("vinculo.registry.urls")),
    path("", include("vinculo.registry.organisations.urls")),
    path("imports/", include("vinculo.imports.urls")),
    path("duplicates/", include("vinculo.linkage.urls")),
    path("", include("vinculo.jobs.urls")),
    path("", include("vinculo.matching.urls")),
    path("placements/", include("vinculo.placements.urls")),
    path("permits/", include("vinculo.permits.urls")),
    path("occupations/", include("vinculo.reference.urls")),
    path("policy/", include("vinculo.policy.urls")),
    path("stats/", include("vinculo.stats.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, 404, "not_found", _("Not found."))
    return render(
        request,
        "web/error.html",
        {
            "status": 404,
            "title": _("Page not found"),
            "message": _("This page does not exist, or you may not see it."),
        },
        status=404,
    )


def handler500(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return problem_response(
            request, 500, "server_error", _("Something went wrong on our side. It has been logged.")
        )
    return render(
        request,
        "web/error.html",
        {
            "status": 500,
            "title": _("Server error"),
            "message": _("Something went wrong on our side. It has been logged."),
        },
        status=500,
    )


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, 403, "forbidden", _("You may not do this."))
    return render(
        request,
        "web/error.html",
        {"status": 403, "title": _("Not allowed"), "message": _("You may not do this.")},
        status=403,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: most often a session that expired while the form
    was open, or a lost cookie. Say so in the visitor's language, and offer to sign in again and
    come back (to the form's own address, which sends a GET on to the page it belongs to)."""
    if _is_api(request):
        return problem_response(
            request,
            403,
            "csrf_failed",
            _("The request lacked a valid CSRF token. Reload and retry."),
        )
    back = request.path if url_has_allowed_host_and_scheme(request.path, None) else "/"
    return render(
        request,
        "web/csrf_failure.html",
        {"back": back, "login": f"{resolve_url('login')}?{urlencode({'next': back})}"},
        status=403,
    )
