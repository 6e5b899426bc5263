"""Reference data of Kazakhstan: regions (ISO 3166-2:KZ), the districts of each regional
centre, and the consular posts of the countries in ¶60 of the report.

District codes are stable: `<region code>-<three letters>`; the ministry adds more in the admin.
"""

# (region code, region name, [(district code, district name), ...])
REGIONS = [
    ("KZ-10", "Abai Region", [("KZ-10-SEM", "Semey city")]),
    ("KZ-11", "Akmola Region", [("KZ-11-KOK", "Kokshetau city")]),
    ("KZ-15", "Aktobe Region", [("KZ-15-AKT", "Aktobe city")]),
    ("KZ-19", "Almaty Region", [("KZ-19-KON", "Konaev city"), ("KZ-19-TAL", "Talgar district")]),
    ("KZ-23", "Atyrau Region", [("KZ-23-ATY", "Atyrau city")]),
    ("KZ-27", "West Kazakhstan Region", [("KZ-27-ORA", "Oral city")]),
    ("KZ-31", "Jambyl Region", [("KZ-31-TAR", "Taraz city")]),
    ("KZ-33", "Jetisu Region", [("KZ-33-TAL", "Taldykorgan city")]),
    ("KZ-35", "Karaganda Region", [("KZ-35-KAR", "Karaganda city"), ("KZ-35-TEM", "Temirtau city")]),
    ("KZ-39", "Kostanay Region", [("KZ-39-KOS", "Kostanay city")]),
    ("KZ-43", "Kyzylorda Region", [("KZ-43-KYZ", "Kyzylorda city")]),
    ("KZ-47", "Mangystau Region", [("KZ-47-AKT", "Aktau city")]),
    ("KZ-55", "Pavlodar Region", [("KZ-55-PAV", "Pavlodar city"), ("KZ-55-EKI", "Ekibastuz city")]),
    ("KZ-59", "North Kazakhstan Region", [("KZ-59-PET", "Petropavl city")]),
    ("KZ-61", "Turkistan Region", [("KZ-61-TUR", "Turkistan city")]),
    ("KZ-62", "Ulytau Region", [("KZ-62-ZHE", "Zhezkazgan city")]),
    ("KZ-63", "East Kazakhstan Region", [("KZ-63-OSK", "Oskemen city"), ("KZ-63-RID", "Ridder city")]),
    (
        "KZ-71",
        "Astana",
        [
            ("KZ-71-ALM", "Almaty district"),
            ("KZ-71-BAI", "Baikonur district"),
            ("KZ-71-ESI", "Yesil district"),
            ("KZ-71-SAR", "Saryarka district"),
            ("KZ-71-NUR", "Nura district"),
        ],
    ),
    (
        "KZ-75",
        "Almaty",
        [
            ("KZ-75-ALM", "Almaly district"),
            ("KZ-75-AUE", "Auezov district"),
            ("KZ-75-BOS", "Bostandyk district"),
            ("KZ-75-MED", "Medeu district"),
            ("KZ-75-ZHE", "Zhetysu district"),
            ("KZ-75-TUR", "Turksib district"),
            ("KZ-75-ALA", "Alatau district"),
            ("KZ-75-NAU", "Nauryzbay district"),
        ],
    ),
    (
        "KZ-79",
        "Shymkent",
        [
            ("KZ-79-ABA", "Abay district"),
            ("KZ-79-FAR", "Al-Farabi district"),
            ("KZ-79-ENB", "Enbekshi district"),
            ("KZ-79-KAR", "Karatau district"),
        ],
    ),
]

# ¶60: the countries whose Kazakh embassies registered adopted children (country, capital).
EMBASSIES = [
    ("US", "Washington"),
    ("GB", "London"),
    ("CA", "Ottawa"),
    ("BE", "Brussels"),
    ("IL", "Tel Aviv"),
    ("EG", "Cairo"),
    ("FR", "Paris"),
    ("DE", "Berlin"),
    ("ES", "Madrid"),
    ("RU", "Moscow"),
    ("CH", "Bern"),
    ("TR", "Ankara"),
]
CONSULATES = [("US", "New York"), ("DE", "Frankfurt am Main")]

DEMO_DISTRICT = "KZ-71-ESI"
DEMO_COUNTRY = "US"


# RULES v2 §7a: the HC93 status of Kazakhstan and of the receiving countries of ¶60, from the HCCH
# status table of the Convention of 29 May 1993 (docs/decisions.md says where each date comes from).
# Kazakhstan acceded with effect from 2010-11-01: the Convention is in force between it and every
# earlier party from that day. Egypt and Russia are not parties. (code, name, in force with KZ, Central Authority)
HC93_IN_FORCE_FOR_KZ = "2010-11-01"
HAGUE_COUNTRIES = [
    (
        "KZ",
        "Kazakhstan",
        HC93_IN_FORCE_FOR_KZ,
        "Ministry of Education (Committee for the Protection of Children's Rights)",
    ),
    ("US", "United States", HC93_IN_FORCE_FOR_KZ, "U.S. Department of State, Office of Children's Issues"),
    ("GB", "United Kingdom", HC93_IN_FORCE_FOR_KZ, "Department for Education (England); the devolved administrations"),
    ("CA", "Canada", HC93_IN_FORCE_FOR_KZ, "Provincial and territorial Central Authorities"),
    ("BE", "Belgium", HC93_IN_FORCE_FOR_KZ, "Federal Central Authority (FPS Justice) and the Communities' authorities"),
    ("IL", "Israel", HC93_IN_FORCE_FOR_KZ, "Ministry of Welfare and Social Affairs, Child Adoption Service"),
    ("EG", "Egypt", None, ""),
    ("FR", "France", HC93_IN_FORCE_FOR_KZ, "Mission de l'adoption internationale"),
    ("DE", "Germany", HC93_IN_FORCE_FOR_KZ, "Federal Office of Justice (Bundeszentralstelle für Auslandsadoption)"),
    ("ES", "Spain", HC93_IN_FORCE_FOR_KZ, "Ministry of Social Rights and the Autonomous Communities"),
    ("RU", "Russian Federation", None, ""),
    ("CH", "Switzerland", HC93_IN_FORCE_FOR_KZ, "Federal Office of Justice and the cantonal Central Authorities"),
    ("TR", "Türkiye", HC93_IN_FORCE_FOR_KZ, "Ministry of Family and Social Services"),
]
