"""Loader: every kind of row that breaks the dump contract is quarantined with its reason; the rest loads.

Each test adds one bad row (or changes one file) to the hand-written base day of
`test_loader_dumps` and loads it. It checks the reason code and message, that loaded plus
quarantined equals the manifest's rows, and that the file's good rows are in `billing`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_loader_dumps import BASE_ROWS, HIERARCHY_PREFIX, base_files, csv_text, header, with_rows, write_dump

from samadhan.contract import FILES_BY_NAME
from samadhan.loading import LoadReport, load_dump
from samadhan.warehouse import connect


@pytest.fixture
def landing(warehouse, tmp_path, monkeypatch):
    """The landing folder of a test, with the warehouse and the archive in the test's own places."""
    monkeypatch.setenv("SAMADHAN_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "landing"


def query(sql: str, *params) -> list[tuple]:
    with connect() as conn:
        return conn.execute(sql, params or None).fetchall()


def quarantined(file_name: str) -> list[tuple]:
    """Return (line_no, reason_code, reason, raw_text) of the file's quarantined rows, by line."""
    return query(
        "select line_no, reason_code, reason, raw_text from audit.quarantine where file_name = %s order by line_no",
        file_name,
    )


def loaded_lines(file_name: str) -> list[int]:
    table = FILES_BY_NAME[file_name].table
    return [row[0] for row in query(f"select source_line from {table} order by source_line")]


def load_files(landing, files) -> LoadReport:
    return load_dump(write_dump(landing, files))


def load_with_bad_row(landing, file_name: str, row: str | bytes, code: str) -> tuple[str, str]:
    """Load the base day plus `row` at the end of `file_name`; check it alone is quarantined, as `code`.

    Returns the quarantine reason and raw text.
    """
    base = len(BASE_ROWS[file_name])
    if isinstance(row, bytes):
        files: dict[str, str | bytes] = dict(base_files())
        files[file_name] = csv_text(file_name, BASE_ROWS[file_name]).encode() + row + b"\n"
    else:
        files = with_rows(file_name, row)
    report = load_files(landing, files)
    file_report = report.file(file_name)
    assert file_report.rows_in_manifest == base + 1
    assert file_report.rows_loaded == base
    assert dict(file_report.quarantined_by_reason) == {code: 1}
    assert loaded_lines(file_name) == list(range(2, base + 2))
    [(line_no, reason_code, reason, raw_text)] = quarantined(file_name)
    assert line_no == base + 2
    assert reason_code == code
    for other in FILES_BY_NAME:
        if other != file_name:
            assert report.file(other).rows_quarantined == 0, other
    return reason, raw_text


# --- the base day -----------------------------------------------------------------------------------


def test_base_day_loads_every_row(landing):
    report = load_files(landing, base_files())

    for file_name, rows in BASE_ROWS.items():
        file_report = report.file(file_name)
        assert file_report.rows_in_manifest == len(rows), file_name
        assert file_report.rows_loaded == len(rows), file_name
        assert file_report.rows_quarantined == 0, file_name
    assert query("select count(*) from audit.quarantine") == [(0,)]
    assert query("select receipt_no, amount, paid_at::text from billing.payments order by receipt_no") == [
        ("R1", Decimal("500.00"), "2021-10-25 10:30:00"),
        ("R2", Decimal("250.50"), "2021-10-25 11:00:00"),
    ]
    assert query(
        "select account_no, sanctioned_load, principal_arrears, lpsc_arrears, dues_cutoff_date::text, "
        "court_case, last_payment_date::text, address from billing.consumers order by account_no"
    ) == [
        ("3000000001", Decimal("1.500"), Decimal("1000.00"), Decimal("200.00"), "2021-09-30", False,
         "2021-08-15", "House 1, Lane 2"),
        ("3000000002", Decimal("3.000"), Decimal("2500.50"), Decimal("300.25"), "2021-09-30", False, None,
         "ग्राम रामपुर"),
        ("3000000003", Decimal("7.500"), Decimal("40000.00"), Decimal("12000.00"), "2021-09-30", True,
         "2020-01-01", "Khet 7"),
    ]


def test_report_line_in_field_terms(landing):
    report = load_files(landing, with_rows(
        "payments.csv",
        "R1,3000000001,500.00,25-10-2021 10:30:00,COUNTER,,",
        "R3,3000000099,10.00,25-10-2021 10:30:00,COUNTER,,",
        "R4,3000000098,10.00,25-10-2021 10:30:00,COUNTER,,",
        "R5,3000000001,10.00,2021-10-25 10:30:00,COUNTER,,",
    ))

    assert report.file("payments.csv").line(report.dump_date) == (
        "2021-10-25 payments.csv: 3 loaded (1 re-sent), 3 quarantined (2 unknown account, 1 invalid timestamp)"
    )
    assert query("select rows_in_manifest, rows_loaded, rows_resent, rows_quarantined "
                 "from audit.file_loads where file_name = 'payments.csv'") == [(6, 3, 1, 3)]


def test_progress_bar_counts_every_byte(landing, monkeypatch):
    # The bar is tqdm's; here it is replaced by a recorder of what the loader reports.
    import tqdm

    counted: list[int] = []
    totals: list[int] = []

    class Recorder:
        def __init__(self, total: int, **options) -> None:
            totals.append(total)

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            return None

        def update(self, count: int) -> None:
            counted.append(count)

    monkeypatch.setattr(tqdm, "tqdm", Recorder)
    folder = write_dump(landing, base_files())
    load_dump(folder, progress=True)

    csv_size = sum(path.stat().st_size for path in folder.glob("*.csv"))
    assert totals == [csv_size]
    assert sum(counted) == csv_size


# --- values -----------------------------------------------------------------------------------------


def test_required_value_missing(landing):
    reason, raw = load_with_bad_row(
        landing, "payments.csv", "R3,,100.00,25-10-2021 12:00:00,COUNTER,,", "missing_value"
    )
    assert reason == "payments.csv line 4: account_no is missing"
    assert raw == "R3,,100.00,25-10-2021 12:00:00,COUNTER,,"


def test_blank_value_counts_as_missing(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,   ,100.00,25-10-2021 12:00:00,COUNTER,,", "missing_value"
    )
    assert reason == "payments.csv line 4: account_no is missing"


def test_code_value_not_allowed(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,100.00,25-10-2021 12:00:00,CHEQUE,,", "value_not_allowed"
    )
    assert reason == "payments.csv line 4: channel 'CHEQUE' is not one of COUNTER, CAMP, ONLINE, CSC, HHD"


def test_lower_case_code_not_allowed(landing):
    reason, _ = load_with_bad_row(
        landing, "notice_deliveries.csv", "OTS2021/3000000002,3000000002,24-10-2021,S2,served", "value_not_allowed"
    )
    assert reason == ("notice_deliveries.csv line 3: outcome 'served' is not one of "
                      "SERVED, REFUSED, PREMISES_LOCKED, NOT_FOUND")


def test_date_not_dd_mm_yyyy(landing):
    reason, _ = load_with_bad_row(
        landing, "notice_deliveries.csv", "OTS2021/3000000002,3000000002,2021-10-24,S2,SERVED", "invalid_date"
    )
    assert reason == "notice_deliveries.csv line 3: delivered_on '2021-10-24' is not a valid date in DD-MM-YYYY"


def test_impossible_date(landing):
    reason, _ = load_with_bad_row(
        landing, "camps.csv", "C2,SS2,31-09-2021,25-10-2021 10:00:00,,,S1", "invalid_date"
    )
    assert reason == "camps.csv line 3: camp_date '31-09-2021' is not a valid date in DD-MM-YYYY"


def test_leap_day_only_in_leap_years(landing):
    files = base_files()
    files["consumers.csv"] = csv_text("consumers.csv", [
        BASE_ROWS["consumers.csv"][0],
        BASE_ROWS["consumers.csv"][1].replace("30-09-2021,N,", "29-02-2020,N,"),
        BASE_ROWS["consumers.csv"][2].replace("30-09-2021", "29-02-2021"),
    ])
    report = load_files(landing, files)

    assert dict(report.file("consumers.csv").quarantined_by_reason) == {"invalid_date": 1}
    assert [row[:2] for row in quarantined("consumers.csv")] == [(4, "invalid_date")]
    assert query("select dues_cutoff_date::text from billing.consumers where account_no = '3000000002'") == [
        ("2020-02-29",)
    ]


def test_invalid_timestamp(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,100.00,25-10-2021 24:10:00,COUNTER,,", "invalid_timestamp"
    )
    assert reason == ("payments.csv line 4: paid_at '25-10-2021 24:10:00' is not a valid timestamp in "
                      "DD-MM-YYYY HH:MM:SS")


def test_timestamp_without_seconds(landing):
    reason, _ = load_with_bad_row(
        landing, "camp_visits.csv", "V2,C1,S1,25-10-2021 11:00", "invalid_timestamp"
    )
    assert reason == ("camp_visits.csv line 3: visited_at '25-10-2021 11:00' is not a valid timestamp in "
                      "DD-MM-YYYY HH:MM:SS")


def test_event_after_dump_date(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,100.00,26-10-2021 00:00:01,COUNTER,,", "event_after_dump_date"
    )
    assert reason == "payments.csv line 4: paid_at '26-10-2021 00:00:01' is after the dump date 25-10-2021"


def test_timestamp_in_the_future(landing):
    reason, _ = load_with_bad_row(
        landing, "registrations.csv", "G2,3000000002,01-01-2031 10:00:00,LUMPSUM,1,0.00,N,COUNTER,",
        "event_after_dump_date",
    )
    assert reason == ("registrations.csv line 3: registered_at '01-01-2031 10:00:00' is after the dump date "
                      "25-10-2021")


def test_event_before_scheme_start(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,100.00,20-10-2021 23:59:59,COUNTER,,", "event_before_scheme_start"
    )
    assert reason == "payments.csv line 4: paid_at '20-10-2021 23:59:59' is before the scheme began on 21-10-2021"


def test_date_outside_scheme_window(landing):
    # A slip of the year: 2012 for 2021.
    reason, _ = load_with_bad_row(
        landing, "targets.csv", "BEAT,B2,LMV1_UPTO_2KW,5,2500.00,S1,22-10-2012", "event_before_scheme_start"
    )
    assert reason == "targets.csv line 3: set_on '22-10-2012' is before the scheme began on 21-10-2021"


def test_late_event_inside_window_loads(landing):
    report = load_files(landing, with_rows("payments.csv", "R3,3000000001,100.00,21-10-2021 09:00:00,HHD,,"))

    assert report.file("payments.csv").rows_loaded == 3
    assert query("select paid_at::text from billing.payments where receipt_no = 'R3'") == [("2021-10-21 09:00:00",)]


def test_date_after_dump_date_in_snapshot(landing):
    files = base_files()
    files["consumers.csv"] = csv_text("consumers.csv", [
        BASE_ROWS["consumers.csv"][0].replace("15-08-2021", "27-10-2021"), *BASE_ROWS["consumers.csv"][1:],
    ])
    load_files(landing, files)

    [(line_no, code, reason, _raw)] = quarantined("consumers.csv")
    assert (line_no, code) == (2, "date_after_dump_date")
    assert reason == "consumers.csv line 2: last_payment_date '27-10-2021' is after the dump date 25-10-2021"


def test_amount_with_thousands_separator(landing):
    reason, raw = load_with_bad_row(
        landing, "payments.csv", 'R3,3000000001,"1,250.00",25-10-2021 12:00:00,COUNTER,,', "invalid_amount"
    )
    assert reason == "payments.csv line 4: amount '1,250.00' is not a plain decimal with at most 2 places"
    assert raw == 'R3,3000000001,"1,250.00",25-10-2021 12:00:00,COUNTER,,'


def test_amount_with_letters(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,Rs 500,25-10-2021 12:00:00,COUNTER,,", "invalid_amount"
    )
    assert reason == "payments.csv line 4: amount 'Rs 500' is not a plain decimal with at most 2 places"


def test_amount_with_three_decimals(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,500.125,25-10-2021 12:00:00,COUNTER,,", "invalid_amount"
    )
    assert reason == "payments.csv line 4: amount '500.125' is not a plain decimal with at most 2 places"


def test_amount_too_large(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,1234567890123.00,25-10-2021 12:00:00,COUNTER,,", "invalid_amount"
    )
    assert reason == ("payments.csv line 4: amount '1234567890123.00' has more than 12 digits before "
                      "the decimal point")


def test_negative_amount_where_not_allowed(landing):
    reason, _ = load_with_bad_row(
        landing, "registrations.csv", "G2,3000000002,25-10-2021 10:00:00,LUMPSUM,1,-10.00,N,COUNTER,",
        "negative_amount",
    )
    assert reason == "registrations.csv line 3: registration_amount '-10.00' is negative"


def test_load_not_a_number(landing):
    files = base_files()
    files["consumers.csv"] = csv_text("consumers.csv", [
        *BASE_ROWS["consumers.csv"][:2], BASE_ROWS["consumers.csv"][2].replace(",7.5,", ",7.5 HP,"),
    ])
    load_files(landing, files)

    [(line_no, code, reason, _raw)] = quarantined("consumers.csv")
    assert (line_no, code) == (4, "invalid_number")
    assert reason == "consumers.csv line 4: sanctioned_load '7.5 HP' is not a plain decimal with at most 3 places"


def test_whole_number_with_letters(landing):
    reason, _ = load_with_bad_row(
        landing, "registrations.csv", "G2,3000000002,25-10-2021 10:00:00,INSTALMENT,six,0.00,N,COUNTER,",
        "invalid_number",
    )
    assert reason == "registrations.csv line 3: instalments 'six' is not a whole number"


def test_flag_not_y_or_n(landing):
    files = base_files()
    files["consumers.csv"] = csv_text("consumers.csv", [
        BASE_ROWS["consumers.csv"][0].replace(",N,15-08-2021", ",Yes,15-08-2021"), *BASE_ROWS["consumers.csv"][1:],
    ])
    load_files(landing, files)

    [(line_no, code, reason, _raw)] = quarantined("consumers.csv")
    assert (line_no, code) == (2, "invalid_flag")
    assert reason == "consumers.csv line 2: court_case 'Yes' is not Y or N"


def test_account_no_not_ten_digits(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,30000001,100.00,25-10-2021 12:00:00,COUNTER,,", "invalid_account_no"
    )
    assert reason == "payments.csv line 4: account_no '30000001' is not 10 digits"


def test_stray_spaces_are_trimmed(landing):
    row = "  R3 , 3000000001 , 100.00 ,25-10-2021 12:00:00, ONLINE ,,"
    report = load_files(landing, with_rows("payments.csv", row))

    assert report.file("payments.csv").rows_loaded == 3
    assert query("select receipt_no, account_no, amount, channel from billing.payments where source_line = 4") == [
        ("R3", "3000000001", Decimal("100.00"), "ONLINE")
    ]


def test_value_too_long(landing):
    address = "गली " * 262_144  # 1,048,576 characters
    row = BASE_ROWS["consumers.csv"][0].replace('"House 1, Lane 2"', address).replace("3000000001", "3000000004")
    files = base_files()
    files["consumers.csv"] = csv_text("consumers.csv", [*BASE_ROWS["consumers.csv"], row])
    report = load_files(landing, files)

    assert report.file("consumers.csv").rows_loaded == 3
    [(line_no, code, reason, raw)] = quarantined("consumers.csv")
    assert (line_no, code) == (5, "value_too_long")
    assert reason == "consumers.csv line 5: address is 1,048,576 characters long, more than the limit of 10,000"
    assert raw == row


# --- the CSV itself ---------------------------------------------------------------------------------


def test_too_many_fields(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,100.00,25-10-2021 12:00:00,COUNTER,,,extra", "wrong_field_count"
    )
    assert reason == "payments.csv line 4: has 8 fields, expected 7"


def test_too_few_fields(landing):
    reason, _ = load_with_bad_row(
        landing, "camp_visits.csv", "V2,C1,25-10-2021 11:00:00", "wrong_field_count"
    )
    assert reason == "camp_visits.csv line 3: has 3 fields, expected 4"


def test_truncated_last_line(landing):
    files = base_files()
    files["payments.csv"] = csv_text("payments.csv", BASE_ROWS["payments.csv"]) + "R3,3000000001,10"
    report = load_files(landing, files)

    assert report.file("payments.csv").rows_in_manifest == 3
    assert report.file("payments.csv").rows_loaded == 2
    assert [row[:4] for row in quarantined("payments.csv")] == [
        (4, "wrong_field_count", "payments.csv line 4: has 3 fields, expected 7", "R3,3000000001,10")
    ]


def test_text_after_closing_quote(landing):
    reason, raw = load_with_bad_row(
        landing, "payments.csv", 'R3,3000000001,"100.00"x,25-10-2021 12:00:00,COUNTER,,', "broken_quoting"
    )
    assert reason == "payments.csv line 4: quoting is broken (',' expected after '\"')"
    assert raw == 'R3,3000000001,"100.00"x,25-10-2021 12:00:00,COUNTER,,'


def test_quote_never_closed(landing):
    files = base_files()
    files["consumers.csv"] = csv_text("consumers.csv", BASE_ROWS["consumers.csv"]) + (
        '3000000004,Ram,,"Ward 9,\nnear tank,9876543210,LMV-1,URBAN,1,KW,ACTIVE,B1,F1,10.00,1.00,30-09-2021,N,\n'
    )
    report = load_files(landing, files)

    assert report.file("consumers.csv").rows_in_manifest == 4
    assert report.file("consumers.csv").rows_loaded == 3
    [(line_no, code, reason, raw)] = quarantined("consumers.csv")
    assert (line_no, code) == (5, "broken_quoting")
    assert reason == "consumers.csv line 5: quoting is broken (unexpected end of data)"
    assert raw.startswith('3000000004,Ram,,"Ward 9,\nnear tank,')


def test_quoted_line_break_is_one_row(landing):
    row = '3000000004,"Ram ""Babu"" Lal",,"Ward 9,\r\nnear the tank",9876543210,LMV-1,URBAN,1,KW,ACTIVE,B1,F1,' \
          "10.00,1.00,30-09-2021,N,"
    files = base_files()
    files["consumers.csv"] = csv_text("consumers.csv", [*BASE_ROWS["consumers.csv"], row, BASE_ROWS["consumers.csv"][0]
                                                        .replace("3000000001", "3000000005")])
    report = load_files(landing, files)

    assert report.file("consumers.csv").rows_in_manifest == 5
    assert report.file("consumers.csv").rows_loaded == 5
    assert query("select consumer_name, address, source_line from billing.consumers where account_no >= '3000000004' "
                 "order by account_no") == [
        ('Ram "Babu" Lal', "Ward 9,\r\nnear the tank", 5),
        ("Ram Lal", "House 1, Lane 2", 7),
    ]


def test_bytes_not_utf8(landing):
    row = "3000000004,Jos\xe9,,,,LMV-1,URBAN,1,KW,ACTIVE,B1,F1,10.00,1.00,30-09-2021,N,".encode("latin-1")
    reason, raw = load_with_bad_row(landing, "consumers.csv", row, "invalid_encoding")
    assert reason == "consumers.csv line 5: byte 0xE9 at character 15 is not UTF-8"
    assert raw == "3000000004,Jos\ufffd,,,,LMV-1,URBAN,1,KW,ACTIVE,B1,F1,10.00,1.00,30-09-2021,N,"


def test_nul_byte(landing):
    reason, raw = load_with_bad_row(
        landing, "payments.csv", b"R3,3000000001,100.00,25-10-2021 12:00:00,COUNTER,\x00,", "invalid_encoding"
    )
    assert reason == "payments.csv line 4: contains a NUL byte at character 50"
    assert raw == "R3,3000000001,100.00,25-10-2021 12:00:00,COUNTER,\ufffd,"


def test_byte_order_mark(landing):
    files: dict[str, str | bytes] = dict(base_files())
    files["consumers.csv"] = b"\xef\xbb\xbf" + base_files()["consumers.csv"].encode()
    report = load_files(landing, files)

    assert report.file("consumers.csv").rows_loaded == 3
    assert report.file("consumers.csv").rows_quarantined == 0
    assert query("select count(*) from billing.consumers where account_no = '3000000001'") == [(1,)]


def test_crlf_line_ends(landing):
    files = base_files()
    files["payments.csv"] = files["payments.csv"].replace("\n", "\r\n")
    report = load_files(landing, files)

    assert report.file("payments.csv").rows_loaded == 2
    assert query("select reverses_receipt_no, camp_id from billing.payments order by receipt_no") == [
        (None, None), (None, "C1"),
    ]


def test_blank_lines_are_not_rows(landing):
    files = base_files()
    files["payments.csv"] = files["payments.csv"].replace("\nR2", "\n\nR2") + "\n\n"
    report = load_files(landing, files)

    assert report.file("payments.csv").rows_in_manifest == 2
    assert report.file("payments.csv").rows_loaded == 2
    assert loaded_lines("payments.csv") == [2, 4]


def test_columns_in_another_order(landing):
    files = base_files()
    files["camp_visits.csv"] = "camp_id,visit_id,visited_at,staff_id\nC1,V1,25-10-2021 11:00:00,S1\n"
    report = load_files(landing, files)

    assert report.file("camp_visits.csv").rows_loaded == 1
    assert query("select visit_id, camp_id, staff_id, visited_at::text from billing.camp_visits") == [
        ("V1", "C1", "S1", "2021-10-25 11:00:00")
    ]


def test_header_only_event_file(landing):
    files = base_files()
    files["bill_revisions.csv"] = header("bill_revisions.csv") + "\n"
    report = load_files(landing, files)

    assert report.file("bill_revisions.csv").rows_in_manifest == 0
    assert report.file("bill_revisions.csv").rows_loaded == 0
    assert query("select count(*) from billing.bill_revisions") == [(0,)]
    assert query("select rows_loaded from audit.file_loads where file_name = 'bill_revisions.csv'") == [(0,)]


# --- keys -------------------------------------------------------------------------------------------


def test_duplicate_key_first_stands(landing):
    report = load_files(landing, with_rows("payments.csv", "R1,3000000001,900.00,25-10-2021 10:30:00,COUNTER,,"))

    assert report.file("payments.csv").rows_loaded == 2
    assert dict(report.file("payments.csv").quarantined_by_reason) == {"duplicate_key": 1}
    assert [row[:3] for row in quarantined("payments.csv")] == [
        (4, "duplicate_key", "payments.csv line 4: receipt_no R1 repeats line 2 with different fields; line 2 stands")
    ]
    assert query("select amount from billing.payments where receipt_no = 'R1'") == [(Decimal("500.00"),)]


def test_identical_duplicate_is_resent(landing):
    report = load_files(landing, with_rows("payments.csv", "R1,3000000001,500.00,25-10-2021 10:30:00,COUNTER,,"))

    file_report = report.file("payments.csv")
    assert (file_report.rows_in_manifest, file_report.rows_loaded, file_report.rows_resent) == (3, 3, 1)
    assert file_report.rows_quarantined == 0
    assert query("select count(*) from billing.payments where receipt_no = 'R1'") == [(1,)]
    assert query("select line_no, record_key, first_dump_date::text, first_line_no from audit.resends") == [
        (4, "R1", "2021-10-25", 2)
    ]


def test_duplicate_in_snapshot(landing):
    files = base_files()
    consumers = BASE_ROWS["consumers.csv"]
    files["consumers.csv"] = csv_text("consumers.csv", [*consumers, consumers[0], consumers[1].replace("TD", "PD")])
    report = load_files(landing, files)

    file_report = report.file("consumers.csv")
    assert (file_report.rows_in_manifest, file_report.rows_loaded, file_report.rows_resent) == (5, 4, 1)
    assert dict(file_report.quarantined_by_reason) == {"duplicate_key": 1}
    assert [row[:2] for row in quarantined("consumers.csv")] == [(6, "duplicate_key")]
    assert query("select connection_status from billing.consumers where account_no = '3000000002'") == [("TD",)]


def test_composite_key_duplicate(landing):
    report = load_files(landing, with_rows(
        "bill_revisions.csv",
        "Q1,3000000003,REVISED,25-10-2021 15:00:00,35000.00,0.00,S1",
        "Q1,3000000003,REVISED,25-10-2021 16:00:00,34000.00,0.00,S1",
    ))

    assert report.file("bill_revisions.csv").rows_loaded == 2
    assert [row[:3] for row in quarantined("bill_revisions.csv")] == [
        (4, "duplicate_key",
         "bill_revisions.csv line 4: request_no Q1, event REVISED repeats line 3 with different fields; line 3 stands")
    ]


# --- references -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "row", "line_no"),
    [
        ("payments.csv", "R3,3000000099,100.00,25-10-2021 12:00:00,COUNTER,,", 4),
        ("registrations.csv", "G2,3000000099,25-10-2021 10:00:00,LUMPSUM,1,0.00,N,COUNTER,", 3),
        ("bill_revisions.csv", "Q2,3000000099,REQUESTED,25-10-2021 12:00:00,,,S1", 3),
        ("notice_deliveries.csv", "OTS2021/3000000099,3000000099,24-10-2021,S2,SERVED", 3),
    ],
)
def test_unknown_account(landing, file_name, row, line_no):
    reason, _ = load_with_bad_row(landing, file_name, row, "unknown_account")
    assert reason == (f"{file_name} line {line_no}: account_no 3000000099 is not among the consumers loaded "
                      "from this dump's consumers.csv")


