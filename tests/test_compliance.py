"""Compliance marts, laggards and projection, built by dbt day by day over a hand-made population.

The population and its events are described in `tests/compliance_population.py`. Each report date
is built with the whole dbt project, and every compliance table is read right after its build,
because the next build replaces the `build` schema's rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from compliance_population import day, population_database

from samadhan.transform import build_day
from samadhan.warehouse import connect

BUILT_DAYS = [day(21), day(22), day(23), day(29), day(30)]

TABLES = [
    "fct_compliance_daily_camps",
    "fct_compliance_ce_visits",
    "fct_compliance_ee_visits",
    "fct_compliance_targets",
    "fct_compliance_bill_revisions",
    "fct_laggards",
    "fct_officer_noncompliance",
    "fct_unit_projection",
]


@pytest.fixture(scope="module")
def built(embedded_server, tmp_path_factory) -> dict[date, dict[str, list[dict]]]:
    """Build each day of BUILT_DAYS in order; return every compliance table's rows by day."""
    rows: dict[date, dict[str, list[dict]]] = {}
    with population_database(embedded_server, tmp_path_factory.mktemp("compliance")):
        for report_date in BUILT_DAYS:
            build_day(report_date)
            rows[report_date] = {}
            with connect() as conn:
                for table in TABLES:
                    cursor = conn.execute(f"select * from build.{table}")
                    names = [column.name for column in cursor.description]
                    rows[report_date][table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return rows


def _listed(rows: list[dict], *columns: str) -> set[tuple]:
    return {tuple(row[column] for column in columns) for row in rows}


def test_every_row_carries_report_date(built):
    for report_date, tables in built.items():
        for table, rows in tables.items():
            assert {row["report_date"] for row in rows} <= {report_date}, table


def test_daily_camps_missed_days(built):
    camps = {report_date: built[report_date]["fct_compliance_daily_camps"] for report_date in BUILT_DAYS[:3]}
    assert _listed(camps[day(21)], "violation_date", "unit_code") == set()
    # SS2 held no camp on 22.10; SS3's 22.10 camp has not arrived yet.
    assert _listed(camps[day(22)], "violation_date", "unit_code", "staff_id", "post") == {
        (day(22), "SS2", "JE2", "JE"),
        (day(22), "SS3", "JE3", "JE"),
    }
    # SS3's camp dated 22.10 arrived on 23.10 and clears that day from 23.10's report on.
    assert _listed(camps[day(23)], "violation_date", "unit_code", "staff_id") == {(day(22), "SS2", "JE2")}


def test_daily_camps_named_with_place(built):
    (row,) = built[day(23)]["fct_compliance_daily_camps"]
    assert row["unit_level"] == "SUBSTATION"
    assert row["unit_name"] == "SS2 name"
    assert row["staff_name"] == "Je Two"
    assert (row["subdivision_code"], row["division_code"], row["zone_code"], row["discom_code"]) == (
        "S2", "V1", "Z1", "DK1",
    )


def test_ce_visits_missed_days(built):
    visits = {report_date: built[report_date]["fct_compliance_ce_visits"] for report_date in BUILT_DAYS[:3]}
    assert visits[day(21)] == []
    assert _listed(visits[day(22)], "violation_date", "unit_code", "staff_id") == {
        (day(22), "Z1", "CE1"),
        (day(22), "Z2", "CE2"),
    }
    # CE2's late 22.10 visit clears Z2; CE1 visited only a Z2 camp that day, which does not count for Z1.
    assert _listed(visits[day(23)], "violation_date", "unit_code", "staff_id", "staff_name", "post") == {
        (day(22), "Z1", "CE1", "Chief One", "CE"),
    }


def test_ee_visits_skipped_subdivision(built):
    visits = {report_date: built[report_date]["fct_compliance_ee_visits"] for report_date in BUILT_DAYS[:3]}
    assert visits[day(21)] == []
    assert _listed(visits[day(22)], "violation_date", "unit_code", "division_code", "staff_id") == {
        (day(22), "S2", "V1", "EE1"),
        (day(22), "S3", "V2", "EE2"),
    }
    # EE1 skips S2 on 22.10 and 23.10 (SDO2's visit does not count); EE2's late 22.10 visit clears S3.
    assert _listed(visits[day(23)], "violation_date", "unit_code", "division_code", "staff_id") == {
        (day(22), "S2", "V1", "EE1"),
        (day(23), "S2", "V1", "EE1"),
    }


def test_ee_visits_whole_window_on_day_30(built):
    # No camps at all from 24.10: every sub-division is unvisited on each of those 7 days, and S2 on 22 and 23 too.
    rows = built[day(30)]["fct_compliance_ee_visits"]
    assert len(rows) == 3 * 7 + 2
    assert {row["violation_date"] for row in rows if row["unit_code"] == "S1"} == {day(n) for n in range(24, 31)}


def test_targets_before_deadline_not_reported(built):
    assert built[day(21)]["fct_compliance_targets"] == []


def test_targets_missing_by_deadline(built):
    expected_day_22 = {
        ("BEAT", "B1", "LMV5", "JE1"),  # never set; the feeder F1 has no JE, so the substation's JE1 sets it
        ("BEAT", "B3", "LMV1_UPTO_2KW", "JE3"),  # set on 22.10 but not yet arrived
        ("FEEDER", "F2", "LMV1_UPTO_2KW", "JE2"),  # not yet set
    }
    assert _listed(built[day(22)]["fct_compliance_targets"], "unit_level", "unit_code", "sub_category", "staff_id") == (
        expected_day_22
    )
    # B3's target set on 22.10 arrived on 23.10 and counts; F2's was set on 23.10, after the deadline.
    assert _listed(built[day(23)]["fct_compliance_targets"], "unit_level", "unit_code", "sub_category", "staff_id") == {
        ("BEAT", "B1", "LMV5", "JE1"),
        ("FEEDER", "F2", "LMV1_UPTO_2KW", "JE2"),
    }
    assert {row["violation_date"] for row in built[day(23)]["fct_compliance_targets"]} == {day(22)}


def test_bill_revisions_early_days(built):
    assert built[day(23)]["fct_compliance_bill_revisions"] == []


def test_bill_revisions_day_29(built):
    rows = built[day(29)]["fct_compliance_bill_revisions"]
    assert _listed(rows, "request_no", "violation", "violation_date", "acted_on", "days_taken") == {
        # requested 21.10, revised 29.10: 8 days, one over the limit of 7
        ("Q1", "REVISION_NOT_DECIDED", day(29), day(29), 8),
        # revised 22.10 and sent by SMS that day, but never published on the website
        ("Q2", "REVISED_BILL_NOT_PUBLISHED", day(25), None, None),
        # requested 21.10; its revision dated 28.10 has not arrived by 29.10
        ("Q4", "REVISION_NOT_DECIDED", day(29), None, None),
    }


def test_bill_revisions_day_30(built):
    rows = built[day(30)]["fct_compliance_bill_revisions"]
    # Q4's revision dated 28.10, 7 days after the request, arrived on 30.10: in time, so cleared.
    assert _listed(rows, "request_no", "violation") == {
        ("Q1", "REVISION_NOT_DECIDED"),
        ("Q2", "REVISED_BILL_NOT_PUBLISHED"),
    }


def test_bill_revisions_responsible_officers(built):
    rows = {row["request_no"]: row for row in built[day(30)]["fct_compliance_bill_revisions"]}
    assert (rows["Q1"]["unit_code"], rows["Q1"]["staff_id"], rows["Q1"]["post"], rows["Q1"]["ee_staff_id"]) == (
        "S1", "SDO1", "SDO", "EE1",
    )
    assert (rows["Q2"]["unit_code"], rows["Q2"]["staff_id"], rows["Q2"]["ee_staff_id"]) == ("S2", "SDO2", "EE1")
    assert rows["Q1"]["acted_by_staff_id"] == "SDO1"


def test_officer_noncompliance_day_23(built):
    rows = {row["staff_id"]: row for row in built[day(23)]["fct_officer_noncompliance"]}
    # EE1: S2 unvisited on 22 and 23. JE2: no camp at SS2 on 22, and F2's target missing.
    # CE1 (1), JE1 (1: B1's LMV5 target) stay below 2.
    assert set(rows) == {"EE1", "JE2"}
    assert (rows["EE1"]["violations"], rows["EE1"]["missed_ee_visits"]) == (2, 2)
    assert (rows["JE2"]["violations"], rows["JE2"]["missed_camps"], rows["JE2"]["missing_targets"]) == (2, 1, 1)
    assert (rows["JE2"]["post_unit_level"], rows["JE2"]["post_unit_code"]) == ("SUBSTATION", "SS2")
    assert rows["JE2"]["discom_code"] == "DK1"


def test_laggards_need_three_days_running(built):
    # Targets (ALL) are 2 consumers at C2 and Z2; nobody under Z2 registers, so 0% < 50% on 21, 22, 23.
    # Z1 is at 33.33% on 21.10 and 66.67% from 22.10 (A1, then A2): never three days running.
    assert built[day(21)]["fct_laggards"] == []
    assert built[day(22)]["fct_laggards"] == []
    laggards = _listed(built[day(23)]["fct_laggards"], "unit_level", "unit_code")
    assert ("ZONE", "Z2") in laggards
    assert ("CIRCLE", "C2") in laggards
    assert ("ZONE", "Z1") not in laggards
    assert ("SUBSTATION", "SS2") not in laggards  # 0% on 21.10, 50% from 22.10
    z2 = next(row for row in built[day(23)]["fct_laggards"] if row["unit_code"] == "Z2")
    assert (z2["laggard_since"], z2["days_running"], z2["is_below_threshold"]) == (day(21), 3, True)
    assert (z2["staff_id"], z2["registered_pct"]) == ("CE2", Decimal("0.00"))


def test_laggards_streak_broken_by_unbuilt_days(built):
    # 24.10-28.10 were never built, so on 29.10 no unit has three built days running.
    assert built[day(29)]["fct_laggards"] == []


def test_projection_at_run_rate(built):
    rows = {
        (row["unit_level"], row["unit_code"], row["sub_category"]): row
        for row in built[day(23)]["fct_unit_projection"]
    }
    z1 = rows[("ZONE", "Z1", "ALL")]
    scheme_days_left = (z1["end_date"] - day(23)).days
    assert (z1["days_elapsed"], z1["days_remaining"]) == (3, scheme_days_left)
    # 2 registered in 3 days: 2 + 2 / 3 x days left, rounded half away from zero.
    expected = int((Decimal(2) + Decimal(2) / 3 * scheme_days_left).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    assert z1["projected_registered"] == expected
    assert z1["collected_cum"] == Decimal("0.00")
    assert z1["projected_collected"] == Decimal("0.00")
    assert rows[("ZONE", "Z2", "ALL")]["projected_registered"] == 0
