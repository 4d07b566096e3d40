"""The scheme rules files: the shipped schemes' waivers to the paisa, rejected files, the rules tables.

Every expected waiver and settlement below is worked out by hand in the comment beside it. Rounding is
half away from zero. Where half to even would differ, the comment gives both results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from samadhan.cli import main
from samadhan.rules import Band, RulesError, Scheme, load_scheme, parse_scheme, write_rules_tables
from samadhan.settings import PROJECT_ROOT

SCHEMES_DIR = PROJECT_ROOT / "include" / "samadhan" / "schemes"


def shipped(name: str) -> Scheme:
    return load_scheme(SCHEMES_DIR / f"{name}.yaml")


@dataclass(frozen=True)
class Consumer:
    """A consumer of a shipped scheme and the numbers worked out by hand for it."""

    case: str
    category: str
    load: str
    unit: str
    principal: str
    lpsc: str
    option: str
    registered_on: date
    sub_category: str
    percent: str
    waiver: str
    settlement: str


def assert_settles(scheme: Scheme, consumer: Consumer) -> None:
    load_kw = scheme.load_kw(consumer.load, consumer.unit)
    phase = scheme.phase_on(consumer.registered_on)
    dues = scheme.dues_band_amount(consumer.principal, consumer.lpsc)
    percent = scheme.waiver_percent(consumer.category, load_kw, dues, consumer.option, phase)
    waiver = scheme.waiver(consumer.lpsc, percent)

    assert scheme.is_eligible(
        consumer.category, consumer.load, consumer.unit, "ACTIVE", False, consumer.principal, consumer.lpsc
    )
    assert scheme.sub_category(consumer.category, consumer.load, consumer.unit) == consumer.sub_category
    assert percent == Decimal(consumer.percent)
    assert waiver == Decimal(consumer.waiver)
    assert str(waiver) == consumer.waiver  # two decimal places, as printed on the notice
    assert scheme.settlement(consumer.principal, consumer.lpsc, waiver) == Decimal(consumer.settlement)


# The default scheme: one phase, no dues bands, payment option does not change the percent.
OTS2021_CONSUMERS = [
    # 3333.33 x 100% = 3333.33; 10000.00 + 3333.33 - 3333.33 = 10000.00
    Consumer("LMV-1 exactly 2 kW", "LMV-1", "2", "KW", "10000.00", "3333.33", "LUMPSUM", date(2021, 10, 21),
             "LMV1_UPTO_2KW", "100", "3333.33", "10000.00"),
    # 2.001 kW is above 2 kW: 50%. 3333.33 x 50% = 1666.665 -> 1666.67 (half to even would give 1666.66);
    # 10000.00 + 3333.33 - 1666.67 = 11666.66
    Consumer("LMV-1 2.001 kW", "LMV-1", "2.001", "KW", "10000.00", "3333.33", "LUMPSUM", date(2021, 11, 30),
             "LMV1_ABOVE_2KW", "50", "1666.67", "11666.66"),
    # 3 BHP x 0.746 = 2.238 kW, above 2 kW: 50%. 1234.25 x 50% = 617.125 -> 617.13;
    # 5000.00 + 1234.25 - 617.13 = 5617.12
    Consumer("LMV-1 3 BHP instalments", "LMV-1", "3", "BHP", "5000.00", "1234.25", "INSTALMENT",
             date(2021, 12, 15), "LMV1_ABOVE_2KW", "50", "617.13", "5617.12"),
    # 2.2222 kVA x 0.9 = 1.99998 kW, up to 2 kW: 100%. 999.99 waived; 4500.50 + 999.99 - 999.99 = 4500.50
    Consumer("LMV-1 2.2222 kVA", "LMV-1", "2.2222", "KVA", "4500.50", "999.99", "LUMPSUM", date(2021, 11, 1),
             "LMV1_UPTO_2KW", "100", "999.99", "4500.50"),
    # 5 kW: 50%. 0.01 x 50% = 0.005 -> 0.01; 2500.00 + 0.01 - 0.01 = 2500.00
    Consumer("LMV-1 exactly 5 kW", "LMV-1", "5", "KW", "2500.00", "0.01", "LUMPSUM", date(2021, 11, 1),
             "LMV1_ABOVE_2KW", "50", "0.01", "2500.00"),
    # 5.001 kW: the assumed 50%. 4000.02 x 50% = 2000.01; 12000.00 + 4000.02 - 2000.01 = 14000.01
    Consumer("LMV-1 5.001 kW", "LMV-1", "5.001", "KW", "12000.00", "4000.02", "LUMPSUM", date(2021, 11, 1),
             "LMV1_ABOVE_2KW", "50", "2000.01", "14000.01"),
    # 2 kW: 100%. 200.00 waived; 800.00 + 200.00 - 200.00 = 800.00
    Consumer("LMV-2 exactly 2 kW", "LMV-2", "2", "KW", "800.00", "200.00", "LUMPSUM", date(2021, 11, 1),
             "LMV2_UPTO_2KW", "100", "200.00", "800.00"),
    # 5 kW is inside "up to 5 kW": 50%. 101.01 x 50% = 50.505 -> 50.51; 20000.00 + 101.01 - 50.51 = 20050.50
    Consumer("LMV-2 exactly 5 kW", "LMV-2", "5", "KW", "20000.00", "101.01", "LUMPSUM", date(2021, 11, 1),
             "LMV2_2_TO_5KW", "50", "50.51", "20050.50"),
    # 10 BHP = 7.46 kW, tube well: 100% on the last day of the latest extension.
    # 15000.00 waived; 30000.00 + 15000.00 - 15000.00 = 30000.00
    Consumer("LMV-5 10 BHP last day", "LMV-5", "10", "BHP", "30000.00", "15000.00", "LUMPSUM",
             date(2022, 1, 31), "LMV5", "100", "15000.00", "30000.00"),
]


@pytest.mark.parametrize("consumer", OTS2021_CONSUMERS, ids=lambda consumer: consumer.case)
def test_ots2021_settlement(consumer: Consumer) -> None:
    assert_settles(shipped("ots2021"), consumer)


@pytest.mark.parametrize(
    ("category", "load", "unit", "status", "court_case", "principal", "lpsc", "eligible"),
    [
        ("LMV-2", "5.001", "KW", "ACTIVE", False, "100.00", "10.00", False),
        ("LMV-2", "6.7", "BHP", "ACTIVE", False, "100.00", "10.00", True),  # 6.7 x 0.746 = 4.9982 kW
        ("LMV-2", "5.6", "KVA", "ACTIVE", False, "100.00", "10.00", False),  # 5.6 x 0.9 = 5.04 kW
        ("LMV-4B", "1", "KW", "ACTIVE", False, "100.00", "10.00", False),
        ("LMV-5", "25", "BHP", "PD", True, "100.00", "10.00", True),
        ("LMV-1", "1", "KW", "TD", False, "100.00", "10.00", True),
        ("LMV-1", "1", "KW", "ACTIVE", False, "0.00", "0.00", False),  # owes nothing
        ("LMV-1", "1", "KW", "ACTIVE", False, "0.00", "50.00", True),
    ],
)
def test_ots2021_eligibility(
    category: str, load: str, unit: str, status: str, court_case: bool, principal: str, lpsc: str, eligible: bool
) -> None:
    assert shipped("ots2021").is_eligible(category, load, unit, status, court_case, principal, lpsc) is eligible


def test_ots2021_window_and_terms() -> None:
    scheme = shipped("ots2021")

    assert scheme.code == "OTS2021"
    assert scheme.start == date(2021, 10, 21)
    assert scheme.original_end == date(2021, 11, 30)
    assert scheme.end == date(2022, 1, 31)  # the latest extension is in force
    assert scheme.dues_cutoff == date(2021, 9, 30)
    assert scheme.target_deadline == date(2021, 10, 22)
    assert scheme.notice_deadline == date(2021, 10, 23)
    assert scheme.revision_limit_days == 7
    assert scheme.revision_delivery_limit_days == 2
    assert scheme.phase_on(date(2021, 10, 20)) is None
    assert scheme.phase_on(date(2021, 10, 21)) == "P1"
    assert scheme.phase_on(date(2022, 1, 31)) == "P1"
    assert scheme.phase_on(date(2022, 2, 1)) is None
    assert scheme.max_instalments("LMV-1", "INSTALMENT") == 6
    assert scheme.max_instalments("LMV-2", "INSTALMENT") is None
    assert scheme.max_instalments("LMV-5", "LUMPSUM") == 1
    assert scheme.registration_deposit("10000.00") == Decimal("0.00")
    assert [item.code for item in scheme.sub_categories] == [
        "LMV1_UPTO_2KW", "LMV1_ABOVE_2KW", "LMV2_UPTO_2KW", "LMV2_2_TO_5KW", "LMV5",
    ]
    assert scheme.sub_categories[1].label_hi == "घरेलू, 2 कि0वा0 से अधिक"
    assert scheme.sub_categories[3].label_hi == "वाणिज्यिक, 2 से 5 कि0वा0"
    assert any(item.key_path == "waiver[2]" for item in scheme.assumptions)


def test_default_scheme_is_ots2021(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMADHAN_SCHEME_FILE", raising=False)

    assert load_scheme().code == "OTS2021"


# Three phases; the phase of registration decides; 12 instalments for LMV-1 and LMV-5 only.
OTS2023_CONSUMERS = [
    # 1 kW is "up to 1 kW": 100% in phases 1 and 2, 80% in phase 3.
    # 1500.50 waived; 6000.00 + 1500.50 - 1500.50 = 6000.00
    Consumer("1 kW P1 first day", "LMV-1", "1", "KW", "6000.00", "1500.50", "LUMPSUM", date(2023, 11, 8),
             "LMV1_UPTO_1KW", "100", "1500.50", "6000.00"),
    Consumer("1 kW P1 last day", "LMV-1", "1", "KW", "6000.00", "1500.50", "LUMPSUM", date(2023, 11, 30),
             "LMV1_UPTO_1KW", "100", "1500.50", "6000.00"),
    Consumer("1 kW P2 first day", "LMV-1", "1", "KW", "6000.00", "1500.50", "LUMPSUM", date(2023, 12, 1),
             "LMV1_UPTO_1KW", "100", "1500.50", "6000.00"),
    Consumer("1 kW P2 last day", "LMV-1", "1", "KW", "6000.00", "1500.50", "LUMPSUM", date(2023, 12, 15),
             "LMV1_UPTO_1KW", "100", "1500.50", "6000.00"),
    # 1500.50 x 80% = 1200.40; 6000.00 + 1500.50 - 1200.40 = 6300.10
    Consumer("1 kW P3 first day", "LMV-1", "1", "KW", "6000.00", "1500.50", "LUMPSUM", date(2023, 12, 16),
             "LMV1_UPTO_1KW", "80", "1200.40", "6300.10"),
    Consumer("1 kW P3 last day", "LMV-1", "1", "KW", "6000.00", "1500.50", "LUMPSUM", date(2023, 12, 31),
             "LMV1_UPTO_1KW", "80", "1200.40", "6300.10"),
    # Instalments: 90% in P1. 333.35 x 90% = 300.015 -> 300.02; 1000.00 + 333.35 - 300.02 = 1033.33
    Consumer("1 kW instalments P1", "LMV-1", "1", "KW", "1000.00", "333.35", "INSTALMENT", date(2023, 11, 8),
             "LMV1_UPTO_1KW", "90", "300.02", "1033.33"),
    # Instalments: 70% in P3. 333.35 x 70% = 233.345 -> 233.35; 1000.00 + 333.35 - 233.35 = 1100.00
    Consumer("1 kW instalments P3", "LMV-1", "1", "KW", "1000.00", "333.35", "INSTALMENT", date(2023, 12, 31),
             "LMV1_UPTO_1KW", "70", "233.35", "1100.00"),
    # Above 1 kW, lump sum: 90% in P1. 2345.67 x 90% = 2111.103 -> 2111.10; 8000.00 + 2345.67 - 2111.10 = 8234.57
    Consumer("1.001 kW P1", "LMV-1", "1.001", "KW", "8000.00", "2345.67", "LUMPSUM", date(2023, 11, 8),
             "LMV1_ABOVE_1KW", "90", "2111.10", "8234.57"),
    # 70% in P3. 2345.67 x 70% = 1641.969 -> 1641.97; 8000.00 + 2345.67 - 1641.97 = 8703.70
    Consumer("1.001 kW P3", "LMV-1", "1.001", "KW", "8000.00", "2345.67", "LUMPSUM", date(2023, 12, 16),
             "LMV1_ABOVE_1KW", "70", "1641.97", "8703.70"),
    # Above 1 kW, instalments: 70% in P2. 100.00 x 70% = 70.00; 900.00 + 100.00 - 70.00 = 930.00
    Consumer("2 kW instalments P2", "LMV-1", "2", "KW", "900.00", "100.00", "INSTALMENT", date(2023, 12, 10),
             "LMV1_ABOVE_1KW", "70", "70.00", "930.00"),
    # 1.1111 kVA x 0.9 = 0.99999 kW, up to 1 kW: 100% in P2. 70.07 waived; 700.00 + 70.07 - 70.07 = 700.00
    Consumer("LMV-2 1.1111 kVA P2", "LMV-2", "1.1111", "KVA", "700.00", "70.07", "LUMPSUM", date(2023, 12, 10),
             "LMV2_UPTO_1KW", "100", "70.07", "700.00"),
    # 1.2 kVA x 0.9 = 1.08 kW: 80% in P2. 70.07 x 80% = 56.056 -> 56.06; 700.00 + 70.07 - 56.06 = 714.01
    Consumer("LMV-2 1.2 kVA P2", "LMV-2", "1.2", "KVA", "700.00", "70.07", "LUMPSUM", date(2023, 12, 10),
             "LMV2_ABOVE_1KW", "80", "56.06", "714.01"),
    # 5 BHP = 3.73 kW; tube wells get the up-to-1-kW rates: 80% in P3.
    # 12345.67 x 80% = 9876.536 -> 9876.54; 40000.00 + 12345.67 - 9876.54 = 42469.13
    Consumer("LMV-5 5 BHP P3", "LMV-5", "5", "BHP", "40000.00", "12345.67", "LUMPSUM", date(2023, 12, 20),
             "LMV5", "80", "9876.54", "42469.13"),
    # 90% in P1 by instalments. 12345.67 x 90% = 11111.103 -> 11111.10; 40000.00 + 12345.67 - 11111.10 = 41234.57
    Consumer("LMV-5 instalments P1", "LMV-5", "5", "BHP", "40000.00", "12345.67", "INSTALMENT",
             date(2023, 11, 8), "LMV5", "90", "11111.10", "41234.57"),
    # 90% in P1 above 1 kW. 1000.00 x 90% = 900.00; 5000.00 + 1000.00 - 900.00 = 5100.00
    Consumer("LMV-4B 5 kW P1", "LMV-4B", "5", "KW", "5000.00", "1000.00", "LUMPSUM", date(2023, 11, 20),
             "LMV4B", "90", "900.00", "5100.00"),
    # 80% in P2 above 1 kW. 1000.00 x 80% = 800.00; 5000.00 + 1000.00 - 800.00 = 5200.00
    Consumer("LMV-6 5.001 kW P2", "LMV-6", "5.001", "KW", "5000.00", "1000.00", "LUMPSUM", date(2023, 12, 2),
             "LMV6", "80", "800.00", "5200.00"),
]


@pytest.mark.parametrize("consumer", OTS2023_CONSUMERS, ids=lambda consumer: consumer.case)
def test_ots2023_settlement(consumer: Consumer) -> None:
    assert_settles(shipped("ots2023"), consumer)


def test_ots2023_phases_and_terms() -> None:
    scheme = shipped("ots2023")

    assert [(phase.code, phase.start, phase.end) for phase in scheme.phases] == [
        ("P1", date(2023, 11, 8), date(2023, 11, 30)),
        ("P2", date(2023, 12, 1), date(2023, 12, 15)),
        ("P3", date(2023, 12, 16), date(2023, 12, 31)),
    ]
    assert scheme.phase_on(date(2023, 11, 7)) is None
    assert scheme.phase_on(date(2024, 1, 1)) is None
    cutoffs = {entry.category: entry.dues_cutoff for entry in scheme.eligibility}
    assert cutoffs["LMV-5"] == date(2023, 3, 31)
    assert cutoffs["LMV-1"] == date(2023, 10, 31)
    assert scheme.max_instalments("LMV-1", "INSTALMENT") == 12
    assert scheme.max_instalments("LMV-6", "INSTALMENT") is None
    assert scheme.is_eligible("LMV-9", "1", "KW", "ACTIVE", False, "100", "10") is False


def test_ots2023_no_rule_for_option_not_offered() -> None:
    scheme = shipped("ots2023")

    with pytest.raises(ValueError, match="no waiver rule for LMV-6"):
        scheme.waiver_percent("LMV-6", Decimal("3"), Decimal("1000"), "INSTALMENT", "P1")


# Three phases, a 1 kW load band, a Rs 5,000 band on the principal, lump sum or instalments.
OTS2024_CONSUMERS = [
    # Principal exactly 5000.00 is "up to Rs 5,000": 100% in P1. 777.77 waived; 5000.00 + 777.77 - 777.77 = 5000.00
    Consumer("1 kW dues 5000 P1 first day", "LMV-1", "1", "KW", "5000.00", "777.77", "LUMPSUM",
             date(2024, 12, 15), "LMV1_UPTO_1KW", "100", "777.77", "5000.00"),
    # 5000.01 is above Rs 5,000: 90%. 777.77 x 90% = 699.993 -> 699.99; 5000.01 + 777.77 - 699.99 = 5077.79
    Consumer("1 kW dues 5000.01 P1", "LMV-1", "1", "KW", "5000.01", "777.77", "LUMPSUM", date(2024, 12, 15),
             "LMV1_UPTO_1KW", "90", "699.99", "5077.79"),
    # Instalments: 75%. 777.77 x 75% = 583.3275 -> 583.33; 5000.00 + 777.77 - 583.33 = 5194.44
    Consumer("1 kW instalments P1 last day", "LMV-1", "1", "KW", "5000.00", "777.77", "INSTALMENT",
             date(2024, 12, 31), "LMV1_UPTO_1KW", "75", "583.33", "5194.44"),
    # P2: 90%. 777.77 x 90% = 699.993 -> 699.99; 5000.00 + 777.77 - 699.99 = 5077.78
    Consumer("1 kW P2 first day", "LMV-1", "1", "KW", "5000.00", "777.77", "LUMPSUM", date(2025, 1, 1),
             "LMV1_UPTO_1KW", "90", "699.99", "5077.78"),
    Consumer("1 kW P2 last day", "LMV-1", "1", "KW", "5000.00", "777.77", "LUMPSUM", date(2025, 1, 15),
             "LMV1_UPTO_1KW", "90", "699.99", "5077.78"),
    # P3: 80%. 777.77 x 80% = 622.216 -> 622.22; 5000.00 + 777.77 - 622.22 = 5155.55
    Consumer("1 kW P3 first day", "LMV-1", "1", "KW", "5000.00", "777.77", "LUMPSUM", date(2025, 1, 16),
             "LMV1_UPTO_1KW", "80", "622.22", "5155.55"),
    Consumer("1 kW P3 last day", "LMV-1", "1", "KW", "5000.00", "777.77", "LUMPSUM", date(2025, 1, 31),
             "LMV1_UPTO_1KW", "80", "622.22", "5155.55"),
    # Above 1 kW and above Rs 5,000, P1 lump sum: 80%. 777.77 x 80% = 622.216 -> 622.22;
    # 5000.01 + 777.77 - 622.22 = 5155.56
    Consumer("1.001 kW dues 5000.01 P1", "LMV-1", "1.001", "KW", "5000.01", "777.77", "LUMPSUM",
             date(2024, 12, 15), "LMV1_ABOVE_1KW", "80", "622.22", "5155.56"),
    # Same band, P3 instalments: 40%. 777.77 x 40% = 311.108 -> 311.11; 5000.01 + 777.77 - 311.11 = 5466.67
    Consumer("1.001 kW dues 5000.01 instalments P3", "LMV-1", "1.001", "KW", "5000.01", "777.77", "INSTALMENT",
             date(2025, 1, 31), "LMV1_ABOVE_1KW", "40", "311.11", "5466.67"),
    # Above 1 kW, principal 5000.00, P2 lump sum: 80%. 622.22 waived; 5000.00 + 777.77 - 622.22 = 5155.55
    Consumer("2 kW dues 5000 P2", "LMV-1", "2", "KW", "5000.00", "777.77", "LUMPSUM", date(2025, 1, 10),
             "LMV1_ABOVE_1KW", "80", "622.22", "5155.55"),
    # 1.2 kVA = 1.08 kW, principal 4999.99, P2 instalments: 60%. 250.25 x 60% = 150.15;
    # 4999.99 + 250.25 - 150.15 = 5100.09
    Consumer("LMV-2 1.2 kVA instalments P2", "LMV-2", "1.2", "KVA", "4999.99", "250.25", "INSTALMENT",
             date(2025, 1, 2), "LMV2_ABOVE_1KW", "60", "150.15", "5100.09"),
    # 3 BHP = 2.238 kW, principal above Rs 5,000, P1 lump sum: 80%. 33333.33 x 80% = 26666.664 -> 26666.66;
    # 100000.00 + 33333.33 - 26666.66 = 106666.67
    Consumer("LMV-6 3 BHP P1", "LMV-6", "3", "BHP", "100000.00", "33333.33", "LUMPSUM", date(2024, 12, 20),
             "LMV6", "80", "26666.66", "106666.67"),
]


@pytest.mark.parametrize("consumer", OTS2024_CONSUMERS, ids=lambda consumer: consumer.case)
def test_ots2024_settlement(consumer: Consumer) -> None:
    assert_settles(shipped("ots2024"), consumer)


def test_ots2024_deposit_and_instalments() -> None:
    scheme = shipped("ots2024")

    assert scheme.deposit.kind == "PERCENT_OF_PRINCIPAL"
    assert scheme.deposit.principal_as_on == date(2024, 9, 30)
    # 12345.67 x 30% = 3703.701 -> 3703.70
    assert scheme.registration_deposit("12345.67") == Decimal("3703.70")
    # 3333.35 x 30% = 1000.005 -> 1000.01 (half to even would give 1000.00)
    assert scheme.registration_deposit("3333.35") == Decimal("1000.01")
    assert scheme.max_instalments("LMV-1", "INSTALMENT") == 10
    assert scheme.max_instalments("LMV-2", "INSTALMENT") == 4
    assert scheme.is_eligible("LMV-6", "3", "BHP", "PD", True, "100.00", "10.00") is True
    assert scheme.is_eligible("LMV-5", "3", "BHP", "ACTIVE", False, "100.00", "10.00") is False


def test_dues_band_on_total_dues() -> None:
    text = (SCHEMES_DIR / "ots2024.yaml").read_text(encoding="utf-8")
    scheme = parse_scheme(text.replace("  dues_band: PRINCIPAL\n", "  dues_band: TOTAL\n"), "ots2024.yaml")
    principal, lpsc = "4000.00", "1000.01"

    dues = scheme.dues_band_amount(principal, lpsc)
    percent = scheme.waiver_percent("LMV-1", Decimal(1), dues, "LUMPSUM", "P1")

    # 4000.00 + 1000.01 = 5000.01 is above Rs 5,000: 90%, where the principal alone would get 100%.
    assert dues == Decimal("5000.01")
    assert percent == Decimal(90)
    # 1000.01 x 90% = 900.009 -> 900.01; 4000.00 + 1000.01 - 900.01 = 4100.00
    assert scheme.waiver(lpsc, percent) == Decimal("900.01")
    assert scheme.settlement(principal, lpsc, Decimal("900.01")) == Decimal("4100.00")


def test_load_kw_conversion() -> None:
    assert Scheme.load_kw("3", "BHP") == Decimal("2.238")
    assert Scheme.load_kw("2.2222", "KVA") == Decimal("1.99998")
    assert Scheme.load_kw("2.000", "KW") == Decimal("2.000")


def test_load_kw_rejects_float_and_unit() -> None:
    with pytest.raises(TypeError, match="float"):
        Scheme.load_kw(2.5, "KW")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown load unit 'HP'"):
        Scheme.load_kw("2", "HP")


def test_waiver_rounds_half_away_from_zero() -> None:
    assert Scheme.waiver("0.25", "50") == Decimal("0.13")  # 0.125; half to even gives 0.12
    assert Scheme.waiver("-0.25", "50") == Decimal("-0.13")
    assert Scheme.waiver("1234.56", "0") == Decimal("0.00")


def test_band_edges() -> None:
    up_to_2 = Band(None, Decimal(2))
    above_2 = Band(Decimal(2), None)

    assert up_to_2.contains(Decimal("2.000"))
    assert not up_to_2.contains(Decimal("2.001"))
    assert not above_2.contains(Decimal(2))
    assert above_2.contains(Decimal("2.001"))
    assert not up_to_2.overlaps(above_2)
    assert str(up_to_2) == "(-inf, 2]"
    assert str(above_2) == "(2, inf)"


# A small valid scheme that the rejected files below each change in one place.
BASE = """\
scheme:
  code: TEST2023
  name_hi: "परीक्षण योजना"
  name_en: "Test scheme"