def test_unknown_beat(landing):
    row = BASE_ROWS["consumers.csv"][0].replace("3000000001", "3000000004").replace(",B1,F1,", ",B9,F1,")
    reason, _ = load_with_bad_row(landing, "consumers.csv", row, "unknown_beat")
    assert reason == ("consumers.csv line 5: beat_code B9 is not among the beats loaded from this dump's "
                      "hierarchy.csv")


def test_unknown_substation(landing):
    reason, _ = load_with_bad_row(
        landing, "camps.csv", "C2,SS9,25-10-2021,25-10-2021 10:00:00,,,S1", "unknown_substation"
    )
    assert reason == ("camps.csv line 3: substation_code SS9 is not among the substations loaded from this "
                      "dump's hierarchy.csv")


def test_unknown_camp_in_visit(landing):
    reason, _ = load_with_bad_row(landing, "camp_visits.csv", "V2,C9,S1,25-10-2021 11:00:00", "unknown_camp")
    assert reason == ("camp_visits.csv line 3: camp_id C9 is not a camp loaded from this or an earlier "
                      "dump's camps.csv")


def test_unknown_camp_in_camp_payment(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,100.00,25-10-2021 12:00:00,CAMP,C9,", "unknown_camp"
    )
    assert reason == ("payments.csv line 4: camp_id C9 is not a camp loaded from this or an earlier "
                      "dump's camps.csv")


