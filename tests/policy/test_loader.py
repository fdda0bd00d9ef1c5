from __future__ import annotations

from pathlib import Path

import pytest

from vinculo.policy.loader import SHIPPED_DIR, PolicyPackInvalid, pack_parse, packs_validate

EXPECTED = {"HN", "GT", "SV", "NI", "CR", "MX", "CA-SAWP", "CA-TFWP-AG", "ES-GECCO", "CW"}
VALID = (SHIPPED_DIR / "HN.toml").read_text(encoding="utf-8")


def test_every_shipped_pack_is_valid_and_none_is_missing():
    assert packs_validate() == []
    assert {p.stem for p in SHIPPED_DIR.glob("*.toml")} == EXPECTED


@pytest.mark.parametrize("path", sorted(SHIPPED_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_every_pack_has_the_baseline_and_every_figure_a_source(path):
    pack = pack_parse(path).pack
    assert pack.fees.recruitment_fees_paid_by == "employer"
    assert pack.fees.related_costs_paid_by == "employer"
    for wage in pack.minimum_wages:
        assert wage.source.instrument and (wage.source.published or wage.source.note)
        assert wage.label.es and wage.label.en


def _write(tmp_path: Path, text: str, name: str = "HN.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('amount = "9052.96"', 'amount = "-5"'), "minimum_wages[1].amount"),
        (('currency = "HNL"', 'currency = "LEMPIRA"'), "currency"),
        (('basis = "month"', 'basis = "fortnight"'), "minimum_wages[0].basis"),
        (
            ('explain.es = "El trabajador no paga', 'explain.xx = "El trabajador no paga'),
            "fees.explain",
        ),
        (("recruitment_fees_paid_by", "recruitment_fees_paid_by"), None),
    ],
)
def test_an_invalid_pack_is_refused_with_its_field_named(tmp_path, change, field):
    old, new = change
    if field is None:  # a worker-pays rule is not a valid baseline
        text = VALID.replace("[fees]\n", '[fees]\nrecruitment_fees_paid_by = "worker"\n')
        field = "fees.recruitment_fees_paid_by"
    else:
        assert old in VALID
        text = VALID.replace(old, new, 1)
    with pytest.raises(PolicyPackInvalid) as refused:
        pack_parse(_write(tmp_path, text))
    assert any(problem.startswith(field) for problem in refused.value.problems), (
        refused.value.problems
    )
    assert "HN.toml" in str(refused.value)


def test_a_source_without_a_date_must_say_why(tmp_path):
    text = VALID.replace(
        'published = 2024-03-21, gazette = "La Gaceta No. 36,491" }',
        'gazette = "La Gaceta No. 36,491" }',
        1,
    )
    with pytest.raises(PolicyPackInvalid) as refused:
        pack_parse(_write(tmp_path, text))
    assert refused.value.problems[0].startswith("minimum_wages[0].source")


def test_broken_toml_and_a_misnamed_file_are_refused(tmp_path):
    with pytest.raises(PolicyPackInvalid, match="not valid TOML"):
        pack_parse(_write(tmp_path, VALID + "\n[[[broken"))
    with pytest.raises(PolicyPackInvalid, match="must match the file name"):
        pack_parse(_write(tmp_path, VALID, name="GT.toml"))


def test_a_deployment_folder_overrides_a_shipped_pack(tmp_path, settings):
    from vinculo.policy.loader import packs_all

    _write(tmp_path, VALID.replace('version = "2026.1"', 'version = "2026.2-local"'))
    settings.POLICY_PACK_DIRS = [tmp_path]
    packs_all.cache_clear()
    try:
        assert packs_all()["HN"].pack.version == "2026.2-local"
        assert packs_all()["GT"].path.parent == SHIPPED_DIR
    finally:
        packs_all.cache_clear()


def test_every_source_note_reads_in_both_languages():
    from vinculo.policy.loader import packs_all

    notes = [
        source.note
        for loaded in packs_all().values()
        for source in _sources(loaded.pack)
        if source is not None and source.note is not None
    ]
    assert len(notes) > 40
    assert all(n.es and n.en and n.es != n.en for n in notes)


def _sources(pack):
    from pydantic import BaseModel

    from vinculo.policy.schema import LegalSource

    found = []

    def walk(value):
        if isinstance(value, LegalSource):
            found.append(value)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(pack)
    return found
