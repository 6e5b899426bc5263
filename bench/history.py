"""A synthetic national history of adoptions, as an `import_adoptions` CSV, with the facts
needed to count every report figure independently of the service."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from core.dates import age_on
from reports.imports import COLUMNS

FOREIGN = ["US", "GB", "CA", "BE", "IL", "EG", "FR", "DE", "ES", "RU", "CH", "TR"]


@dataclass
class Row:
    case_ref: str
    sex: str
    birth: date
    district: str
    region: str
    relative: bool
    applicants: list[tuple[str, str, str, str]]  # (sex, citizenship, residence, marital status)
    decided_on: date
    in_force_on: date
    departed_on: date | None
    residence_country: str
    consular_country: str
    consular_registered_on: date | None

    @property
    def by_foreigner(self) -> bool:
        return any(a[1] != "KZ" for a in self.applicants)

    @property
    def receiving_country(self) -> str:
        return next((a[2] for a in self.applicants if a[2] != "KZ"), "")

    @property
    def age(self) -> int:
        return age_on(self.birth, self.in_force_on)


def generate(
    n_children: int, districts: list[tuple[str, str]], *, seed: int = 7, start: date = date(2019, 1, 1), years: int = 5
) -> list[Row]:
    rng = random.Random(seed)
    rows: list[Row] = []
    case_no = 0
    while len(rows) < n_children:
        case_no += 1
        n = rng.choices([1, 2, 3], weights=[85, 12, 3])[0]
        district, region = rng.choice(districts)
        decided = start + timedelta(days=rng.randrange(365 * years))
        in_force = decided + timedelta(days=15)
        kind = rng.choices(
            ["resident", "nonresident", "foreign", "mixed", "relative_abroad"], weights=[55, 5, 30, 3, 7]
        )[0]
        country = rng.choice(FOREIGN)
        single = rng.random() < 0.15
        if kind == "resident":
            people = [("KZ", "KZ")]
        elif kind == "nonresident":
            people = [("KZ", country)]
        elif kind == "mixed":
            people = [("KZ", "KZ"), (country, "KZ")]
        else:
            people = [(country, country)]
        applicants = []
        if single:
            citizenship, residence = people[0]
            applicants.append(("F", citizenship, residence, rng.choice(["single", "divorced", "widowed", "married"])))
        else:
            both = people if len(people) == 2 else people * 2
            applicants = [("M", both[0][0], both[0][1], "married"), ("F", both[1][0], both[1][1], "married")]
        relative = kind == "relative_abroad" or (kind == "resident" and rng.random() < 0.1)
        abroad = any(a[2] != "KZ" for a in applicants)
        for _ in range(n):
            birth = decided - timedelta(days=rng.randrange(0, 17 * 365))
            departed = registered = None
            consular_country = residence_country = ""
            if abroad:
                receiving = next(a[2] for a in applicants if a[2] != "KZ")
                residence_country = receiving
                if rng.random() < 0.9:
                    departed = in_force + timedelta(days=rng.randrange(10, 60))
                if rng.random() < 0.85:
                    registered = in_force + timedelta(days=rng.randrange(5, 400))
                    consular_country = receiving
                    if registered > date(2024, 6, 1):
                        registered = date(2024, 6, 1)
            rows.append(
                Row(
                    f"SYN-{case_no:05d}",
                    rng.choice("MF"),
                    birth,
                    district,
                    region,
                    relative,
                    applicants,
                    decided,
                    in_force,
                    departed,
                    residence_country,
                    consular_country,
                    registered,
                )
            )
    return rows


def write_csv(rows: list[Row], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        first_of_case: dict[str, int] = {}
        for i, r in enumerate(rows):
            first_of_case.setdefault(r.case_ref, i)  # a registration number: the case's, then the child's place in it
            a1 = r.applicants[0]
            a2 = r.applicants[1] if len(r.applicants) > 1 else ("", "", "", "")
            writer.writerow(
                [
                    r.case_ref,
                    "",
                    f"Child{i}",
                    "Synth",
                    r.sex,
                    r.birth.isoformat(),
                    r.district,
                    "yes" if r.relative else "no",
                    *a1,
                    *a2,
                    r.decided_on.isoformat(),
                    r.in_force_on.isoformat(),
                    r.departed_on.isoformat() if r.departed_on else "",
                    r.residence_country,
                    r.consular_country,
                    r.consular_registered_on.isoformat() if r.consular_registered_on else "",
                    f"{r.consular_country}-{r.case_ref}-{i - first_of_case[r.case_ref]}"
                    if r.consular_registered_on
                    else "",
                ]
            )
    return path