def test_camp_payment_without_camp(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,100.00,25-10-2021 12:00:00,CAMP,,", "missing_value"
    )
    assert reason == "payments.csv line 4: camp_id is missing, and channel is CAMP"


def test_camp_ends_before_it_starts(landing):
    reason, _ = load_with_bad_row(
        landing, "camps.csv", "C2,SS2,25-10-2021,25-10-2021 10:00:00,25-10-2021 09:00:00,3,S1",
        "camp_ends_before_start",
    )
    assert reason == ("camps.csv line 3: ended_at '25-10-2021 09:00:00' is before started_at "
                      "'25-10-2021 10:00:00'")


def test_notice_number_of_another_account(landing):
    reason, _ = load_with_bad_row(
        landing, "notice_deliveries.csv", "OTS2021/3000000003,3000000002,24-10-2021,S2,SERVED", "notice_no_mismatch"
    )
    assert reason == ("notice_deliveries.csv line 3: notice_no 'OTS2021/3000000003' is not OTS2021/<account_no> "
                      "for account_no 3000000002")


def test_notice_number_of_another_scheme(landing):
    reason, _ = load_with_bad_row(
        landing, "notice_deliveries.csv", "OTS2019/3000000002,3000000002,24-10-2021,S2,SERVED", "notice_no_mismatch"
    )
    assert reason.startswith("notice_deliveries.csv line 3: notice_no 'OTS2019/3000000002' is not OTS2021/")


