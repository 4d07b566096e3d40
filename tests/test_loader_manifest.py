"""Loader: a dump that disagrees with its manifest is rejected whole, and earlier loads stay as they were.

Each test first loads the good base day, then tries a broken re-delivery of the same date, checks the
`DumpRejected` message, and compares every loader table with what it held before.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from test_loader_dumps import BASE_ROWS, base_files, csv_text, header, write_dump

from samadhan.contract import FILES_BY_NAME
from samadhan.loading import DumpRejected, load_dump
from samadhan.warehouse import connect

LOADER_TABLES = [dump_file.table for dump_file in FILES_BY_NAME.values()] + [
    "audit.file_loads", "audit.quarantine", "audit.resends", "audit.load_warnings", "audit.dump_loads",
]


@pytest.fixture
def loaded(warehouse, tmp_path, monkeypatch):
    """The base day loaded once; returns the folder where a test writes its re-delivery."""
    monkeypatch.setenv("SAMADHAN_STATE_DIR", str(tmp_path / "state"))
    load_dump(write_dump(tmp_path / "first", base_files()))
    return tmp_path / "landing"


def table_contents() -> dict[str, list[tuple]]:
    with connect() as conn:
        return {table: sorted(conn.execute(f"select * from {table}").fetchall(), key=repr) for table in LOADER_TABLES}


def assert_rejected(folder, message: str) -> None:
    """Load `folder`, expect `DumpRejected` with exactly `message`, and expect no table to change."""
    before = table_contents()
    assert len(before["billing.payments"]) == 2
    with pytest.raises(DumpRejected) as rejection:
        load_dump(folder)
    assert str(rejection.value) == message
    assert table_contents() == before


def test_no_manifest_still_arriving(loaded):
    folder = write_dump(loaded, base_files(), manifest=False)

    assert_rejected(folder, f"{folder}: no _manifest.json yet, so the dump is still arriving")


def test_manifest_not_json(loaded):
    folder = write_dump(loaded, base_files())
    (folder / "_manifest.json").write_text('{"dump_date": "2021-10-25", "files": [', encoding="utf-8")

    with pytest.raises(DumpRejected, match=r"_manifest.json: not valid JSON \(Expecting value"):
        load_dump(folder)


def test_manifest_date_not_folder_date(loaded):
    folder = write_dump(loaded, base_files())
    folder = folder.rename(folder.parent / "2021-10-26")

    assert_rejected(folder, "_manifest.json: dump_date 2021-10-25 does not match the folder 2021-10-26")


def test_missing_file(loaded):
    folder = write_dump(loaded, base_files())
    (folder / "payments.csv").unlink()

    assert_rejected(folder, f"payments.csv: listed in _manifest.json but missing from {folder}")


def test_file_not_in_manifest(loaded):
    folder = write_dump(loaded, base_files())
    manifest = json.loads((folder / "_manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = [entry for entry in manifest["files"] if entry["name"] != "targets.csv"]
    (folder / "_manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    assert_rejected(folder, "_manifest.json: does not list targets.csv")


def test_wrong_row_count(loaded):
    folder = write_dump(loaded, base_files(), manifest_changes={"payments.csv": {"rows": 5}})

    assert_rejected(folder, "payments.csv: 2 data rows in the file, but _manifest.json says 5")


def test_quoted_line_break_counts_one_row(loaded):
    # An exporter that counted lines, not records, is caught: 4 data lines hold 3 rows.
    files = base_files()
    files["consumers.csv"] = files["consumers.csv"].replace('"House 1, Lane 2"', '"House 1,\nLane 2"')
    folder = write_dump(loaded, files, manifest_changes={"consumers.csv": {"rows": 4}})

    assert_rejected(folder, "consumers.csv: 3 data rows in the file, but _manifest.json says 4")


def test_wrong_checksum(loaded):
    files = base_files()
    folder = write_dump(loaded, files)
    # Same row count, different bytes: the file changed after the manifest was written.
    changed = files["staff.csv"].replace("Ram Kumar", "Ram Kumari").encode()
    (folder / "staff.csv").write_bytes(changed)

    listed = hashlib.sha256(files["staff.csv"].encode()).hexdigest()
    actual = hashlib.sha256(changed).hexdigest()
    assert_rejected(folder, f"staff.csv: sha256 is {actual}, but _manifest.json says {listed}")


def test_wrong_control_total(loaded):
    folder = write_dump(loaded, base_files(), manifest_changes={"payments.csv": {"amount_total": "750.00"}})

    assert_rejected(folder, "payments.csv: amount adds up to 750.50, but _manifest.json amount_total says 750.00")


def test_control_total_leaves_out_unparsable_amounts(loaded):
    # 500.00 + 250.50 parse; '1,250.00' does not, so the exporter's total must be 750.50 to load.
    files = base_files()
    files["payments.csv"] = csv_text("payments.csv", [
        *BASE_ROWS["payments.csv"], 'R3,3000000001,"1,250.00",25-10-2021 12:00:00,COUNTER,,',
    ])
    folder = write_dump(loaded, files, manifest_changes={"payments.csv": {"amount_total": "2000.50"}})

    assert_rejected(folder, "payments.csv: amount adds up to 750.50, but _manifest.json amount_total says 2000.50")


def test_header_not_the_contracts(loaded):
    files = base_files()
    files["payments.csv"] = files["payments.csv"].replace("receipt_no,account_no,amount,", "receipt_no,account,amount,")
    folder = write_dump(loaded, files)

    assert_rejected(folder, (
        "payments.csv: header does not match the contract (missing account_no; unknown account); "
        "expected: receipt_no,account_no,amount,paid_at,channel,camp_id,reverses_receipt_no"
    ))


def test_header_missing_a_column(loaded):
    files = base_files()
    files["camp_visits.csv"] = "visit_id,camp_id,visited_at\nV1,C1,25-10-2021 11:00:00\n"
    folder = write_dump(loaded, files)

    assert_rejected(folder, (
        "camp_visits.csv: header does not match the contract (missing staff_id); "
        "expected: visit_id,camp_id,staff_id,visited_at"
    ))


def test_empty_file(loaded):
    files = base_files()
    files["registrations.csv"] = ""
    folder = write_dump(loaded, files)

    assert_rejected(folder, "registrations.csv: empty file (0 bytes); every file needs at least its header row")


def test_consumers_with_header_only(loaded):
    files = base_files()
    files["consumers.csv"] = header("consumers.csv") + "\n"
    folder = write_dump(loaded, files)

    assert_rejected(folder, (
        "consumers.csv: no data rows; a snapshot file lists every row as of the dump date, "
        "so an empty one would remove them all"
    ))


def test_unknown_extra_file_is_ignored(loaded, caplog):
    folder = write_dump(loaded, base_files())
    (folder / "notes.txt").write_text("exported by hand", encoding="utf-8")

    report = load_dump(folder)

    assert report.rows_quarantined == 0
    assert "ignoring files the dump contract does not know: notes.txt" in caplog.text
