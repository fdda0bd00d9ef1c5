"""Notices to people by SMS and e-mail, through a pluggable backend, never lost.

`notify` writes one Notification a channel in the caller's transaction (the outbox) and, once it
commits, asks the task queue to send what is due. `notifications_send` hands each due notice to
the backend; a failure is retried with a growing wait (1, 2, 4 … minutes, at most a day) and,
after MAX_ATTEMPTS, kept as failed, on the outbox, for someone to look at: nothing is dropped.

The backend is `settings.NOTIFY_BACKEND` (VINCULO_NOTIFY_BACKEND), a dotted path to a class
with one method:

    class MyGateway:
        def send(self, notification: Notification) -> None:
            '''Deliver notification.body to notification.address on notification.channel
            ("sms" or "email"); raise NotifyFailed (or any exception) when it was not.'''

The default, `ConsoleBackend`, prints each notice to the log and counts it sent: Vínculo runs
with no SMS account, and the outbox holds every message a real gateway would have carried.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks import task

from vinculo.core.models import Notification, NotificationState

log = logging.getLogger("vinculo.notify")
MAX_ATTEMPTS = 8
BLANKED = "—"  # what the outbox keeps of a secret message once it is sent


class NotifyFailed(Exception):
    """The gateway did not take the message (say why)."""


class Backend(Protocol):
    def send(self, notification: Notification) -> None: ...


class ConsoleBackend:
    def send(self, notification: Notification) -> None:
        log.warning(
            "notice by %s to %s: %s — %s",
            notification.channel,
            notification.address,
            notification.subject,
            notification.body,
        )


def backend() -> Backend:
    return import_string(settings.NOTIFY_BACKEND)()


def notify(
    *,
    user: Any = None,
    phone: str = "",
    email: str = "",
    language: str = "es",
    kind: str,
    subject: Any,
    body: Any,
    values: dict[str, Any] | None = None,
    secret: bool = False,
) -> list[Notification]:
    """Queue a notice by SMS (to `phone`) and by e-mail (to `email`), each given, in `language`:
    `subject` and `body` are translatable texts, rendered in that language with `values`. A
    `secret` one (a one-time code) has its body blanked in the outbox once it is sent."""
    with translation.override(language):
        rendered = (str(subject) % (values or {}), str(body) % (values or {}))
    notices = [
        Notification.objects.create(
            user=user,
            channel=channel,
            address=address,
            language=language,
            kind=kind,
            subject=rendered[0][:200],
            body=rendered[1],
            secret=secret,
        )
        for channel, address in (("sms", phone), ("email", email))
        if address
    ]
    if notices:
        transaction.on_commit(lambda: notifications_send.enqueue())
    return notices


def _wait(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 24 * 60))


def notifications_deliver(*, now: Any = None, sender: Backend | None = None) -> dict[str, int]:
    """Send every notice due: the outbox's half of `notifications_send`, callable directly."""
    now = now or timezone.now()
    sender = sender or backend()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due = Notification.objects.filter(state=NotificationState.PENDING, next_try_at__lte=now)
    for pk in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            notice = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=NotificationState.PENDING)
                .first()
            )
            if notice is None:
                continue  # another worker has it
            notice.attempts += 1
            try:
                sender.send(notice)
            except Exception as error:  # any failure of the gateway is retried
                notice.last_error = f"{type(error).__name__}: {error}"[:2000]
                if notice.attempts >= MAX_ATTEMPTS:
                    notice.state = NotificationState.FAILED
                    counts["failed"] += 1
                else:
                    notice.next_try_at = now + _wait(notice.attempts)
                    counts["retry"] += 1
            else:
                notice.state = NotificationState.SENT
                notice.sent_at = timezone.now()
                notice.last_error = ""
                if notice.secret:
                    notice.body = BLANKED
                counts["sent"] += 1
            notice.save()
    return counts


@task()
def notifications_send() -> dict[str, int]:
    return notifications_deliver()