window:
  start: 2023-11-01
  end: 2023-12-15
dues_cutoff:
  default: 2023-10-31
deadlines:
  targets: 2023-11-02
  notices: 2023-11-03
bill_revision:
  decision_limit_days: 7
  delivery_limit_days: 2
phases:
  - code: P1
    start: 2023-11-01
    end: 2023-11-30
  - code: P2
    start: 2023-12-01
    end: 2023-12-15
eligibility:
  - category: LMV-1
    court_case_allowed: true
  - category: LMV-2
    load_band: {up_to_kw: 5}
    connection_statuses: [ACTIVE, TD]
    court_case_allowed: false
sub_categories:
  - code: LMV1_ALL_LOADS
    category: LMV-1
    label_hi: "घरेलू"
    label_en: "Domestic"
  - code: LMV2_UPTO_5KW
    category: LMV-2
    load_band: {up_to_kw: 5}
    label_hi: "वाणिज्यिक"
    label_en: "Commercial"
payment_options:
  - option: LUMPSUM
    categories: [LMV-1, LMV-2]
  - option: INSTALMENT
    categories: [LMV-1]
    max_instalments: 6
registration_deposit:
  kind: NONE
waiver:
  - categories: [LMV-1]
    load_band: {up_to_kw: 2}
    percent_by_phase: {P1: 100, P2: 80}
  - categories: [LMV-1]
    load_band: {above_kw: 2}
    percent: 50
  - categories: [LMV-2]
    dues_band: {up_to_rs: 5000}
    payment_option: LUMPSUM
    percent: 60
  - categories: [LMV-2]
    dues_band: {above_rs: 5000}
    payment_option: LUMPSUM
    percent: 40