def test_lump_sum_with_instalments(landing):
    reason, _ = load_with_bad_row(
        landing, "registrations.csv", "G2,3000000002,25-10-2021 10:00:00,LUMPSUM,3,0.00,N,COUNTER,",
        "instalments_mismatch",
    )
    assert reason == "registrations.csv line 3: instalments 3 is not 1, and payment_option is LUMPSUM"


def test_revised_without_amounts(landing):
    reason, _ = load_with_bad_row(
        landing, "bill_revisions.csv", "Q1,3000000003,REVISED,25-10-2021 15:00:00,,0.00,S1", "missing_value"
    )
    assert reason == "bill_revisions.csv line 3: revised_principal is missing, and event is REVISED"


# --- reversals --------------------------------------------------------------------------------------


def test_reversal_of_loaded_receipt_loads(landing):
    report = load_files(landing, with_rows("payments.csv", "R3,3000000001,-500.00,25-10-2021 18:00:00,COUNTER,,R1"))

    assert report.file("payments.csv").rows_loaded == 3
    assert report.file("payments.csv").rows_quarantined == 0
    assert query("select amount, reverses_receipt_no from billing.payments where receipt_no = 'R3'") == [
        (Decimal("-500.00"), "R1")
    ]


def test_negative_amount_without_reversed_receipt(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,-500.00,25-10-2021 18:00:00,COUNTER,,", "reversal_without_receipt"
    )
    assert reason == "payments.csv line 4: amount '-500.00' is negative but reverses_receipt_no is missing"


