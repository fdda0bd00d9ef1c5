from __future__ import annotations


def test_packs_are_public_pages_with_their_sources(client):
    listing = client.get("/policy/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Canadá: Programa de Trabajadores Agrícolas Temporales" in listing
    detail = client.get("/policy/GT/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Acuerdo Gubernativo 256-2025" in detail and "124.64 GTQ" in detail
    assert "Agricultural activities, area 1" in detail
    assert client.get("/policy/XX/").status_code == 404


def test_packs_over_the_api(api):
    codes = [p["code"] for p in api.get("/api/v1/policy-packs/").json()]
    assert "ES-GECCO" in codes
    pack = api.get("/api/v1/policy-packs/MX/").json()
    assert pack["currency"] == "MXN" and pack["minimum_wages"][0]["amount"] == "315.04"
    assert api.get("/api/v1/policy-packs/ZZ/").status_code == 404


def test_a_programme_page_shows_its_job_order_rules(client):
    sawp = client.get("/policy/CA-SAWP/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "At least 240 hours of work guaranteed." in sawp and "At most 8 months." in sawp
    assert "Jamaica" in sawp
    gecco = client.get("/policy/ES-GECCO/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "al menos 10 puestos homogéneos" in gecco
    hn = client.get("/policy/HN/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Convenio sobre las agencias de empleo privadas" in hn