monitoring:
  laggard_threshold_pct: 50
"""


def changed(old: str, new: str) -> str:
    assert BASE.count(old) == 1, f"{old!r} must occur once in BASE"
    return BASE.replace(old, new)


def problems_of(text: str) -> list[str]:
    with pytest.raises(RulesError) as raised:
        parse_scheme(text, "test.yaml")
    assert str(raised.value) == "\n".join(raised.value.problems)
    return list(raised.value.problems)


def test_base_file_is_valid() -> None:
    scheme = parse_scheme(BASE, "test.yaml")

    assert scheme.code == "TEST2023"
    assert scheme.waiver_percent("LMV-2", Decimal(5), Decimal("5000.00"), "LUMPSUM", "P2") == Decimal(60)
    assert scheme.is_eligible("LMV-2", "1", "KW", "PD", False, "10", "1") is False
    assert scheme.is_eligible("LMV-2", "1", "KW", "TD", True, "10", "1") is False


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "  kind: NONE\n", "  kind: NONE\n  fee: 0\n",
            "test.yaml: registration_deposit.fee: unknown key (allowed here: kind, value, principal_as_on, "
            "plus_current_bill, assumption)",
            id="unknown key",
        ),
        pytest.param(
            "    load_band: {above_kw: 2}\n", "    load_band: {above_kw: 1}\n",
            "test.yaml: waiver[1].load_band: bands (-inf, 2] (waiver[0]) and (1, inf) overlap for LMV-1 "
            "in phase P1, any payment option",
            id="overlapping load bands",
        ),
        pytest.param(
            "    dues_band: {above_rs: 5000}\n", "    dues_band: {above_rs: 4000}\n",
            "test.yaml: waiver[3].dues_band: bands (-inf, 5000] (waiver[2]) and (4000, inf) overlap for LMV-2 "
            "in every phase, LUMPSUM",
            id="overlapping dues bands",
        ),
        pytest.param(
            "    end: 2023-12-15\n", "    end: 2023-12-20\n",
            "test.yaml: phases[1].end: 2023-12-20 is outside the window 2023-11-01 to 2023-12-15",
            id="phase outside the window",
        ),
        pytest.param(
            "    start: 2023-12-01\n", "    start: 2023-11-30\n",
            "test.yaml: phases[1]: phase P2 (2023-11-30 to 2023-12-15) overlaps phase P1 (2023-11-01 to 2023-11-30)",
            id="phases overlap",
        ),
        pytest.param(
            "    start: 2023-12-01\n", "    start: 2023-12-03\n",
            "test.yaml: phases[1].start: no phase covers 2023-12-01 to 2023-12-02: phase P2 must start the day "
            "after phase P1 ends",
            id="gap between phases",
        ),
        pytest.param(
            "    percent: 50\n", "    percent: 100.5\n",
            "test.yaml: waiver[1].percent: percent 100.5 is over 100",
            id="percent over 100",
        ),
        pytest.param(
            "    percent: 50\n", "    percent: -5\n",
            "test.yaml: waiver[1].percent: percent -5 is below 0",
            id="percent below 0",
        ),
        pytest.param(
            "    percent: 50\n", "    percent: 33.333\n",
            "test.yaml: waiver[1].percent: percent 33.333 has more than 2 decimal places",
            id="percent with 3 places",
        ),
        pytest.param(
            "  targets: 2023-11-02\n", "",
            "test.yaml: deadlines.targets: missing required key",
            id="missing key",
        ),
        pytest.param(
            "  default: 2023-10-31\n", "  default: 2023-02-30\n",
            "test.yaml: dues_cutoff.default: invalid date '2023-02-30': day is out of range for month",
            id="impossible date",
        ),
        pytest.param(
            "  default: 2023-10-31\n", "  default: 31.10.2023\n",
            "test.yaml: dues_cutoff.default: expected a date as YYYY-MM-DD, got '31.10.2023'",
            id="date in another format",
        ),
        pytest.param(
            "  start: 2023-11-01\n  end: 2023-12-15\n", "  start: 2023-11-01\n  end: 2023-10-15\n",
            "test.yaml: window.end: 2023-10-15 is before window.start 2023-11-01",
            id="end before start",
        ),
        pytest.param(
            "  start: 2023-11-01\n  end: 2023-12-15\n",
            "  start: 2023-11-01\n  end: 2023-12-15\n  extensions: [2023-12-10]\n",
            "test.yaml: window.extensions[0]: 2023-12-10 is not after 2023-12-15, the end date it extends",
            id="extension before the end",
        ),
        pytest.param(
            "    load_band: {up_to_kw: 5}\n    label_hi", "    load_band: {up_to_kw: 10}\n    label_hi",
            "test.yaml: sub_categories[1].load_band: LMV2_UPTO_5KW covers LMV-2 loads (5, 10] kW, which no "
            "eligibility entry admits",
            id="sub-category band not eligible",
        ),
        pytest.param(
            "  - code: LMV1_ALL_LOADS\n    category: LMV-1\n", "  - code: LMV1_ALL_LOADS\n    category: LMV-4B\n",
            "test.yaml: sub_categories[0].category: LMV-4B is not an eligible category (see eligibility)",
            id="sub-category category not eligible",
        ),
        pytest.param(
            "  - code: LMV1_ALL_LOADS\n    category: LMV-1\n",
            "  - code: LMV1_ALL_LOADS\n    category: LMV-1\n    load_band: {up_to_kw: 2}\n",
            "test.yaml: sub_categories: no sub-category covers LMV-1 loads (2, inf) kW, which eligibility[0] admits",
            id="eligible loads without sub-category",
        ),
        pytest.param(
            "  - code: LMV1_ALL_LOADS\n", "  - code: ALL\n",
            "test.yaml: sub_categories[0].code: ALL is reserved for the total over all sub-categories in Form 1",
            id="sub-category ALL",
        ),
        pytest.param(
            "    label_hi: \"घरेलू\"\n", "    label_hi: \"Domestic\"\n",
            "test.yaml: sub_categories[0].label_hi: expected Hindi text in Devanagari, got 'Domestic'",
            id="Hindi label in Latin letters",
        ),
        pytest.param(
            "{P1: 100, P2: 80}", "{P1: 100}",
            "test.yaml: waiver: no rule gives a percent for LMV-1 in phase P2, LUMPSUM, load (-inf, 2] kW "
            "(eligibility[0] admits them)",
            id="waiver gap by phase",
        ),
        pytest.param(
            "    dues_band: {above_rs: 5000}\n", "    dues_band: {above_rs: 6000}\n",
            "test.yaml: waiver: no rule gives a percent for LMV-2 in phase P1, LUMPSUM, load (-inf, 5] kW, "
            "dues Rs (5000, 6000] (eligibility[1] admits them)",
            id="waiver gap by dues",
        ),
        pytest.param(
            "    percent: 40\n", "    percent: 40\n  - categories: [LMV-2]\n    payment_option: INSTALMENT\n"
            "    percent: 30\n",
            "test.yaml: waiver[4].payment_option: INSTALMENT is not a payment option of LMV-2 (see payment_options)",
            id="waiver for an option not offered",
        ),
        pytest.param(
            "  - category: LMV-1\n", "  - category: LMV1\n",
            "test.yaml: eligibility[0].category: unknown tariff category 'LMV1'; expected one of LMV-1, LMV-2, "
            "LMV-3, LMV-4A, LMV-4B, LMV-5, LMV-6, LMV-7, LMV-8, LMV-9, LMV-10, LMV-11, HV-1, HV-2, HV-3, HV-4",
            id="unknown tariff category",
        ),
        pytest.param(
            "    court_case_allowed: false\n",
            "    court_case_allowed: false\n  - category: LMV-2\n    load_band: {above_kw: 4}\n"
            "    court_case_allowed: true\n",
            "test.yaml: eligibility[2].load_band: bands (-inf, 5] (eligibility[1]) and (4, inf) overlap for LMV-2",
            id="overlapping eligibility bands",
        ),
        pytest.param(
            "  kind: NONE\n", "  kind: FIXED\n",
            "test.yaml: registration_deposit.value: missing required key for kind FIXED",
            id="deposit without value",
        ),
        pytest.param(
            "  code: TEST2023\n", "  code: TEST2023\n  code: TEST2024\n",
            "test.yaml: line 3: duplicate key 'code' (a key may appear once in a mapping)",
            id="duplicate key",
        ),
    ],
)
def test_rejected_file(old: str, new: str, expected: str) -> None:
    assert expected in problems_of(changed(old, new))


def test_misspelt_key_gets_suggestion() -> None:
    problems = problems_of(changed("    percent: 50\n", "    percnt: 50\n"))

    assert problems[0].startswith("test.yaml: waiver[1].percnt: unknown key; did you mean 'percent'?")
    assert "test.yaml: waiver[1].percent: missing required key (or give percent_by_phase)" in problems


def test_every_problem_listed() -> None:
    text = changed("    percent: 50\n", "    percent: 150\n").replace("  notices: 2023-11-03\n", "")

    problems = problems_of(text)

    assert problems == [
        "test.yaml: deadlines.notices: missing required key",
        "test.yaml: waiver[1].percent: percent 150 is over 100",
    ]


def test_invalid_yaml_names_line() -> None:
    problems = problems_of(BASE + "  - : [\n")
    added_line = len(BASE.splitlines()) + 1

    assert len(problems) == 1
    assert problems[0].startswith(f"test.yaml: line {added_line}, column 3: invalid YAML:")


def test_missing_file_rejected(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="scheme rules file not found"):
        load_scheme(tmp_path / "nope.yaml")


# The schemes of earlier years, which the format must express too.
OTS2019 = """\
scheme:
  code: OTS2019
  name_hi: "एकमुश्त समाधान योजना 2019"
  name_en: "One Time Settlement Scheme 2019"
