"""What workers paid: each cost recorded against the order's pack; a cost the employer must bear
is a violation, counted on the employer's and the agency's pages (the agency's public check too),
holds the worker home until refunded, and a refund needs its proof. Receipts are checked for
what they are and lose their metadata."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.conftest import login
from tests.matching.conftest import make_worker
from tests.placements.test_services import _selected
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.models import Organisation
from vinculo.core.uploads import evidence_store
from vinculo.placements import services
from vinculo.placements.domain import Step, fee_finding
from vinculo.placements.models import FeeRecord, Placement
from vinculo.policy.loader import pack_get
from vinculo.registry.models import Worker

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


def photo(name="receipt.jpg", *, exif=True):
    image = Image.new("RGB", (40, 30), "white")
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make; a phone's EXIF also holds where the photo was taken
        image.save(out, format="JPEG", exif=data)
    else:
        image.save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.mark.parametrize(
    ("item", "pack", "violation", "reason"),
    [
        ("recruitment_fee", "CA-TFWP-AG", True, "worker_charged"),
        ("travel", "CA-TFWP-AG", True, "worker_charged"),
        ("travel", "CA-SAWP", False, "recoverable_within_limit"),
        ("bond", "CA-SAWP", True, "never_legitimate"),
        ("bribe", None, True, "never_legitimate"),
        ("medical", None, True, "ilo_baseline"),
    ],
)
def test_each_cost_against_the_pack(item, pack, violation, reason):
    finding = fee_finding(item, pack_get(pack) if pack else None)
    assert (finding.violation, finding.reason) == (violation, reason)
    assert finding.explanation["es"] and finding.explanation["en"] and finding.source


@pytest.fixture
def signed(world, farm, published):
    type(published).objects.filter(pk=published.pk).update(agency=farm.agency)
    placement = Placement.objects.get(candidacy=_selected(world, published, make_worker(world)))
    caseworker = world.users["caseworker"]
    services.placement_move(actor=caseworker, placement_id=placement.pk, to=Step.CONTRACT_OFFERED)
    return services.contract_sign(actor=caseworker, placement_id=placement.pk)


def _fee(actor, placement, **values):
    return services.fee_record(
        actor=actor,
        placement_id=placement.pk,
        **{
            "item": "recruitment_fee",
            "payee": "agency",
            "payee_name": "Agencia El Atajo",
            "amount": Decimal("15000.00"),
            "currency": "HNL",
            "paid_on": timezone.localdate() - timedelta(days=10),
            **values,
        },
    )


def test_a_fee_the_employer_must_bear_holds_the_worker_home_until_refunded(world, farm, signed):
    caseworker = world.users["caseworker"]
    fee = _fee(caseworker, signed, evidence=photo())
    assert fee.state == "violation" and fee.finding["source"]
    employer, agency = signed.order.employer, farm.agency
    for org in (employer, agency):
        org.refresh_from_db()
        assert (org.fee_violations, org.fee_violations_open) == (1, 1)
    with pytest.raises(Conflict) as held:
        services.placement_move(actor=caseworker, placement_id=signed.pk, to=Step.MEDICAL_CLEARED)
    assert held.value.code == "placement_fee_violation"
    with pytest.raises(ValidationFailed) as no_proof:
        services.fee_refund(
            actor=caseworker, fee_id=fee.pk, refunded_on=date.today(), evidence=None
        )
    assert no_proof.value.code == "refund_evidence_required"
    with pytest.raises(Http404):
        services.fee_refund(
            actor=world.outsider, fee_id=fee.pk, refunded_on=date.today(), evidence=photo()
        )
    refunded = services.fee_refund(
        actor=caseworker, fee_id=fee.pk, refunded_on=date.today(), evidence=photo(), note="Banco"
    )
    assert refunded.state == "refunded" and refunded.refund_evidence
    with pytest.raises(Conflict):
        services.fee_refund(
            actor=caseworker, fee_id=fee.pk, refunded_on=date.today(), evidence=photo()
        )
    agency.refresh_from_db()
    assert (agency.fee_violations, agency.fee_violations_open) == (1, 0)
    moved = services.placement_move(
        actor=caseworker, placement_id=signed.pk, to=Step.MEDICAL_CLEARED
    )
    assert moved.state == Step.MEDICAL_CLEARED


def test_a_cost_the_pack_lets_the_worker_pay_is_recorded_not_flagged(world, signed):
    type(signed.order).objects.filter(pk=signed.order_id).update(programme="CA-SAWP")
    fee = _fee(world.users["official"], signed, item="travel", payee="employer", amount=Decimal(9))
    assert fee.state == "recorded"
    assert Organisation.objects.get(pk=signed.order.employer_id).fee_violations == 0


def test_bad_costs_are_refused_with_their_field(world, signed):
    caseworker = world.users["caseworker"]
    for values, field in (
        ({"amount": Decimal(0)}, "amount"),
        ({"paid_on": timezone.localdate() + timedelta(days=2)}, "paid_on"),
        ({"currency": "XYZ"}, "currency"),
        ({"evidence": SimpleUploadedFile("r.jpg", b"not a photo at all")}, "evidence"),
        ({"evidence": SimpleUploadedFile("r.jpg", b"\xff\xd8\xff" + b"0" * 64)}, "evidence"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            _fee(caseworker, signed, **values)
        assert refused.value.field == field, values
    assert not FeeRecord.objects.exists()


def test_a_receipt_loses_its_metadata(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    name = evidence_store(photo())
    with Image.open(tmp_path / "evidence" / name) as stored:
        assert stored.format == "JPEG" and not stored.getexif()
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * (5 * 1024 * 1024))
    with pytest.raises(ValidationFailed) as refused:
        evidence_store(big)
    assert refused.value.code == "evidence_too_big"


def test_the_worker_records_their_own_costs_and_no_one_elses(world, signed):
    worker_user = world.users["worker"]
    Worker.objects.filter(user=worker_user).update(user=None)
    Worker.objects.filter(pk=signed.worker_id).update(user=worker_user)
    fee = _fee(worker_user, signed, payee="intermediary", payee_name="Don Chepe")
    assert fee.recorded_by == worker_user and fee.state == "violation"
    with pytest.raises(NotAllowed):  # a refund is recorded by the authority, with its proof
        services.fee_refund(
            actor=worker_user, fee_id=fee.pk, refunded_on=date.today(), evidence=photo()
        )
    with pytest.raises(Http404):
        _fee(world.users["employer_staff"], signed)


def test_the_pages_show_the_violation(client, world, farm, signed):
    login(client, world.users["caseworker"])
    record = reverse("placements:fee_record", args=[signed.pk])
    bad = client.post(record, {"item": "recruitment_fee"}, **ES)
    assert bad.status_code == 400 and "Este campo es requerido" in bad.content.decode()
    done = client.post(
        record,
        {
            "item": "recruitment_fee",
            "payee": "agency",
            "payee_name": "Agencia El Atajo",
            "amount": "15000",
            "currency": "HNL",
            "paid_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
            "evidence": photo(),
        },
        **ES,
    )
    assert done.status_code == 302
    page = client.get(reverse("placements:detail", args=[signed.pk]), **ES).content.decode()
    assert "Infracción de cobro" in page and "Comisión de reclutamiento" in page
    fee = FeeRecord.objects.get()
    receipt = client.get(reverse("placements:fee_evidence", args=[fee.pk, "receipt"]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "image/jpeg"
    assert receipt["X-Content-Type-Options"] == "nosniff"
    public = client.get(
        reverse("registry_orgs:agency_verify_detail", args=["HN-AG-001"]), **ES
    ).content.decode()
    assert "1 costo pagado por un trabajador que el empleador debía asumir" in public
    assert "1 de ellos todavía sin reembolsar" in public
    login(client, world.outsider)
    assert (
        client.get(reverse("placements:fee_evidence", args=[fee.pk, "receipt"])).status_code == 404
    )
    assert client.post(record, {"item": "bond"}).status_code == 404


def test_costs_over_the_api(api, world, signed):
    worker_user = world.users["worker"]
    Worker.objects.filter(user=worker_user).update(user=None)
    Worker.objects.filter(pk=signed.worker_id).update(user=worker_user)
    url = reverse("api:placement-fees", args=[signed.pk])
    cost = {
        "item": "medical",
        "payee": "intermediary",
        "amount": "1200.00",
        "currency": "hnl",
        "paid_on": (timezone.localdate() - timedelta(days=5)).isoformat(),
    }
    api.force_authenticate(worker_user)
    mine = api.post(url, cost, format="json")
    assert mine.status_code == 201 and mine.json()["state"] == "violation"
    assert mine.json()["currency"] == "HNL" and mine.json()["finding"]["explanation"]["es"]
    api.force_authenticate(world.users["caseworker"])
    with_photo = api.post(url, {**cost, "evidence": photo()}, format="multipart")
    assert with_photo.status_code == 201 and with_photo.json()["has_receipt"]
    assert len(api.get(url).json()) == 2
    refund = reverse("api:fee-refund", args=[mine.json()["id"]])
    done = api.post(
        refund, {"refunded_on": date.today().isoformat(), "evidence": photo()}, format="multipart"
    )
    assert done.status_code == 200 and done.json()["state"] == "refunded"
    broken = api.post(
        url,
        {**cost, "evidence": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nbroken")},
        format="multipart",
    )
    assert broken.status_code == 400 and broken.json()["code"] == "evidence_unreadable"
    for other in (world.outsider, world.users["employer_staff"]):
        api.force_authenticate(other)
        assert api.get(url).status_code == 404
        assert api.post(url, cost, format="json").status_code == 404
        again = {"refunded_on": "2026-01-01", "evidence": photo()}
        assert api.post(refund, again, format="multipart").status_code == 404
