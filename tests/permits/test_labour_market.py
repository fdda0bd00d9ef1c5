"""The labour-market test: the matcher looks for suitable nationals among the jurisdiction's own
job seekers; where some are available and none had been offered the job, the rule fails."""

from __future__ import annotations

from types import SimpleNamespace

from tests.matching.conftest import _index_folder, make_worker  # noqa: F401
from tests.permits.conftest import cr_terms, submitted
from vinculo.permits.domain import LabourMarket, check_labour_market
from vinculo.policy.loader import pack_get


def _rule(application):
    step = application.steps.get(code="labour")
    return next(r for r in step.trace if r["code"] == "labour_market")


def test_no_suitable_national_lets_the_hire_pass(permits):
    application = submitted(permits.cr_staff, permits.cr_employer, cr_terms())
    rule = _rule(application)
    assert rule["passed"] and rule["reason"] == "no_nationals_available"
    assert "8764" in rule["source"]


def test_available_nationals_never_offered_the_job_fail_the_test(permits):
    jurisdiction = permits.cr_employer.jurisdiction
    for given in ("Ana", "Luis"):
        make_worker(
            SimpleNamespace(hn=jurisdiction),
            unit="9211",
            given_names=given,
            nationality="CR",
            residence_country="CR",
            subdivision="",
            relocate_within_country=True,
        )
    # A Nicaraguan job seeker is not a national: not counted.
    make_worker(SimpleNamespace(hn=jurisdiction), unit="9211", nationality="NI", subdivision="")
    application = submitted(permits.cr_staff, permits.cr_employer, cr_terms())
    rule = _rule(application)
    assert rule["passed"] is False and rule["reason"] == "nationals_not_offered"
    assert rule["evidence"]["available"] == 2 and rule["evidence"]["offered"] == 0
    assert "2" in rule["explanation"]["es"] and "MTSS" in rule["explanation"]["es"]


def test_nationals_offered_the_job_pass_and_categories_without_the_test_skip_it():
    rule = pack_get("CR").authorisation.labour_market
    offered = check_labour_market(rule, found=LabourMarket(3, 1, 100), unit="9211")
    assert offered.passed and offered.reason == "nationals_offered"
    capped = check_labour_market(rule, found=LabourMarket(100, 0, 100), unit="9211")
    assert not capped.passed and "100+" in capped.explanation["en"]
    skipped = check_labour_market(rule, found=None, unit="9211")
    assert skipped.passed and skipped.reason == "not_required"
