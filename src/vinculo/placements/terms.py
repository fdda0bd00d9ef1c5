"""A contract's terms, frozen at offer, and the substitution check: pure Python, no database.

The terms are what the worker was offered, as plain JSON: wage and basis, hours, period,
employer and worksite, housing, who pays each cost, deductions. Their digest (SHA-256 of the
canonical JSON) is what the contract's public page and QR code vouch for. Any later contract
document, or any change of terms, is compared with the frozen offer field by field
(`compare`): a term worse for the worker blocks the placement, a better one passes and is
recorded. A change that cannot be shown to be no worse (another employer, another worksite,
other dates, an overtime clause reworded, a wage in another currency) counts as worse: an
official looks at it before the journey goes on.

The contract's own words are kept here in Spanish, English and French (`LABELS`): the
document is printed in Spanish and in the language of the worksite (`contract_languages`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

# The fields of the terms, in the order a contract prints them and the check compares them.
FIELDS = (
    "employer",
    "worksite",
    "wage",
    "guaranteed_hours",
    "weekly_hours",
    "overtime",
    "period",
    "housing",
    "costs",
    "deductions",
)

WORSE, BETTER, SAME = "worse", "better", "same"


def canonical(terms: dict[str, Any]) -> str:
    return json.dumps(terms, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(terms: dict[str, Any], **header: Any) -> str:
    """SHA-256 of the terms and the contract's header (its parties, version and placement)."""
    return hashlib.sha256(canonical({"terms": terms, **header}).encode()).hexdigest()


def _dec(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError):
        return Decimal(0)


def _days(period: dict[str, str]) -> int:
    return (date.fromisoformat(period["end"]) - date.fromisoformat(period["start"])).days


@dataclass(frozen=True)
class TermChange:
    """One field of the terms as offered and as found later, and what the change is for the
    worker: `worse` blocks, `better` passes and is recorded, `same` is no change."""

    field: str
    offered: Any
    found: Any
    verdict: str

    @property
    def changed(self) -> bool:
        return self.verdict != SAME


def _ranked(before: Decimal, after: Decimal, *, more_is_better: bool) -> str:
    if before == after:
        return SAME
    return BETTER if (after > before) == more_is_better else WORSE


def _verdict(field: str, offered: Any, found: Any) -> str:
    if offered == found:
        return SAME
    if field == "wage":
        if (offered["currency"], offered["basis"]) != (found["currency"], found["basis"]):
            return WORSE  # not comparable as it stands: an official compares it
        return _ranked(_dec(offered["amount"]), _dec(found["amount"]), more_is_better=True)
    if field == "guaranteed_hours":
        return _ranked(_dec(offered), _dec(found), more_is_better=True)
    if field == "period":
        longer = _days(found) - _days(offered)
        return BETTER if longer > 0 and found["start"] <= offered["start"] else WORSE
    if field == "housing":
        if offered["provided"] != found["provided"]:
            return BETTER if found["provided"] else WORSE
        return _ranked(
            _dec(offered["weekly_cost"]), _dec(found["weekly_cost"]), more_is_better=False
        )
    if field == "costs":
        verdicts = {
            BETTER if found.get(item) == "employer" else WORSE
            for item in set(offered) | set(found)
            if offered.get(item) != found.get(item)
        }
        return WORSE if WORSE in verdicts else BETTER
    if field == "deductions":
        verdicts = {
            _ranked(_dec(offered.get(d, 0)), _dec(found.get(d, 0)), more_is_better=False)
            for d in set(offered) | set(found)
        }
        return WORSE if WORSE in verdicts else BETTER
    # employer, worksite, weekly hours, overtime: another one is not shown to be no worse
    return WORSE


def compare(offered: dict[str, Any], found: dict[str, Any]) -> list[TermChange]:
    """Every field of the frozen offer beside the same field found later, with its verdict."""
    return [
        TermChange(f, offered.get(f), found.get(f), _verdict(f, offered.get(f), found.get(f)))
        for f in FIELDS
    ]


def worse(changes: list[TermChange]) -> bool:
    return any(c.verdict == WORSE for c in changes)


# --- the contract's words ------------------------------------------------------------------------

# Countries (and Canadian provinces) whose worksite makes the contract's second language English
# or French; everywhere else in the region the contract is in Spanish alone.
ENGLISH = frozenset({"CA", "US", "GB", "IE", "AU", "NZ", "JM", "TT", "BB", "BS", "BZ", "GY"})
FRENCH = frozenset({"FR", "BE", "HT", "GP", "MQ", "GF"})
FRENCH_SUBDIVISIONS = frozenset({"CA-QC"})


def contract_languages(country: str, subdivision: str = "") -> tuple[str, ...]:
    """Spanish, and the language of the worksite when it is another: English for Canada,
    French where the worksite is in Quebec, Spanish alone for Spain or Mexico."""
    if subdivision in FRENCH_SUBDIVISIONS or country in FRENCH:
        return ("es", "fr")
    if country in ENGLISH:
        return ("es", "en")
    return ("es",)


