"""The fixed part of the demo: authorities, organisations and one login per role."""

from __future__ import annotations

from vinculo.core.models import OrganisationKind as K
from vinculo.core.permissions import Role

DEMO_PASSWORD = "vinculo-demo-2026"  # noqa: S105 - printed by `vinculo up`; demo only

# code, country, Spanish name, English name
JURISDICTIONS = [
    (
        "HN-STSS",
        "HN",
        "Honduras — Secretaría de Trabajo y Seguridad Social",
        "Honduras — Ministry of Labour and Social Security",
    ),
    (
        "GT-MINTRAB",
        "GT",
        "Guatemala — Ministerio de Trabajo y Previsión Social",
        "Guatemala — Ministry of Labour and Social Welfare",
    ),
    (
        "SV-MTPS",
        "SV",
        "El Salvador — Ministerio de Trabajo y Previsión Social",
        "El Salvador — Ministry of Labour and Social Welfare",
    ),
    ("NI-MITRAB", "NI", "Nicaragua — Ministerio del Trabajo", "Nicaragua — Ministry of Labour"),
    (
        "CR-MTSS",
        "CR",
        "Costa Rica — Ministerio de Trabajo y Seguridad Social",
        "Costa Rica — Ministry of Labour and Social Security",
    ),
    (
        "CR-DGME",
        "CR",
        "Costa Rica — Dirección General de Migración y Extranjería",
        "Costa Rica — Directorate General of Migration",
    ),
    (
        "MX-STPS",
        "MX",
        "México — Secretaría del Trabajo y Previsión Social",
        "Mexico — Ministry of Labour and Social Welfare",
    ),
    (
        "CA-ESDC",
        "CA",
        "Canadá — Empleo y Desarrollo Social",
        "Canada — Employment and Social Development",
    ),
    (
        "ES-MISSM",
        "ES",
        "España — Ministerio de Inclusión, Seguridad Social y Migraciones",
        "Spain — Ministry of Inclusion, Social Security and Migration",
    ),
    (
        "CW-SOAW",
        "CW",
        "Curazao — Ministerio de Desarrollo Social, Trabajo y Bienestar",
        "Curaçao — Ministry of Social Development, Labour and Welfare",
    ),
]
JURISDICTION_OF_COUNTRY = {
    "HN": "HN-STSS",
    "GT": "GT-MINTRAB",
    "SV": "SV-MTPS",
    "NI": "NI-MITRAB",
    "CR": "CR-MTSS",
    "MX": "MX-STPS",
    "CA": "CA-ESDC",
    "ES": "ES-MISSM",
    "CW": "CW-SOAW",
}

