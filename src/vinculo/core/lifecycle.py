"""How records move through their lifecycles: one mechanism for licences, employer verification,
job orders and what comes next (placements, permits, complaints).

A lifecycle is a table, {(from state, to state): Move}, kept in its app's `domain.py` where a
non-programmer can read it. A Move says what its button reads, the audit verb it writes, who may
make it, whether a reason is compulsory, and a guard: a rule that must hold at the moment of the
move. Who may make it is either a permission, always checked in the jurisdiction of the record
(an official of one country is nobody in another), or a side the actor stands on relative to the
record (the employer that filed a job order), or both.

`transition` applies a move: the record's row is locked, the state the actor saw is compared
with the state it is in (two officials acting at once: the second is refused, not stacked on
the first), the move's rules are checked, and the new state, the record's event row and the
audit event are written in one transaction. `moves_available` is what the buttons render from.

Adding a lifecycle: (1) a TextChoices of states on the model, (2) the table of moves in the
app's domain.py, (3) a StateEvent subclass for its timeline, (4) a `Lifecycle` naming the three,
(5) a service that calls `transition`, and a page or API that shows `moves_available`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.access import user_can_in
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.models import Actor, StateEvent
from vinculo.core.services import audit_record

MOVE_NOT_ALLOWED = _("This change is not possible from the current state.")
STATE_CHANGED = _("Someone changed this record while you were looking at it. Review it again.")
MOVE_NOT_PERMITTED = _("You may not make this change.")
REASON_REQUIRED = _("Give the reason for this decision.")


@dataclass(frozen=True)
class Move:
    """One allowed change of state.

    permission: needed in the record's jurisdiction (None: the sides decide alone);
    sides: the sides of the record an actor may stand on to make it (e.g. "filer");
    guard: called with the locked record before it moves; raises a DomainError to refuse.
    """

    label: Any
    verb: str
    permission: str | None = None
    sides: frozenset[str] = frozenset()
    needs_reason: bool = False
    guard: Callable[[Any], None] | None = None


Table = Mapping[tuple[str, str], Move]


def moves_from(table: Table, state: str) -> dict[str, Move]:
    """The moves out of `state`, as {target state: move}, in the table's order."""
    return {to: move for (frm, to), move in table.items() if frm == state}


def move_for(table: Table, *, current: str, to: str, expected: str | None, code: str) -> Move:
    """The move from `current` to `to`, or a coded Conflict (`<code>_state_changed` when the
    record moved since the actor saw it in `expected`, `<code>_move_not_allowed` when there is
    no such move)."""
    if expected and expected != current:
        raise Conflict(
            STATE_CHANGED,
            code=f"{code}_state_changed",
            details={"current": current, "expected": expected},
        )
    move = table.get((current, to))
    if move is None:
        raise Conflict(
            MOVE_NOT_ALLOWED,
            code=f"{code}_move_not_allowed",
            field="to",
            details={"current": current, "to": to},
        )
    return move


def may_make(
    actor: Actor, move: Move, *, jurisdiction_id: int | None, sides: frozenset[str] = frozenset()
) -> bool:
    """Whether the actor may make `move` on a record of `jurisdiction_id` where they stand on
    `sides`."""
    if move.permission is not None and user_can_in(actor, move.permission, jurisdiction_id):
        return True
    return bool(move.sides & sides)


def moves_available(
    table: Table,
    *,
    state: str,
    actor: Actor,
    jurisdiction_id: int | None,
    sides: frozenset[str] = frozenset(),
) -> dict[str, Move]:
    """The moves out of `state` this actor may make: the buttons a page shows."""
    return {
        to: move
        for to, move in moves_from(table, state).items()
        if may_make(actor, move, jurisdiction_id=jurisdiction_id, sides=sides)
    }