LABELS: dict[str, dict[str, str]] = {
    "title": {
        "es": "Contrato de trabajo",
        "en": "Employment contract",
        "fr": "Contrat de travail",
    },
    "worker": {
        "es": "Trabajador o trabajadora",
        "en": "Worker",
        "fr": "Travailleur ou travailleuse",
    },
    "job": {"es": "Puesto", "en": "Job", "fr": "Poste"},
    "employer": {"es": "Empleador", "en": "Employer", "fr": "Employeur"},
    "worksite": {"es": "Lugar de trabajo", "en": "Worksite", "fr": "Lieu de travail"},
    "wage": {"es": "Salario", "en": "Wage", "fr": "Salaire"},
    "guaranteed_hours": {
        "es": "Horas de trabajo garantizadas en total",
        "en": "Hours of work guaranteed in all",
        "fr": "Heures de travail garanties au total",
    },
    "weekly_hours": {"es": "Horas por semana", "en": "Hours a week", "fr": "Heures par semaine"},
    "overtime": {"es": "Horas extra", "en": "Overtime", "fr": "Heures supplémentaires"},
    "period": {"es": "Duración", "en": "Duration", "fr": "Durée"},
    "housing": {"es": "Vivienda", "en": "Housing", "fr": "Logement"},
    "costs": {
        "es": "Quién paga cada costo",
        "en": "Who pays each cost",
        "fr": "Qui paie chaque coût",
    },
    "deductions": {
        "es": "Descuentos del salario",
        "en": "Deductions from pay",
        "fr": "Retenues sur le salaire",
    },
    "version": {"es": "Versión", "en": "Version", "fr": "Version"},
    "digest": {
        "es": "Huella (SHA-256)",
        "en": "Fingerprint (SHA-256)",
        "fr": "Empreinte (SHA-256)",
    },
    "verify": {
        "es": "Compruebe este contrato en",
        "en": "Check this contract at",
        "fr": "Vérifiez ce contrat sur",
    },
    "no_fees": {
        "es": "El trabajador o la trabajadora no paga ninguna comisión de reclutamiento.",
        "en": "The worker pays no recruitment fee.",
        "fr": "Le travailleur ou la travailleuse ne paie aucun frais de recrutement.",
    },
    "signed": {"es": "Firmado", "en": "Signed", "fr": "Signé"},
    "not_signed": {"es": "Sin firmar", "en": "Not signed", "fr": "Non signé"},
    "none": {"es": "Ninguno", "en": "None", "fr": "Aucune"},
    "not_provided": {"es": "No incluida", "en": "Not provided", "fr": "Non fourni"},
    "provided_free": {
        "es": "Incluida, sin costo para el trabajador",
        "en": "Provided, free of charge to the worker",
        "fr": "Fourni, sans frais pour le travailleur",
    },
    "provided": {
        "es": "Incluida, {cost} {currency} por semana a cargo del trabajador",
        "en": "Provided, {cost} {currency} a week paid by the worker",
        "fr": "Fourni, {cost} {currency} par semaine à la charge du travailleur",
    },
    "from_to": {
        "es": "Del {start} al {end}",
        "en": "From {start} to {end}",
        "fr": "Du {start} au {end}",
    },
    "hour": {"es": "por hora", "en": "per hour", "fr": "de l'heure"},
    "day": {"es": "por día", "en": "per day", "fr": "par jour"},
    "month": {"es": "por mes", "en": "per month", "fr": "par mois"},
    "pays_employer": {"es": "el empleador", "en": "the employer", "fr": "l'employeur"},
    "pays_worker": {"es": "el trabajador", "en": "the worker", "fr": "le travailleur"},
    "recruitment_fee": {
        "es": "Comisión de reclutamiento",
        "en": "Recruitment fee",
        "fr": "Frais de recrutement",
    },
    "travel_in": {"es": "Viaje de ida", "en": "Travel to the job", "fr": "Voyage aller"},
    "travel_out": {"es": "Viaje de regreso", "en": "Travel home", "fr": "Voyage retour"},
    "visa": {"es": "Visa o permiso", "en": "Visa or permit", "fr": "Visa ou permis"},
    "medical": {"es": "Examen médico", "en": "Medical examination", "fr": "Examen médical"},
    "insurance": {"es": "Seguro", "en": "Insurance", "fr": "Assurance"},
}


def say(key: str, lang: str, **values: Any) -> str:
    words = LABELS.get(key)
    text = (words.get(lang) or words["en"]) if words else key
    return text.format(**values) if values else text


def shown(field: str, value: Any, lang: str) -> str:
    """One field of the terms in plain words, in `lang`."""
    if value is None:
        return "—"
    if field == "wage":
        return f"{value['amount']} {value['currency']} {say(value['basis'], lang)}"
    if field == "period":
        return say("from_to", lang, start=value["start"], end=value["end"])
    if field == "housing":
        if not value["provided"]:
            return say("not_provided", lang)
        if _dec(value["weekly_cost"]) == 0:
            return say("provided_free", lang)
        return say("provided", lang, cost=value["weekly_cost"], currency=value["currency"])
    if field == "costs":
        return "; ".join(
            f"{say(item, lang)}: {say('pays_' + payer, lang)}" for item, payer in value.items()
        ) or say("none", lang)
    if field == "deductions":
        return "; ".join(f"{name}: {amount}" for name, amount in value.items()) or say("none", lang)
    if field == "overtime":
        return value or say("none", lang)
    return str(value)


def document(terms: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The contract's lines in one language: (label, value) for every field of the terms."""
    return [(say(f, lang), shown(f, terms.get(f), lang)) for f in FIELDS]