window: {start: 2019-01-01, end: 2019-02-15}
dues_cutoff: {default: 2018-12-31}
deadlines: {targets: 2019-01-02, notices: 2019-01-03}
bill_revision: {decision_limit_days: 7, delivery_limit_days: 2}
eligibility:
  - {category: LMV-1, load_band: {up_to_kw: 2}, court_case_allowed: true}
  - {category: LMV-2, load_band: {up_to_kw: 2}, court_case_allowed: true}
  - {category: LMV-5, court_case_allowed: true}
sub_categories:
  - {code: LMV1_UPTO_2KW, category: LMV-1, load_band: {up_to_kw: 2}, label_hi: "घरेलू, 2 कि0वा0 तक",
     label_en: "Domestic, up to 2 kW"}
  - {code: LMV2_UPTO_2KW, category: LMV-2, load_band: {up_to_kw: 2}, label_hi: "वाणिज्यिक, 2 कि0वा0 तक",
     label_en: "Commercial, up to 2 kW"}
  - {code: LMV5, category: LMV-5, label_hi: "निजी नलकूप", label_en: "Private tube wells"}
payment_options:
  - {option: LUMPSUM, categories: [LMV-1, LMV-2, LMV-5]}
registration_deposit:
  kind: PERCENT_OF_PRINCIPAL
  value: 30
  assumption: Reports give 30% of the dues; it is taken on the principal.