# key, kind, name, country, jurisdiction, tax id, sector, city
ORGANISATIONS = [
    (
        "hn-stss",
        K.MINISTRY,
        "Secretaría de Trabajo y Seguridad Social",
        "HN",
        "HN-STSS",
        "",
        "public_sector",
        "Tegucigalpa",
    ),
    (
        "cr-mtss",
        K.MINISTRY,
        "Ministerio de Trabajo y Seguridad Social",
        "CR",
        "CR-MTSS",
        "",
        "public_sector",
        "San José",
    ),
    (
        "cr-dgme",
        K.MINISTRY,
        "Dirección General de Migración y Extranjería",
        "CR",
        "CR-DGME",
        "",
        "public_sector",
        "San José",
    ),
    (
        "operator",
        K.PROGRAMME_OPERATOR,
        "Programa de Movilidad Laboral Justa",
        "HN",
        "HN-STSS",
        "08019020123456",
        "services",
        "Tegucigalpa",
    ),
    (
        "farm-on",
        K.EMPLOYER,
        "Norfolk Greenhouse Vegetables Ltd.",
        "CA",
        "CA-ESDC",
        "812345678RC0001",
        "agriculture",
        "Leamington, Ontario",
    ),
    (
        "meat-ab",
        K.EMPLOYER,
        "Prairie Meat Processors Inc.",
        "CA",
        "CA-ESDC",
        "823456789RC0001",
        "manufacturing",
        "Brooks, Alberta",
    ),
    (
        "berries-es",
        K.EMPLOYER,
        "Cooperativa Frutos Rojos de Huelva S. Coop. And.",
        "ES",
        "ES-MISSM",
        "F21123456",
        "agriculture",
        "Moguer, Huelva",
    ),
    (
        "mx-monterrey",
        K.EMPLOYER,
        "Manufacturas Metálicas del Norte S.A. de C.V.",
        "MX",
        "MX-STPS",
        "MMN010203AB1",
        "manufacturing",
        "Apodaca, Nuevo León",
    ),
    (
        "mx-juarez",
        K.EMPLOYER,
        "Ensambles Fronterizos S.A. de C.V.",
        "MX",
        "MX-STPS",
        "EFR050607CD2",
        "maquila",
        "Ciudad Juárez, Chihuahua",
    ),
    (
        "mx-tijuana",
        K.EMPLOYER,
        "Electrónica Pacífico Norte S. de R.L. de C.V.",
        "MX",
        "MX-STPS",
        "EPN090807EF3",
        "maquila",
        "Tijuana, Baja California",
    ),
    (
        "hn-sula",
        K.EMPLOYER,
        "Agroexportadora del Valle de Sula S.A.",
        "HN",
        "HN-STSS",
        "05019016004321",
        "agriculture",
        "La Lima, Cortés",
    ),
    (
        "hn-maquila",
        K.EMPLOYER,
        "Textiles Técnicos de Choloma S.A.",
        "HN",
        "HN-STSS",
        "05019017008888",
        "maquila",
        "Choloma, Cortés",
    ),
    (
        "cr-pinas",
        K.EMPLOYER,
        "Piñas del Caribe Norte S.A.",
        "CR",
        "CR-MTSS",
        "3101654321",
        "agriculture",
        "Guápiles, Limón",
    ),
    (
        "growers-on",
        K.EMPLOYER_ASSOCIATION,
        "Ontario Fruit and Vegetable Growers (demo)",
        "CA",
        "CA-ESDC",
        "834567890RC0001",
        "agriculture",
        "Guelph, Ontario",
    ),
    (
        "agency-ok",
        K.RECRUITMENT_AGENCY,
        "Reclutamiento Ético Hondureño S. de R.L.",
        "HN",
        "HN-STSS",
        "08019015000111",
        "services",
        "San Pedro Sula",
    ),
    (
        "agency-gt",
        K.RECRUITMENT_AGENCY,
        "Agencia de Empleo Internacional Maya S.A.",
        "GT",
        "GT-MINTRAB",
        "9876543-2",
        "services",
        "Quetzaltenango",
    ),
    (
        "agency-bad",
        K.RECRUITMENT_AGENCY,
        "Colocaciones Rápidas del Norte S. de R.L.",
        "HN",
        "HN-STSS",
        "05019018000222",
        "services",
        "Choloma",
    ),
]

# key of organisation, licence number, state, destination countries, sectors
LICENCES = [
    ("agency-ok", "HN-STSS-AG-2024-0017", "valid", ["CA", "ES"], ["agriculture"]),
    (
        "agency-gt",
        "GT-MINTRAB-AE-2023-0142",
        "valid",
        ["CA", "MX"],
        ["agriculture", "manufacturing"],
    ),
    ("agency-bad", "HN-STSS-AG-2022-0009", "suspended", ["MX", "CA"], ["agriculture"]),
    # An application waiting for an official: the Grant button in the tour.
    ("agency-ok", "HN-STSS-AG-2026-0044", "applied", ["ES"], ["agriculture", "food_processing"]),
]

# Employers start verified, except two left for an official to verify (the Honduran one in
# `oficial.hn`'s tour; the Mexican one for the administrator, as Mexico has no demo official), and
# one rejected with the official's reason.
PENDING_VERIFICATION = {
    "Agroexportadora del Valle de Sula S.A.",
    "Electrónica Pacífico Norte S. de R.L. de C.V.",
}
REJECTED_VERIFICATION = {
    "Ensambles Fronterizos S.A. de C.V.": (
        "El RFC no coincide con el registro del SAT; presente la constancia de situación fiscal."
    )
}

# licence number → its history: (from, to, reason, date)
LICENCE_HISTORY = {
    "HN-STSS-AG-2022-0009": [
        ("applied", "valid", "Requisitos completos; garantía depositada.", "2022-03-01"),
        (
            "valid",
            "suspended",
            "Cobro de comisiones de reclutamiento a trabajadores (denuncias 2025-114 y 2025-131).",
            "2025-10-20",
        ),
    ],
}

# username, role, organisation key or None, jurisdiction code or None, first and last name
USERS = [
    ("admin", Role.ADMIN, None, None, "Ada", "Administradora"),
    ("oficial.hn", Role.OFFICIAL, "hn-stss", "HN-STSS", "Lourdes", "Mejía Zelaya"),
    ("oficial.cr", Role.OFFICIAL, "cr-mtss", "CR-MTSS", "Andrés", "Solano Vargas"),
    ("migracion.cr", Role.OFFICIAL, "cr-dgme", "CR-DGME", "Daniela", "Quesada Mora"),
    ("empleador.hn", Role.EMPLOYER_STAFF, "hn-maquila", None, "Gabriela", "Reyes Paz"),
    ("empleador.cr", Role.EMPLOYER_STAFF, "cr-pinas", None, "Esteban", "Jiménez Rojas"),
    ("gestor.hn", Role.CASEWORKER, "operator", "HN-STSS", "Karen", "Flores Paz"),
    ("auditor.hn", Role.AUDITOR, "hn-stss", "HN-STSS", "Rolando", "Cálix Andino"),
    ("coordinador", Role.REGIONAL_COORDINATOR, None, None, "Silvia", "Arauz Chamorro"),
    ("empleador.ca", Role.EMPLOYER_STAFF, "farm-on", None, "Mark", "Van Dyk"),
    ("agencia.hn", Role.AGENCY_STAFF, "agency-ok", None, "Julio", "Banegas Reyes"),
    ("trabajador", Role.WORKER, None, None, "María José", "Hernández López"),
    ("trabajadora.cr", Role.WORKER, None, None, "Karla", "Rugama Sequeira"),
]

