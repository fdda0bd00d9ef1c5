"""A pack's rule change takes effect on its effective date, with no code change: an application
filed before the date is decided on the old rule, one filed after on the new, unless the pack
says the new rule applies to every decision from its date."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from tests.permits.conftest import hn_terms, person, submitted
from vinculo.core.errors import ValidationFailed
from vinculo.permits import services
from vinculo.permits.models import Application
from vinculo.policy.loader import SHIPPED_DIR, packs_all

# The employer has 85 nationals and 0 foreigners: with the hire, 85 of 86 are nationals
# (98.8 %), but the payroll share is what the change moves: 84 % of it is national.
WORKFORCE = {
    "national_workers": 85,
    "foreign_workers": 0,
    "national_payroll": Decimal("210000"),
    "foreign_payroll": Decimal("0"),
    "salary": Decimal("40000"),
}


def _with_new_rule(folder: Path, effective: str, applies_to: str) -> None:
    text = (SHIPPED_DIR / "HN.toml").read_text(encoding="utf-8")
    text += f"""
[[authorisation.national_share]]
effective_from = {effective}
min_workers_pct = "90"
min_payroll_pct = "80"
applies_to = "{applies_to}"
source = {{ instrument = "Decreto de prueba", published = {effective} }}
"""
    (folder / "HN.toml").write_text(text, encoding="utf-8")


@pytest.fixture
def new_rule_in(settings, tmp_path):
    def install(effective, applies_to="filed"):
        _with_new_rule(tmp_path, effective.isoformat(), applies_to)
        settings.POLICY_PACK_DIRS = [tmp_path]
        packs_all.cache_clear()

    yield install
    packs_all.cache_clear()


def _payroll_rule(application: Application) -> dict:
    step = application.steps.get()
    return next(r for r in step.trace if r["code"] == "national_share")


def _decide_today(permits, application: Application):
    """Approve where the rules, traced on the day of the decision, allow it; else refuse."""
    step = application.steps.get()
    try:
        services.step_decide(actor=permits.hn_official, step_id=step.pk, outcome="approve")
    except ValidationFailed as refused:
        assert refused.code == "rules_failed"
        services.step_decide(
            actor=permits.hn_official, step_id=step.pk, outcome="refuse", reason="Según la traza."
        )
    application.refresh_from_db()
    return application


def test_the_new_rule_applies_from_its_date_and_the_earlier_application_keeps_the_old(
    permits, new_rule_in
):
    today = timezone.localdate()
    new_rule_in(today)  # in force from today
    before = submitted(permits.hn_staff, permits.hn_employer, hn_terms(**WORKFORCE))
    # Filed yesterday: before the change.
    Application.objects.filter(pk=before.pk).update(submitted_at=timezone.now() - timedelta(days=1))
    before.refresh_from_db()
    after = submitted(
        permits.hn_staff,
        permits.hn_employer,
        hn_terms(**WORKFORCE),
        who=person(passport_number="C99887766"),
    )
    old, new = _decide_today(permits, before), _decide_today(permits, after)
    assert _payroll_rule(old)["evidence"]["min_payroll_pct"] == "85"
    assert _payroll_rule(old)["passed"] is False
    assert old.state == "refused"
    assert _payroll_rule(new)["evidence"]["min_payroll_pct"] == "80"
    assert _payroll_rule(new)["evidence"]["rule_from"] == today.isoformat()
    assert new.state == "approved"


def test_a_rule_that_applies_to_decisions_reaches_earlier_applications(permits, new_rule_in):
    today = timezone.localdate()
    new_rule_in(today, applies_to="decided")
    before = submitted(permits.hn_staff, permits.hn_employer, hn_terms(**WORKFORCE))
    Application.objects.filter(pk=before.pk).update(
        submitted_at=timezone.now() - timedelta(days=30)
    )
    before.refresh_from_db()
    decided = _decide_today(permits, before)
    assert _payroll_rule(decided)["evidence"]["min_payroll_pct"] == "80"
    assert decided.state == "approved"


def test_a_rule_dated_tomorrow_is_not_yet_in_force(permits, new_rule_in):
    new_rule_in(timezone.localdate() + timedelta(days=1))
    application = submitted(permits.hn_staff, permits.hn_employer, hn_terms(**WORKFORCE))
    decided = _decide_today(permits, application)
    assert _payroll_rule(decided)["evidence"]["min_payroll_pct"] == "85"
    assert decided.state == "refused"