waiver:
  - {categories: [LMV-1, LMV-2, LMV-5], percent: 100}
monitoring: {laggard_threshold_pct: 50}
"""

OTS2021_MARCH = """\
scheme:
  code: OTS2021A
  name_hi: "एकमुश्त समाधान योजना 2021 (मार्च)"
  name_en: "One Time Settlement Scheme 2021 (March)"
window:
  start: 2021-03-01
  end: 2021-03-31
  extensions: [2021-04-15]
  assumption: Reports give only the end date; the start is taken as 01.03.2021.
dues_cutoff: {default: 2021-01-31}
deadlines: {targets: 2021-03-02, notices: 2021-03-03}
bill_revision: {decision_limit_days: 7, delivery_limit_days: 2}
eligibility:
  - {category: LMV-1, court_case_allowed: true}
  - {category: LMV-5, court_case_allowed: true}
sub_categories:
  - {code: LMV1, category: LMV-1, label_hi: "घरेलू", label_en: "Domestic"}
  - {code: LMV5, category: LMV-5, label_hi: "निजी नलकूप", label_en: "Private tube wells"}
payment_options:
  - {option: LUMPSUM, categories: [LMV-1, LMV-5]}
registration_deposit: {kind: PERCENT_OF_PRINCIPAL, value: 30, plus_current_bill: true}
waiver:
  - {categories: [LMV-1, LMV-5], percent: 100}