SIZES = {"small": 3_000, "medium": 30_000, "large": 300_000}

# Job orders of the tour: (filer username, employer key, authority code or None, state, ISCO unit,
# terms). Dates are years from the demo's load, so the orders are always in the future. A draft
# pays under Ontario's minimum wage (the employer's tour fixes it); one waits for the Honduran
# official; the others are on the vacancy board.
JOB_ORDERS = [
    (
        "empleador.ca",
        "farm-on",
        "HN-STSS",
        "published",
        "9211",
        {
            "programme": "CA-TFWP-AG",
            "title": "Greenhouse vegetable harvesters",
            "positions": 24,
            "sector": "agriculture",
            "worksite_country": "CA",
            "worksite_subdivision": "CA-ON",
            "worksite_municipality": "Leamington",
            "start": (3, 1),
            "end": (11, 30),
            "wage_amount": "17.95",
            "wage_currency": "CAD",
            "wage_basis": "hour",
            "weekly_hours": "45",
            "guaranteed_hours": 1400,
            "overtime_rule": "Time and a half after 44 hours a week (Ontario ESA s. 22).",
            "housing_provided": True,
            "housing_weekly_cost": "30",
            "languages": [["es", "A1"]],
            "min_experience_years": 1,
            "description": "Harvesting and packing tomatoes and peppers in heated greenhouses.",
        },
    ),
    (
        "empleador.ca",
        "farm-on",
        "HN-STSS",
        "submitted",
        "6111",
        {
            "programme": "CA-TFWP-AG",
            "title": "Field crop workers",
            "positions": 10,
            "sector": "agriculture",
            "worksite_country": "CA",
            "worksite_subdivision": "CA-ON",
            "worksite_municipality": "Kingsville",
            "start": (4, 15),
            "end": (10, 31),
            "wage_amount": "18.10",
            "wage_currency": "CAD",
            "wage_basis": "hour",
            "weekly_hours": "40",
            "guaranteed_hours": 1000,
            "overtime_rule": "Time and a half after 44 hours a week.",
            "housing_provided": True,
            "housing_weekly_cost": "0",
            "languages": [],
            "min_experience_years": 2,
            "description": "Planting, weeding and harvesting field vegetables.",
        },
    ),
    (
        "empleador.ca",
        "farm-on",
        "HN-STSS",
        "draft",
        "9211",
        {
            "programme": "CA-TFWP-AG",
            "title": "Greenhouse packers",
            "positions": 6,
            "sector": "agriculture",
            "worksite_country": "CA",
            "worksite_subdivision": "CA-ON",
            "worksite_municipality": "Leamington",
            "start": (5, 1),
            "end": (9, 30),
            "wage_amount": "15.50",
            "wage_currency": "CAD",
            "wage_basis": "hour",
            "weekly_hours": "40",
            "guaranteed_hours": 800,
            "overtime_rule": "",
            "housing_provided": True,
            "housing_weekly_cost": "0",
            "languages": [],
            "min_experience_years": 0,
            "description": "Sorting and packing vegetables for shipping.",
        },
    ),
    (
        "agencia.hn",
        "berries-es",
        None,
        "published",
        "9211",
        {
            "programme": "ES-GECCO",
            "title": "Recolectoras y recolectores de fresa",
            "positions": 40,
            "sector": "agriculture",
            "worksite_country": "ES",
            "worksite_subdivision": "ES-AN",
            "worksite_municipality": "Moguer",
            "start": (2, 1),
            "end": (6, 15),
            "wage_amount": "1450.00",
            "wage_currency": "EUR",
            "wage_basis": "month",
            "weekly_hours": "39",
            "guaranteed_hours": 700,
            "overtime_rule": "Según el convenio colectivo del campo de Huelva.",
            "housing_provided": True,
            "housing_weekly_cost": "0",
            "languages": [["es", "native"]],
            "min_experience_years": 0,
            "description": "Campaña de fresa y frutos rojos; viaje de ida y vuelta pagado.",
        },
    ),
]
