"""Reads of policy packs. The packs state the law, which is public."""

from __future__ import annotations

from django.http import Http404

from vinculo.policy.loader import PolicyPackNotFound, pack_get, packs_all
from vinculo.policy.schema import PolicyPack


def pack_list() -> list[PolicyPack]:
    return sorted((loaded.pack for loaded in packs_all().values()), key=lambda p: p.code)


def pack_detail(*, code: str) -> PolicyPack:
    try:
        return pack_get(code)
    except PolicyPackNotFound:
        raise Http404 from None