monitoring: {laggard_threshold_pct: 50}
"""


def test_format_expresses_2019_scheme() -> None:
    scheme = parse_scheme(OTS2019, "ots2019.yaml")

    assert scheme.is_eligible("LMV-2", "2", "KW", "ACTIVE", False, "100", "10") is True
    assert scheme.is_eligible("LMV-2", "2.001", "KW", "ACTIVE", False, "100", "10") is False
    # 30% of 1000.00 = 300.00
    assert scheme.registration_deposit("1000.00") == Decimal("300.00")


def test_format_expresses_march_2021_scheme() -> None:
    scheme = parse_scheme(OTS2021_MARCH, "ots2021a.yaml")

    assert scheme.end == date(2021, 4, 15)
    assert scheme.deposit.plus_current_bill is True
    assert scheme.assumptions[0].key_path == "window"


def test_rules_check_prints_summary() -> None:
    result = CliRunner().invoke(main, ["rules", "check", str(SCHEMES_DIR / "ots2024.yaml")])

    assert result.exit_code == 0, result.output
    assert "ots2024.yaml: valid" in result.stdout
    assert "window          2024-12-15 to 2025-01-31" in result.stdout
    assert "deposit         30% of principal as on 2024-09-30" in result.stdout


def test_rules_check_rejects_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(changed("    percent: 50\n", "    percent: 120\n"), encoding="utf-8")

    result = CliRunner().invoke(main, ["rules", "check", str(bad)])

    assert result.exit_code == 2
    assert "bad.yaml: waiver[1].percent: percent 120 is over 100" in result.stderr


# The waiver rule a dbt model picks: the first matching row by rule_order.
WAIVER_RULE_SQL = """
select waiver_percent
from rules.waiver_rules
where tariff_category = %(category)s
  and (phase_code is null or phase_code = %(phase)s)
  and (payment_option is null or payment_option = %(option)s)
  and (load_min_kw is null or %(load_kw)s > load_min_kw)
  and (load_max_kw is null or %(load_kw)s <= load_max_kw)
  and (dues_min is null or %(dues)s > dues_min)
  and (dues_max is null or %(dues)s <= dues_max)