def test_reversal_with_positive_amount(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,500.00,25-10-2021 18:00:00,COUNTER,,R1", "reversal_not_negative"
    )
    assert reason == "payments.csv line 4: reverses_receipt_no 'R1' is set but amount '500.00' is not negative"


def test_reversal_of_unknown_receipt(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,-500.00,25-10-2021 18:00:00,COUNTER,,R99", "reversal_unknown_receipt"
    )
    assert reason == "payments.csv line 4: reverses_receipt_no R99 is not a loaded receipt"


def test_reversal_of_another_accounts_receipt(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000002,-500.00,25-10-2021 18:00:00,COUNTER,,R1", "reversal_account_mismatch"
    )
    assert reason == "payments.csv line 4: reverses receipt R1 of account_no 3000000001, not of account_no 3000000002"


def test_reversal_not_exact_negative(landing):
    reason, _ = load_with_bad_row(
        landing, "payments.csv", "R3,3000000001,-400.00,25-10-2021 18:00:00,COUNTER,,R1", "reversal_amount_mismatch"
    )
    assert reason == "payments.csv line 4: amount -400.00 is not the exact negative of receipt R1's 500.00"


def test_receipt_reversed_twice(landing):
    report = load_files(landing, with_rows(
        "payments.csv",
        "R3,3000000001,-500.00,25-10-2021 18:00:00,COUNTER,,R1",
        "R4,3000000001,-500.00,25-10-2021 18:05:00,COUNTER,,R1",
    ))

    assert report.file("payments.csv").rows_loaded == 3
    assert [row[:3] for row in quarantined("payments.csv")] == [
        (5, "receipt_already_reversed", "payments.csv line 5: receipt R1 is already reversed by line 4 of this file")
    ]


