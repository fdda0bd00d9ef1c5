"""Decorators shared by the pages of every app."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse


def post_only(back: str, arg: str = "") -> Callable:
    """A page action that only a form may send (a POST), and that a GET sends back to the page
    it belongs to, never an empty 405: after signing in again, `?next=` may point here, and so
    may a bookmark or a reloaded tab. `back` names that page's URL, `arg` the view argument it
    takes (the page then answers 404 itself when the object is not the visitor's to see)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                return redirect(reverse(back, args=[kwargs[arg]] if arg else []))
            return HttpResponseNotAllowed(["POST"])

        return guarded

    return decorate
