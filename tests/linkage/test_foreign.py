"""`vinculo dedup` on a foreign registry (English names, street addresses, postcodes, a
social-security number, dates of birth missing or mistyped): the duplicates whose dates cannot
help are found by the rules that need no date, and the prior follows what the model learns."""

from __future__ import annotations

import csv
import itertools
import math
from collections import defaultdict
from pathlib import Path

import pytest

from vinculo.demo import synthetic_foreign
from vinculo.linkage import engine
from vinculo.linkage.engine import Calibration, calibrated_prior
from vinculo.registry.identity import address_key

# Duplicates no rule on the date of birth, the number or a phone can find: the date missing or
# wrong and the number missing or different on one side. The last two are someone else.
PLANTED = [
    ["p1", "Margaret", "Thornbury", "Unit 3, 41 Wattle Street", "Glenvale", "2718", "", ""],
    ["p2", "Maggie", "Thornbury", "41 Wattle St", "Glenvale", "2718", "19610204", ""],
    ["p3", "Reginald", "Ashcombe", "12 Pitt Road", "Oakridge", "3144", "19750611", "481-22-9013"],
    ["p4", "Reginald", "Ashcombe", "12 Pitt Rd", "Oakrigde", "3144", "", "481229031"],
    ["p5", "Cornelius", "Featherstone", "8 Banksia Parade", "Fernmount", "2390", "", ""],
    ["p6", "Cornelius", "Featherston", "8 Banksia Pde", "Fernmount", "2390", "19830917", ""],
    ["p7", "Prudence", "Whitcombe", "77 Ocean Drive", "Sunhaven", "4020", "19900101", ""],
    ["p8", "Prudence", "Whitcombe", "77 Ocean Dr", "Sunhaven", "4020", "19901001", ""],
    ["p9", "Harold", "Blenkinsop", "5 Mill Lane", "Redbury", "2511", "19440312", "300-11-2222"],
    ["p10", "Gertrude", "Blenkinsop", "5 Mill Lane", "Redbury", "2511", "19470730", "300-44-5555"],
]
PLANTED_PAIRS = {("p1", "p2"), ("p3", "p4"), ("p5", "p6"), ("p7", "p8")}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_address_keys_survive_how_the_address_is_written():
    same = {
        address_key(text)
        for text in (
            "Unit 4, 12 Smith Street",
            "12 Smith St",
            "12 Smith Street, Apt 4",
            "4/12 Smith Street",
            "12 SMITH STREET",
        )
    }
    assert same == {address_key("12 Smith Street")}
    key = address_key("12 Smith St")
    assert (key.number, key.text) == ("12", "12 smith street")
    assert address_key("12 Smyth Street").street == key.street  # sounds the same
    assert address_key("14 Smith Street").number != key.number
    assert address_key("") == address_key("   ")


def test_duplicates_without_a_usable_date_are_found_on_a_foreign_registry(tmp_path):
    registry, truth = tmp_path / "registry.csv", tmp_path / "truth.csv"
    true_pair_count = synthetic_foreign.write(registry, truth, 2_500, seed=5)
    with registry.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(PLANTED)
    result = engine.run(
        [engine.Source(registry, "rec_id", synthetic_foreign.ROLES)], tmp_path / "out"
    )
    found = {tuple(sorted((p["id_a"], p["id_b"]))) for p in _rows(result.pairs_path)}
    # Found only by the rules that need no date (name and postcode, house and street, ...).
    assert not PLANTED_PAIRS - found, PLANTED_PAIRS - found
    assert ("p10", "p9") not in found  # two people of one house

    members = defaultdict(list)
    for row in _rows(truth):
        members[row["persona"]].append(row["id_registro"])
    true_pairs = {
        tuple(sorted(p)) for group in members.values() for p in itertools.combinations(group, 2)
    }
    assert len(true_pairs) == true_pair_count > 500
    synthetic_found = {p for p in found if not p[0].startswith("p")}
    hits = len(synthetic_found & true_pairs)
    precision, recall = hits / len(synthetic_found), hits / len(true_pairs)
    assert precision >= 0.99 and recall >= 0.9, (precision, recall)
    # The blocks stay small: a few candidate pairs per record, not every namesake.
    assert result.compared < 5 * result.records
    # The deterministic rules find few duplicates where dates are missing; the prior the
    # compared pairs support is higher.
    assert result.calibration.prior > result.calibration.start


def test_the_prior_is_the_one_the_learned_evidence_supports():
    # 1,000 pairs with overwhelming evidence, 100,000 with evidence against: about 1,000
    # matches among 10^8 pairs, whatever the starting guess.
    histogram = [(30.0, 1_000), (-10.0, 100_000)]
    for start in (1e-8, 1e-5, 1e-3):
        prior = calibrated_prior(histogram, pairs_total=10**8, start=start)
        assert prior == pytest.approx(1e-5, rel=0.01)
    # Stronger evidence for more pairs: a higher prior.
    more = calibrated_prior([(30.0, 3_000), (-10.0, 100_000)], pairs_total=10**8, start=1e-5)
    assert more == pytest.approx(3e-5, rel=0.01)
    # Pairs of middling evidence count by their probability under the prior, not as matches.
    middling = calibrated_prior([(30.0, 1_000), (10.0, 1_000)], pairs_total=10**8, start=1e-5)
    assert 1e-5 < middling < 1.05e-5


def test_the_prior_stays_within_sane_bounds():
    # No evidence for any match: one match in the file, not zero.
    assert calibrated_prior([(-30.0, 5_000)], pairs_total=10**6, start=1e-4) == 1e-6
    # Every compared pair certain on a tiny file: at most one half, at most every compared pair.
    assert calibrated_prior([(40.0, 10)], pairs_total=15, start=0.01) == 0.5
    assert calibrated_prior([(40.0, 10)], pairs_total=1_000, start=0.5) == pytest.approx(0.01)
    # Nothing compared: the start is kept.
    assert calibrated_prior([], pairs_total=1_000, start=0.002) == 0.002


def test_the_threshold_follows_the_prior():
    low = Calibration(start=1e-6, prior=1e-6, pairs_total=10**8, threshold=0.9)
    high = Calibration(start=1e-6, prior=1e-4, pairs_total=10**8, threshold=0.9)
    # A pair needs the evidence that makes its posterior odds 9 to 1 under the prior.
    assert low.bayes_factor_weight == pytest.approx(math.log2(9) + math.log2((1 - 1e-6) / 1e-6))
    assert high.bayes_factor_weight < low.bayes_factor_weight
    assert low.splink_weight == pytest.approx(math.log2(9))  # Splink's weights hold the start
    odds = (1e-4 / (1 - 1e-4)) / (1e-6 / (1 - 1e-6))  # the prior's odds a hundredfold
    assert high.splink_weight == pytest.approx(low.splink_weight - math.log2(odds))