@dataclass(frozen=True)
class Lifecycle:
    """A model's lifecycle: its table, the field that holds its state, the prefix of its error
    codes, and its event table with the foreign key that names the record."""

    model: type[models.Model]
    table: Table
    code: str
    state_field: str = "state"
    events: type[StateEvent] | None = None
    subject: str = ""
    # The sides an actor stands on relative to a record (none when only permissions decide).
    sides: Callable[[Any, Any], frozenset[str]] = field(default=lambda actor, record: frozenset())
    # The jurisdiction a record belongs to, where permissions are checked.
    jurisdiction: Callable[[Any], int | None] = field(default=lambda record: record.jurisdiction_id)

    def available(self, *, actor: Actor, record: Any) -> dict[str, Move]:
        return moves_available(
            self.table,
            state=getattr(record, self.state_field),
            actor=actor,
            jurisdiction_id=self.jurisdiction(record),
            sides=self.sides(actor, record),
        )


def begin(
    lifecycle: Lifecycle, record: Any, *, actor: Actor, verb: str, audit: dict | None = None
) -> None:
    """The first line of a new record's timeline, and its audit event: call it in the
    transaction that creates the record, in its first state."""
    state = getattr(record, lifecycle.state_field)
    if lifecycle.events is not None:
        lifecycle.events.objects.create(
            **{lifecycle.subject: record}, from_state="", to_state=state, actor=actor
        )
    audit_record(
        verb=verb,
        actor=actor,
        obj=record,
        jurisdiction=lifecycle.jurisdiction(record),
        after={lifecycle.state_field: state, **(audit or {})},
    )


def setting(values: dict[str, Any]) -> Callable[[Any, Move, str, datetime], list[str]]:
    """The `changes` of a move that also sets these fields to these values."""

    def changes(record: Any, _move: Move, _reason: str, _now: datetime) -> list[str]:
        for name, value in values.items():
            setattr(record, name, value)
        return list(values)

    return changes


def transition(
    lifecycle: Lifecycle,
    *,
    pk: Any,
    to: str,
    actor: Actor,
    reason: str = "",
    expected: str | None = None,
    guard: Callable[[Any], None] | None = None,
    changes: Callable[[Any, Move, str, datetime], list[str]] | None = None,
    audit: dict | None = None,
    audit_on: Any = None,
) -> Any:
    """Move the record `pk` to `to`, for `actor`, and return it.

    In one transaction: lock the row; find the move (refusing a record that moved since the
    actor saw it in `expected`); check who may make it (NotAllowed) and the reason
    (ValidationFailed on "reason"); run the move's guard and the caller's `guard` (rules of this
    one move that need more than the table knows; either raises to refuse); set the state; let
    `changes(record, move, reason, now)` set any other field the move changes (it returns their
    names); save; and write the event row and the audit event. `audit` adds to what the audit
    event says after the move (it is read after `changes`, which may fill it); `audit_on` files
    the event under another record's history (a merge belongs to the merged worker's). The
    caller has already answered 404 for a record the actor may not see."""
    with transaction.atomic():
        record = lifecycle.model.objects.select_for_update().get(pk=pk)
        current = getattr(record, lifecycle.state_field)
        move = move_for(
            lifecycle.table, current=current, to=to, expected=expected, code=lifecycle.code
        )
        jurisdiction_id = lifecycle.jurisdiction(record)
        if not may_make(
            actor, move, jurisdiction_id=jurisdiction_id, sides=lifecycle.sides(actor, record)
        ):
            raise NotAllowed(MOVE_NOT_PERMITTED, code="not_allowed")
        reason = (reason or "").strip()
        if move.needs_reason and not reason:
            raise ValidationFailed(REASON_REQUIRED, code="reason_required", field="reason")
        for check in (move.guard, guard):
            if check is not None:
                check(record)
        now = timezone.now()
        setattr(record, lifecycle.state_field, to)
        fields = [lifecycle.state_field, *(changes(record, move, reason, now) if changes else [])]
        if any(f.name == "updated_at" for f in lifecycle.model._meta.concrete_fields):
            fields.append("updated_at")
        record.save(update_fields=fields)
        if lifecycle.events is not None:
            lifecycle.events.objects.create(
                **{lifecycle.subject: record},
                from_state=current,
                to_state=to,
                reason=reason,
                actor=actor,
                at=now,
            )
        audit_record(
            verb=move.verb,
            actor=actor,
            obj=record if audit_on is None else audit_on,
            jurisdiction=jurisdiction_id,
            before={lifecycle.state_field: current},
            after={lifecycle.state_field: to, **(audit or {})},
            reason=reason,
        )
    return record