def test_reversal_of_quarantined_receipt(landing):
    report = load_files(landing, with_rows(
        "payments.csv",
        "R3,3000000099,700.00,25-10-2021 12:00:00,COUNTER,,",
        "R4,3000000099,-700.00,25-10-2021 18:00:00,COUNTER,,R3",
    ))

    assert report.file("payments.csv").rows_loaded == 2
    assert [row[:2] for row in quarantined("payments.csv")] == [(4, "unknown_account"), (5, "unknown_account")]


# --- hierarchy --------------------------------------------------------------------------------------


def test_beat_under_two_feeders(landing):
    report = load_files(landing, with_rows(
        "hierarchy.csv", f"{HIERARCHY_PREFIX},SS2,उपकेन्द्र दो,F2,फीडर दो,B2,बीट दो",
    ))

    hierarchy = report.file("hierarchy.csv")
    assert (hierarchy.rows_in_manifest, hierarchy.rows_loaded) == (4, 2)
    assert dict(hierarchy.quarantined_by_reason) == {"hierarchy_conflict": 2}
    assert [row[:3] for row in quarantined("hierarchy.csv")] == [
        (3, "hierarchy_conflict", "hierarchy.csv line 3: beat B2 is under more than one feeder (F1, F2)"),
        (5, "hierarchy_conflict", "hierarchy.csv line 5: beat B2 is under more than one feeder (F1, F2)"),
    ]
    # The beat's consumer and that consumer's payment cannot be placed, so they wait in quarantine too.
    assert [row[:2] for row in quarantined("consumers.csv")] == [(3, "unknown_beat")]
    assert [row[:2] for row in quarantined("payments.csv")] == [(3, "unknown_account")]


