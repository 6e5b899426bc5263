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

# The names above in Russian and Kazakh (pages in the reader's language; `core.models.Named`).
NAMES = {
    "KZ-10": ("Абайская область", "Абай облысы"),
    "KZ-10-SEM": ("город Семей", "Семей қаласы"),
    "KZ-11": ("Акмолинская область", "Ақмола облысы"),
    "KZ-11-KOK": ("город Кокшетау", "Көкшетау қаласы"),
    "KZ-15": ("Актюбинская область", "Ақтөбе облысы"),
    "KZ-15-AKT": ("город Актобе", "Ақтөбе қаласы"),
    "KZ-19": ("Алматинская область", "Алматы облысы"),
    "KZ-19-KON": ("город Конаев", "Қонаев қаласы"),
    "KZ-19-TAL": ("Талгарский район", "Талғар ауданы"),
    "KZ-23": ("Атырауская область", "Атырау облысы"),
    "KZ-23-ATY": ("город Атырау", "Атырау қаласы"),
    "KZ-27": ("Западно-Казахстанская область", "Батыс Қазақстан облысы"),
    "KZ-27-ORA": ("город Уральск", "Орал қаласы"),
    "KZ-31": ("Жамбылская область", "Жамбыл облысы"),
    "KZ-31-TAR": ("город Тараз", "Тараз қаласы"),
    "KZ-33": ("область Жетісу", "Жетісу облысы"),
    "KZ-33-TAL": ("город Талдыкорган", "Талдықорған қаласы"),
    "KZ-35": ("Карагандинская область", "Қарағанды облысы"),
    "KZ-35-KAR": ("город Караганда", "Қарағанды қаласы"),
    "KZ-35-TEM": ("город Темиртау", "Теміртау қаласы"),
    "KZ-39": ("Костанайская область", "Қостанай облысы"),
    "KZ-39-KOS": ("город Костанай", "Қостанай қаласы"),
    "KZ-43": ("Кызылординская область", "Қызылорда облысы"),
    "KZ-43-KYZ": ("город Кызылорда", "Қызылорда қаласы"),
    "KZ-47": ("Мангистауская область", "Маңғыстау облысы"),
    "KZ-47-AKT": ("город Актау", "Ақтау қаласы"),
    "KZ-55": ("Павлодарская область", "Павлодар облысы"),
    "KZ-55-PAV": ("город Павлодар", "Павлодар қаласы"),
    "KZ-55-EKI": ("город Экибастуз", "Екібастұз қаласы"),
    "KZ-59": ("Северо-Казахстанская область", "Солтүстік Қазақстан облысы"),
    "KZ-59-PET": ("город Петропавловск", "Петропавл қаласы"),
    "KZ-61": ("Туркестанская область", "Түркістан облысы"),
    "KZ-61-TUR": ("город Туркестан", "Түркістан қаласы"),
    "KZ-62": ("область Ұлытау", "Ұлытау облысы"),
    "KZ-62-ZHE": ("город Жезказган", "Жезқазған қаласы"),
    "KZ-63": ("Восточно-Казахстанская область", "Шығыс Қазақстан облысы"),
    "KZ-63-OSK": ("город Усть-Каменогорск", "Өскемен қаласы"),
    "KZ-63-RID": ("город Риддер", "Риддер қаласы"),
    "KZ-71": ("Астана", "Астана"),
    "KZ-71-ALM": ("район Алматы", "Алматы ауданы"),
    "KZ-71-BAI": ("район Байконур", "Байқоңыр ауданы"),
    "KZ-71-ESI": ("район Есиль", "Есіл ауданы"),
    "KZ-71-SAR": ("район Сарыарка", "Сарыарқа ауданы"),
    "KZ-71-NUR": ("район Нура", "Нұра ауданы"),
    "KZ-75": ("Алматы", "Алматы"),
    "KZ-75-ALM": ("Алмалинский район", "Алмалы ауданы"),
    "KZ-75-AUE": ("Ауэзовский район", "Әуезов ауданы"),
    "KZ-75-BOS": ("Бостандыкский район", "Бостандық ауданы"),
    "KZ-75-MED": ("Медеуский район", "Медеу ауданы"),
    "KZ-75-ZHE": ("Жетысуский район", "Жетісу ауданы"),
    "KZ-75-TUR": ("Турксибский район", "Түрксіб ауданы"),
    "KZ-75-ALA": ("Алатауский район", "Алатау ауданы"),
    "KZ-75-NAU": ("Наурызбайский район", "Наурызбай ауданы"),
    "KZ-79": ("Шымкент", "Шымкент"),
    "KZ-79-ABA": ("Абайский район", "Абай ауданы"),
    "KZ-79-FAR": ("Аль-Фарабийский район", "Әл-Фараби ауданы"),
    "KZ-79-ENB": ("Енбекшинский район", "Еңбекші ауданы"),
    "KZ-79-KAR": ("Каратауский район", "Қаратау ауданы"),
}
# The cities of the consular posts above.
CITY_NAMES = {
    "Washington": ("Вашингтон", "Вашингтон"),
    "London": ("Лондон", "Лондон"),
    "Ottawa": ("Оттава", "Оттава"),
    "Brussels": ("Брюссель", "Брюссель"),
    "Tel Aviv": ("Тель-Авив", "Тель-Авив"),
    "Cairo": ("Каир", "Каир"),
    "Paris": ("Париж", "Париж"),
    "Berlin": ("Берлин", "Берлин"),
    "Madrid": ("Мадрид", "Мадрид"),
    "Moscow": ("Москва", "Мәскеу"),
    "Bern": ("Берн", "Берн"),
    "Ankara": ("Анкара", "Анкара"),
    "New York": ("Нью-Йорк", "Нью-Йорк"),
    "Frankfurt am Main": ("Франкфурт-на-Майне", "Майндағы Франкфурт"),
}
# The juvenile court of each district, named after it (`load_reference_data`).
COURT_NAME = (
    "Specialised inter-district court for juvenile cases, {}",
    "Специализированный межрайонный суд по делам несовершеннолетних, {}",
    "Кәмелетке толмағандардың істері жөніндегі мамандандырылған ауданаралық сот, {}",
)


def names(ru: str, kk: str) -> dict[str, str]:
    """The `names` of a reference row (core.models.Named)."""
    return {"ru": ru, "kk": kk}
