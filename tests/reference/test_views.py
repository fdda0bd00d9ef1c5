from __future__ import annotations

import pytest
from django import forms

from vinculo.reference.forms import OccupationField
from vinculo.reference.models import Occupation
from vinculo.reference.services import reference_load


def test_the_public_occupation_page_searches_without_javascript(client):
    response = client.get("/occupations/", {"occupation__q": "albanil"}, HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert response.status_code == 200
    assert "albañil" in page and "ISCO 7112" in page


def test_the_type_ahead_partial_offers_occupations_to_pick(client):
    page = client.get(
        "/occupations/suggest/", {"field": "trade", "trade__q": "recolectora de fruta"}
    ).content.decode()
    assert 'type="radio" name="trade" value="373db468-bd25-4b67-a6e0-4ac79d9a9e85"' in page


class PickForm(forms.Form):
    trade = OccupationField()


@pytest.mark.django_db
def test_the_picker_widget_round_trips_a_choice():
    reference_load()
    form = PickForm({"trade__q": "welder", "trade": "9b1cd3f6-2f0a-4d45-a2ef-7d4e2b3b3fd3"})
    assert not form.is_valid()  # not an ESCO id: refused as an invalid choice
    welder = str(Occupation.objects.filter(label_en="welder").get().pk)
    form = PickForm({"trade__q": "welder", "trade": welder})
    assert form.is_valid(), form.errors
    html = form["trade"].as_widget()
    assert f'value="{welder}"' in html and 'name="trade__q" value="welder"' in html