def test_feeder_under_two_substations(landing):
    report = load_files(landing, with_rows(
        "hierarchy.csv", f"{HIERARCHY_PREFIX},SS2,उपकेन्द्र दो,F1,फीडर एक,B4,बीट चार",
    ))

    assert report.file("hierarchy.csv").rows_loaded == 1
    assert [row[:3] for row in quarantined("hierarchy.csv")] == [
        (line, "hierarchy_conflict", f"hierarchy.csv line {line}: feeder F1 is under more than one substation "
                                     "(SS1, SS2)")
        for line in (2, 3, 5)
    ]
    assert query("select beat_code from billing.hierarchy") == [("B3",)]


def test_unit_with_two_names_warns(landing):
    report = load_files(landing, with_rows(
        "hierarchy.csv", f"{HIERARCHY_PREFIX},SS2,उपकेन्द्र 2,F2,फीडर दो,B4,बीट चार",
    ))

    assert report.file("hierarchy.csv").rows_loaded == 4
    assert dict(report.file("hierarchy.csv").warnings_by_code) == {"unit_name_mismatch": 1}
    assert query("select line_no, warning_code, message from audit.load_warnings") == [
        (4, "unit_name_mismatch",
         "hierarchy.csv line 4: substation SS2 has more than one name ('उपकेन्द्र 2', 'उपकेन्द्र दो')")
    ]


