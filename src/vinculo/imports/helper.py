"""The helper processes that check and prepare the rows of a large import while the task writes.

It is started with `spawn`, so this module is what it imports first: nothing here may touch the
models before `django.setup()` has run in `init`. The tuning it needs touches none, so it is
imported at once; the row checks, which import the models, only in `check`.
"""

from __future__ import annotations

from typing import Any

from vinculo.imports.tuning import gc_paused

_state: dict[str, Any] = {}


def init(kind: str, names: list[str], context: dict[str, Any], shared: dict[str, Any]) -> None:
    """Set up the helper once, so each batch sent to it carries only its rows."""
    import django

    django.setup()
    _state.update(kind=kind, names=names, context=context, shared=shared)


def check(chunk: list[tuple[int, list]]) -> tuple[list[Any], int]:
    from vinculo.imports.checking import rows_check

    state = _state
    with gc_paused():
        return rows_check(state["kind"], state["names"], chunk, state["context"], state["shared"])