order by rule_order
limit 1
"""

SUB_CATEGORY_SQL = """
select sub_category
from rules.sub_categories
where tariff_category = %(category)s
  and (load_min_kw is null or %(load_kw)s > load_min_kw)
  and (load_max_kw is null or %(load_kw)s <= load_max_kw)
order by sort_order
limit 1
"""


def test_rules_tables_round_trip(warehouse) -> None:
    ots2024 = shipped("ots2024")
    ots2021 = shipped("ots2021")

    with psycopg.connect(warehouse.conninfo()) as conn:
        write_rules_tables(conn, ots2024)

        scheme_rows = conn.execute(
            "select scheme_code, name_hi, start_date, end_date, target_deadline, notice_deadline,"
            " revision_limit_days, revision_delivery_limit_days, waiver_phase_basis, dues_band_basis,"
            " deposit_kind, deposit_value, laggard_threshold_pct, deposit_principal_as_on from rules.scheme"
        ).fetchall()
        assert scheme_rows == [(
            "OTS2024", "एकमुश्त समाधान योजना 2024-25", date(2024, 12, 15), date(2025, 1, 31),
            date(2024, 12, 16), date(2024, 12, 17), 7, 2, "REGISTRATION", "PRINCIPAL",
            "PERCENT_OF_PRINCIPAL", Decimal(30), Decimal(50), date(2024, 9, 30),
        )]
        phases = conn.execute("select phase_code, phase_order, start_date, end_date from rules.phases order by 2")
        assert phases.fetchall() == [
            ("P1", 1, date(2024, 12, 15), date(2024, 12, 31)),
            ("P2", 2, date(2025, 1, 1), date(2025, 1, 15)),
            ("P3", 3, date(2025, 1, 16), date(2025, 1, 31)),
        ]
        eligibility = conn.execute(
            "select tariff_category, load_min_kw, load_max_kw, connection_statuses, court_case_allowed,"
            " dues_cutoff_date from rules.eligibility order by 1"
        ).fetchall()
        assert eligibility[0] == ("LMV-1", None, None, ["ACTIVE", "PD", "TD"], True, date(2024, 9, 30))
        assert [row[0] for row in eligibility] == ["LMV-1", "LMV-2", "LMV-4B", "LMV-6"]
        sub_categories = conn.execute(
            "select sub_category, label_hi, tariff_category, load_min_kw, load_max_kw, sort_order"
            " from rules.sub_categories order by sort_order"
        ).fetchall()
        assert sub_categories[0] == ("LMV1_UPTO_1KW", "घरेलू, 1 कि0वा0 तक", "LMV-1", None, Decimal(1), 1)
        assert sub_categories[1] == ("LMV1_ABOVE_1KW", "घरेलू, 1 कि0वा0 से अधिक", "LMV-1", Decimal(1), None, 2)
        assert len(sub_categories) == 6
        # 8 entries x 4 categories x 3 phases
        assert conn.execute("select count(*) from rules.waiver_rules").fetchone() == (96,)
        first_rule = conn.execute(
            "select rule_order, tariff_category, phase_code, load_min_kw, load_max_kw, dues_min, dues_max,"
            " payment_option, waiver_percent from rules.waiver_rules where rule_order = 1"
        ).fetchone()
        assert first_rule == (1, "LMV-1", "P1", None, Decimal(1), None, Decimal(5000), "LUMPSUM", Decimal("100.00"))
        options = conn.execute(
            "select tariff_category, payment_option, max_instalments from rules.payment_options order by 1, 2"
        ).fetchall()
        assert options[:2] == [("LMV-1", "INSTALMENT", 10), ("LMV-1", "LUMPSUM", 1)]
        assert ("LMV-6", "INSTALMENT", 4) in options

        for consumer in OTS2024_CONSUMERS:
            params = {
                "category": consumer.category,
                "phase": ots2024.phase_on(consumer.registered_on),
                "option": consumer.option,
                "load_kw": ots2024.load_kw(consumer.load, consumer.unit),
                "dues": ots2024.dues_band_amount(consumer.principal, consumer.lpsc),
            }
            assert conn.execute(WAIVER_RULE_SQL, params).fetchone() == (Decimal(consumer.percent),), consumer.case
            assert conn.execute(SUB_CATEGORY_SQL, params).fetchone() == (consumer.sub_category,), consumer.case

        write_rules_tables(conn, ots2021)

        assert conn.execute("select scheme_code, end_date, deposit_kind from rules.scheme").fetchall() == [
            ("OTS2021", date(2022, 1, 31), "NONE"),
        ]
        assert conn.execute("select phase_code, start_date, end_date from rules.phases").fetchall() == [
            ("P1", date(2021, 10, 21), date(2022, 1, 31)),
        ]
        assert conn.execute(
            "select load_max_kw, connection_statuses from rules.eligibility where tariff_category = 'LMV-2'"
        ).fetchall() == [(Decimal(5), None)]
        assert conn.execute("select count(*) from rules.waiver_rules where phase_code is null").fetchone() == (6,)


def test_rules_tables_gain_added_columns(warehouse) -> None:
    with psycopg.connect(warehouse.conninfo()) as conn:
        conn.execute("create schema rules")
        conn.execute(
            "create table rules.phases (phase_code text, phase_order int, start_date date, end_date date)"
        )
        conn.commit()

        write_rules_tables(conn, shipped("ots2023"))

        rows = conn.execute("select phase_code, label_hi from rules.phases order by phase_order").fetchall()
        assert rows == [("P1", "प्रथम चरण"), ("P2", "द्वितीय चरण"), ("P3", "तृतीय चरण")]