def test_consumer_feeder_disagrees_with_beat(landing):
    files = base_files()
    files["consumers.csv"] = csv_text("consumers.csv", [
        BASE_ROWS["consumers.csv"][0].replace(",B1,F1,", ",B1,F2,"), *BASE_ROWS["consumers.csv"][1:],
    ])
    report = load_files(landing, files)

    assert report.file("consumers.csv").rows_loaded == 3
    assert report.file("consumers.csv").rows_quarantined == 0
    assert dict(report.file("consumers.csv").warnings_by_code) == {"feeder_mismatch": 1}
    assert query("select line_no, warning_code, message from audit.load_warnings") == [
        (2, "feeder_mismatch", "consumers.csv line 2: feeder_code F2 is not the feeder of beat B1 (F1 in "
                               "hierarchy.csv); the beat decides")
    ]


# --- mobiles ----------------------------------------------------------------------------------------


def test_mobile_numbers_normalised(landing):
    mobiles = {
        "3000000011": ("9876543210", "9876543210"),
        "3000000012": ("+91 98765 43210", "9876543210"),
        "3000000013": ("09876543210", "9876543210"),
        "3000000014": ("919876543210", "9876543210"),
        "3000000015": ("98765-43210", "9876543210"),
        "3000000016": ("5876543210", None),
        "3000000017": ("987654321", None),
        "3000000018": ("", None),
        "3000000019": ("call office", None),
    }
    rows = [
        f"{account},Name,,,{mobile},LMV-1,URBAN,1,KW,ACTIVE,B1,F1,10.00,1.00,30-09-2021,N,"
        for account, (mobile, _expected) in mobiles.items()
    ]
    report = load_files(landing, with_rows("consumers.csv", *rows))

    assert report.file("consumers.csv").rows_quarantined == 0
    normalised = query(
        "select account_no, mobile_normalised from billing.consumers where account_no like '300000001_'"
    )
    assert dict(normalised) == {account: expected for account, (_mobile, expected) in mobiles.items()}
    assert query("select staff_id, mobile_normalised from billing.staff order by staff_id") == [
        ("S1", "9876543210"), ("S2", "9876543211"),
    ]
