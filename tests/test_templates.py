"""Rules every template keeps, read from the template files themselves."""

from __future__ import annotations

import re
from pathlib import Path

import vinculo

TEMPLATES = sorted(Path(vinculo.__file__).parent.glob("*/templates/**/*.html")) + sorted(
    Path(vinculo.__file__).parent.glob("*/*/templates/**/*.html")
)
# A filter's argument that follows a relation (`|default:order.employer.name`): Django resolves
# filter arguments strictly, so a missing relation raises instead of rendering nothing.
RELATION_IN_FILTER_ARGUMENT = re.compile(r"\|\w+:(?![\"'])[A-Za-z_]\w*\.\w+\.\w+")


def test_templates_were_found():
    assert len(TEMPLATES) > 50


def test_no_filter_argument_follows_a_relation():
    found = [
        f"{path.relative_to(Path(vinculo.__file__).parent)}: {match.group(0)}"
        for path in TEMPLATES
        for match in RELATION_IN_FILTER_ARGUMENT.finditer(path.read_text())
    ]
    assert not found, "use the `person` filter or an {% if %}: " + "; ".join(found)


def test_the_rule_catches_what_it_is_for():
    bad = "{{ e.actor.get_full_name|default:e.actor.username }}"
    assert RELATION_IN_FILTER_ARGUMENT.search(bad)
    assert not RELATION_IN_FILTER_ARGUMENT.search('{{ e.at|date:"SHORT_DATE_FORMAT" }}')
    assert not RELATION_IN_FILTER_ARGUMENT.search("{{ x|default:pack.currency }}")
