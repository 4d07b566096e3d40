"""Revised bills out: the SMS outbox, the website list and the field delivery list of a day.

The population is described in `tests/compliance_population.py`: Q2 (account 3000000002, mobile
"12345") is REVISED in the 22.10 dump, Q1 (3000000001, "+91 98765 43210") in the 29.10 dump, Q4
(3000000003, no mobile) in the 30.10 dump. The scheme's last date is the rules file's end_date.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from compliance_population import day, population_database

from samadhan.monitoring import SMS_MAX_SEGMENTS, revised_bill_sms, sms_segments, write_revised_bill_files
from samadhan.reports import format_indian
from samadhan.rules import load_scheme
from samadhan.settings import load_settings


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def outputs(embedded_server, tmp_path_factory) -> dict[date, dict[str, list[dict[str, str]]]]:
    base = tmp_path_factory.mktemp("sms")
    files = {}
    with population_database(embedded_server, base):
        for report_date in (day(21), day(22), day(29), day(30)):
            folder = base / "output" / report_date.isoformat()
            write_revised_bill_files(report_date, folder)
            files[report_date] = {path.name: _read(path) for path in sorted(folder.iterdir())}
    return files


def test_sms_segments_counts_utf16_units():
    assert sms_segments("क" * 70) == 1
    assert sms_segments("क" * 71) == 2
    assert sms_segments("क" * 134) == 2
    assert sms_segments("क" * 135) == 3


@pytest.mark.parametrize("amount", ["0.00", "1500.50", "99999999.99", "1999999999999.98"])
def test_sms_fits_two_segments(amount):
    text = revised_bill_sms("3000000001", Decimal(amount), date(2022, 1, 31))
    assert sms_segments(text) <= SMS_MAX_SEGMENTS
    assert len(text) <= 134
    assert "3000000001" in text
    assert format_indian(Decimal(amount)) in text
    assert "31.01.2022" in text


def test_day_without_revisions_writes_headers(outputs):
    files = outputs[day(21)]
    assert set(files) == {"sms_outbox.csv", "web_publication.csv", "field_delivery.csv"}
    assert all(rows == [] for rows in files.values())


def test_invalid_mobile_goes_to_field(outputs):
    (sms,) = outputs[day(22)]["sms_outbox.csv"]
    assert (sms["account_no"], sms["request_no"]) == ("3000000002", "Q2")
    assert sms["mobile"] == ""
    assert sms["message"] == ""
    assert sms["unsent_reason"] == "INVALID_MOBILE"
    (field,) = outputs[day(22)]["field_delivery.csv"]
    assert (field["account_no"], field["beat_code"], field["meter_reader_id"]) == ("3000000002", "B2", "MR2")
    assert field["unsent_reason_hi"] == "मोबाइल नम्बर सही नहीं है"
    assert field["revised_amount"] == "4400.00"  # 4000.00 + 400.00


def test_sms_to_normalised_mobile(outputs):
    (sms,) = outputs[day(29)]["sms_outbox.csv"]
    last_date = load_scheme().end
    assert (sms["account_no"], sms["mobile"], sms["unsent_reason"]) == ("3000000001", "9876543210", "")
    assert sms["dlt_template_id"] == load_settings().sms_dlt_template_id
    assert sms["message"] == revised_bill_sms("3000000001", Decimal("10500.50"), last_date)
    assert "रु0 10,500.50" in sms["message"]  # 9000.00 + 1500.50
    assert int(sms["segments"]) == sms_segments(sms["message"]) <= SMS_MAX_SEGMENTS
    assert outputs[day(29)]["field_delivery.csv"] == []


def test_missing_mobile_goes_to_field(outputs):
    (sms,) = outputs[day(30)]["sms_outbox.csv"]
    assert (sms["account_no"], sms["unsent_reason"]) == ("3000000003", "NO_MOBILE")
    (field,) = outputs[day(30)]["field_delivery.csv"]
    assert field["consumer_name"] == "Mohan Lal"
    assert field["address"] == "B3 गाँव, मकान 1"
    assert (field["meter_reader_id"], field["meter_reader_mobile"]) == ("MR3", "")


def test_web_publication_lists_every_revised_bill(outputs):
    published = [
        row for report_date in (day(22), day(29), day(30)) for row in outputs[report_date]["web_publication.csv"]
    ]
    assert [(row["request_no"], row["revised_amount"], row["revised_on"]) for row in published] == [
        ("Q2", "4400.00", "2021-10-22"),
        ("Q1", "10500.50", "2021-10-29"),
        ("Q4", "7000.00", "2021-10-28"),
    ]
    assert {row["last_date"] for row in published} == {load_scheme().end.isoformat()}
