"""Public pages drawn once and served many times.

A page such as the vacancy board is the same for every anonymous visitor who reads it in the same
language with the same filters, until a vacancy changes. `public_page` keeps the drawn page per
(language, address with its query string, version) for a short time, in the "pages" cache. The
version is read from the database on every request (one indexed query), so a vacancy published
or withdrawn in any process, the task worker's included, is on the next page served: the cached
page of the old version is never read again. The timeout covers what the version does not see
(an employer's new name) and bounds the memory of query strings nobody asks for again.

The version also makes the page's ETag, so a browser that asks again gets a 304 without the page.
The page is kept gzipped as well, and sent so to a browser that takes it.

Only anonymous requests are served from the cache: one with a session cookie (signed in, or with
a message waiting) or one whose page asked for a CSRF token is drawn every time, as before.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

PAGE_SECONDS = 30
PAGE_CACHE = "pages"
_accepts_gzip = re.compile(r"\bgzip\b")


def _anonymous(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def public_page(*, version: Callable[[], str]) -> Callable:
    """Serve the view's anonymous GET pages from the pages cache while `version()` is the same.
    `version` must change whenever what the page shows changes."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or not _anonymous(request):
                return view(request, *args, **kwargs)
            # The whole address, host and scheme included: a page may write its own absolute
            # URL (a vacancy's JSON-LD does), and a deployment may answer to several names.
            seen = "\n".join((version(), get_language() or "", request.build_absolute_uri()))
            digest = hashlib.blake2b(seen.encode(), digest_size=16).hexdigest()
            cache = caches[PAGE_CACHE]
            key = f"page:{view.__module__}.{view.__name__}:{digest}"
            kept = cache.get(key)
            if kept is None:
                response = view(request, *args, **kwargs)
                if (
                    response.status_code != 200
                    or response.streaming
                    or response.cookies
                    # The page holds a CSRF token for this visitor: it is not everyone's.
                    or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                ):
                    return response
                # Compressed once, when drawn, not on every request. The page holds nothing
                # secret (no token, nobody's data), so compression cannot leak one (BREACH).
                content = response.content
                kept = (content, gzip.compress(content, mtime=0), response["Content-Type"])
                cache.set(key, kept, PAGE_SECONDS)
            content, compressed, content_type = kept
            etag = f'"{digest}"'
            if _accepts_gzip.search(request.headers.get("accept-encoding", "")):
                content, etag = compressed, f'"{digest}-gz"'  # another representation
            response = HttpResponse(content, content_type=content_type)
            if content is compressed:
                response["Content-Encoding"] = "gzip"
            response["ETag"] = etag
            # Stored by the browser, but asked again each time: a 304 while nothing changed.
            patch_cache_control(response, no_cache=True)
            patch_vary_headers(response, ("Cookie", "Accept-Language", "Accept-Encoding"))
            return get_conditional_response(request, etag=etag, response=response)

        return wrapped

    return decorator
