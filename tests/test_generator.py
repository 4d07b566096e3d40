"""The dump generator at tiny scale: determinism, manifests, contract format, realism, breaks."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from samadhan.cli import main
from samadhan.contract import DUMP_FILES, FILES_BY_NAME, MANIFEST_NAME, PAYMENT_CHANNELS
from samadhan.generator import generate_dumps

SEED = 11
DAYS = 3
PLAIN_AMOUNT = re.compile(r"-?\d+(\.\d{1,2})?")
CONTROL_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def read_rows(path: Path) -> list[list[str]]:
    """Return the data rows of a dump file as Python's csv module reads them."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[1:]


def read_records_strictly(path: Path) -> list[list[str] | None]:
    """Return the data records as a strict CSV reader reads them, None for each it rejects."""
    records: list[list[str] | None] = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        next(reader)
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error:
                record = None  # the reader rejects the record and goes on with the next line
            if record != []:
                records.append(record)
    return records


def read_header(path: Path) -> tuple[str, ...]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return tuple(next(csv.reader(handle)))


def read_ledger(ledger_dir: Path, folder: Path) -> dict[str, set[int]]:
    """Return file name -> data row numbers (from 1) that the generator broke on purpose."""
    broken: dict[str, set[int]] = {}
    with open(ledger_dir / f"{folder.name}.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            broken.setdefault(row["file_name"], set()).add(int(row["row_number"]))
    return broken


def clean_rows(folder: Path, ledger: dict[str, set[int]], name: str) -> list[dict[str, str]]:
    """Return the rows of a file that the generator did not break, as dicts by column."""
    header = FILES_BY_NAME[name].header
    rows = read_rows(folder / name)
    return [
        dict(zip(header, row, strict=True))
        for number, row in enumerate(rows, start=1)
        if number not in ledger.get(name, set())
    ]


@pytest.fixture(scope="module")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    root = tmp_path_factory.mktemp("dumps")
    folders = generate_dumps(root / "landing", "tiny", DAYS, SEED, ledger_dir=root / "ledger")
    return folders, root / "ledger"


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_same_seed_gives_same_bytes(tmp_path: Path) -> None:
    first = generate_dumps(tmp_path / "first", "tiny", 2, SEED)
    second = generate_dumps(tmp_path / "second", "tiny", 2, SEED)
    other = generate_dumps(tmp_path / "other", "tiny", 2, SEED + 1)

    assert [folder.name for folder in first] == ["2021-10-21", "2021-10-22"]
    for one, two in zip(first, second, strict=True):
        assert folder_bytes(one) == folder_bytes(two)
    assert folder_bytes(first[0])["consumers.csv"] != folder_bytes(other[0])["consumers.csv"]
    assert folder_bytes(first[1])["payments.csv"] != folder_bytes(other[1])["payments.csv"]


def test_workers_do_not_change_bytes(tmp_path: Path) -> None:
    alone = generate_dumps(tmp_path / "alone", "tiny", 2, SEED, workers=1, chunk_consumers=40)
    pooled = generate_dumps(tmp_path / "pooled", "tiny", 2, SEED, workers=2, chunk_consumers=40)

    for one, two in zip(alone, pooled, strict=True):
        assert folder_bytes(one) == folder_bytes(two)


def test_ledger_rows_point_at_broken_rows(tmp_path: Path) -> None:
    # Small chunks, so that ledger row numbers must be carried across chunk boundaries.
    folders = generate_dumps(tmp_path / "landing", "tiny", 3, SEED, chunk_consumers=40,
                             ledger_dir=tmp_path / "ledger")
    checked = 0
    for folder in folders:
        with open(tmp_path / "ledger" / f"{folder.name}.csv", encoding="utf-8", newline="") as handle:
            entries = list(csv.DictReader(handle))
        for entry in entries:
            header = FILES_BY_NAME[entry["file_name"]].header
            row = read_rows(folder / entry["file_name"])[int(entry["row_number"]) - 1]
            if entry["kind"] == "wrong_column_count":
                assert len(row) != len(header), entry
                checked += 1
            elif entry["kind"] == "bad_account_no":
                assert not re.fullmatch(r"\d{10}", row[0]), entry
                checked += 1
            elif entry["kind"] == "amount_three_places":
                assert any(re.fullmatch(r"-?\d+\.\d{3}", cell) for cell in row), entry
                checked += 1

    assert checked >= 3


def test_start_date_names_folders(tmp_path: Path) -> None:
    folders = generate_dumps(tmp_path, "tiny", 2, SEED, start=date(2021, 11, 1))

    assert [folder.name for folder in folders] == ["2021-11-01", "2021-11-02"]
    manifest = json.loads((folders[1] / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["dump_date"] == "2021-11-02"


def test_folder_holds_every_file_and_manifest(dumps) -> None:
    folders, _ = dumps
    expected = {dump_file.name for dump_file in DUMP_FILES} | {MANIFEST_NAME}

    for folder in folders:
        assert {path.name for path in folder.iterdir()} == expected


def test_headers_match_contract(dumps) -> None:
    folders, _ = dumps

    for folder in folders:
        for dump_file in DUMP_FILES:
            assert read_header(folder / dump_file.name) == dump_file.header, dump_file.name


def test_manifest_matches_files(dumps) -> None:
    folders, _ = dumps

    for folder in folders:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        assert manifest["dump_date"] == folder.name
        assert manifest["source_system"]
        generated = datetime.strptime(manifest["generated_at"], "%d-%m-%Y %H:%M:%S")
        assert generated.date().isoformat() == folder.name
        assert [entry["name"] for entry in manifest["files"]] == [dump_file.name for dump_file in DUMP_FILES]
        for entry in manifest["files"]:
            dump_file = FILES_BY_NAME[entry["name"]]
            path = folder / entry["name"]
            rows = read_rows(path)
            assert entry["rows"] == len(rows), entry["name"]
            assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), entry["name"]
            if dump_file.amount_column is None:
                assert "amount_total" not in entry
                continue
            # The control total adds the trimmed amount cells that are plain decimals (any places)
            # in records a strict reader splits into the header's field count, rounded half up.
            index = dump_file.header.index(dump_file.amount_column)
            total = sum(
                (Decimal(record[index].strip()) for record in read_records_strictly(path)
                 if record is not None and len(record) == len(dump_file.header)
                 and CONTROL_AMOUNT.fullmatch(record[index].strip())),
                Decimal("0"),
            )
            assert entry["amount_total"] == str(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)), entry["name"]


def test_manifest_is_written_last(dumps) -> None:
    folders, _ = dumps

    for folder in folders:
        manifest_time = (folder / MANIFEST_NAME).stat().st_mtime_ns
        for dump_file in DUMP_FILES:
            assert (folder / dump_file.name).stat().st_mtime_ns <= manifest_time, dump_file.name
        assert not list(folder.glob("*.tmp"))


def test_rewrite_removes_manifest_first(tmp_path: Path) -> None:
    folder = generate_dumps(tmp_path, "tiny", 1, SEED)[0]
    (folder / MANIFEST_NAME).write_text("stale", encoding="utf-8")

    generate_dumps(tmp_path, "tiny", 1, SEED)

    assert json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))["dump_date"] == "2021-10-21"


def test_addresses_with_line_breaks_parse(dumps) -> None:
    folders, ledger_dir = dumps
    folder = folders[0]
    rows = clean_rows(folder, read_ledger(ledger_dir, folder), "consumers.csv")
    multi_line = [row["address"] for row in rows if "\n" in row["address"]]
    quoted = [row["address"] for row in rows if '"' in row["address"]]

    assert multi_line, "no address with a line break"
    assert quoted, "no address with a quote"
    assert all("," in address for address in multi_line)
    # Each record still has all 17 fields and a 10-digit account number after the multi-line cell.
    assert all(re.fullmatch(r"\d{10}", row["account_no"]) for row in rows)


def test_consumers_look_real(dumps) -> None:
    folders, ledger_dir = dumps
    folder = folders[0]
    rows = clean_rows(folder, read_ledger(ledger_dir, folder), "consumers.csv")
    accounts = [row["account_no"] for row in rows]
    tariffs = Counter(row["tariff_category"] for row in rows)
    mobiles = [row["mobile"] for row in rows]

    assert len(set(accounts)) == len(accounts)
    assert tariffs.most_common(1)[0][0] == "LMV-1"
    assert {"LMV-2", "LMV-5"} <= set(tariffs)
    assert any(re.search("[\u0900-\u097f]", row["consumer_name"]) for row in rows)
    assert any(row["consumer_name"].isascii() for row in rows)
    assert any(re.fullmatch(r"[6-9]\d{9}", mobile) for mobile in mobiles)
    assert any(re.fullmatch(r"\+91 \d{5} \d{5}", mobile) for mobile in mobiles)
    assert any(re.fullmatch(r"0[6-9]\d{9}", mobile) for mobile in mobiles)
    assert "" in mobiles
    assert {row["dues_cutoff_date"] for row in rows} == {"30-09-2021"}
    assert all(re.fullmatch(r"\d+\.\d{2}", row["principal_arrears"]) for row in rows)
    tube_wells = [row for row in rows if row["tariff_category"] == "LMV-5"]
    assert any(row["load_unit"] == "BHP" for row in tube_wells)


def test_notice_numbers_carry_account(dumps) -> None:
    folders, ledger_dir = dumps
    notices = []
    for folder in folders:
        notices += clean_rows(folder, read_ledger(ledger_dir, folder), "notice_deliveries.csv")

    assert notices
    assert all(row["notice_no"] == f"OTS2021/{row['account_no']}" for row in notices)
    assert "SERVED" in {row["outcome"] for row in notices}


def test_every_channel_appears(dumps) -> None:
    folders, ledger_dir = dumps
    channels = set()
    for folder in folders:
        channels |= {row["channel"] for row in clean_rows(folder, read_ledger(ledger_dir, folder), "payments.csv")}

    assert channels == set(PAYMENT_CHANNELS)


def test_camp_payments_name_a_held_camp(dumps) -> None:
    folders, ledger_dir = dumps
    camps = {}
    for folder in folders:
        ledger = read_ledger(ledger_dir, folder)
        camps.update({row["camp_id"]: row for row in clean_rows(folder, ledger, "camps.csv")})
        hierarchy = {row["beat_code"]: row for row in clean_rows(folder, ledger, "hierarchy.csv")}
        beat_of = {row["account_no"]: row["beat_code"] for row in clean_rows(folder, ledger, "consumers.csv")}
        camp_payments = [row for row in clean_rows(folder, ledger, "payments.csv") if row["channel"] == "CAMP"]
        for payment in camp_payments:
            camp = camps[payment["camp_id"]]
            assert camp["camp_date"] == payment["paid_at"][:10]
            substation = hierarchy[beat_of[payment["account_no"]]]["substation_code"]
            assert camp["substation_code"] == substation


def test_reversal_cancels_earlier_receipt(dumps) -> None:
    folders, ledger_dir = dumps
    receipts: dict[str, dict[str, str]] = {}
    reversals = []
    for folder in folders:
        for row in clean_rows(folder, read_ledger(ledger_dir, folder), "payments.csv"):
            if row["reverses_receipt_no"]:
                reversals.append(row)
            else:
                receipts.setdefault(row["receipt_no"], row)

    assert reversals, "no reversal in three days"
    for reversal in reversals:
        original = receipts[reversal["reverses_receipt_no"]]
        assert original["account_no"] == reversal["account_no"]
        assert Decimal(reversal["amount"]) == -Decimal(original["amount"])
        reversed_at = datetime.strptime(reversal["paid_at"], "%d-%m-%Y %H:%M:%S")
        assert reversed_at > datetime.strptime(original["paid_at"], "%d-%m-%Y %H:%M:%S")


def test_receipt_sent_again_on_later_day(dumps) -> None:
    folders, ledger_dir = dumps
    first_seen: dict[str, tuple[str, dict[str, str]]] = {}
    identical = 0
    for folder in folders:
        for row in clean_rows(folder, read_ledger(ledger_dir, folder), "payments.csv"):
            earlier = first_seen.get(row["receipt_no"])
            if earlier is None:
                first_seen[row["receipt_no"]] = (folder.name, row)
            elif earlier[0] != folder.name and earlier[1] == row:
                identical += 1

    assert identical >= 1


def test_registrations_follow_options(dumps) -> None:
    folders, ledger_dir = dumps
    rows = []
    for folder in folders:
        rows += clean_rows(folder, read_ledger(ledger_dir, folder), "registrations.csv")

    assert {row["payment_option"] for row in rows} == {"LUMPSUM", "INSTALMENT"}
    for row in rows:
        if row["payment_option"] == "LUMPSUM":
            assert row["instalments"] == "1"
        else:
            assert 2 <= int(row["instalments"]) <= 6


def test_events_are_not_after_dump_date(dumps) -> None:
    folders, ledger_dir = dumps
    late = 0
    for folder in folders:
        ledger = read_ledger(ledger_dir, folder)
        dump_day = date.fromisoformat(folder.name)
        for dump_file in DUMP_FILES:
            if dump_file.event_date_column is None:
                continue
            for row in clean_rows(folder, ledger, dump_file.name):
                event_day = datetime.strptime(row[dump_file.event_date_column][:10], "%d-%m-%Y").date()
                assert event_day <= dump_day, (dump_file.name, row)
                late += event_day < dump_day

    assert late >= 1, "no event reported a day or more late"


def test_targets_cover_every_level(dumps) -> None:
    folders, ledger_dir = dumps
    first_two = []
    for folder in folders[:2]:
        first_two += clean_rows(folder, read_ledger(ledger_dir, folder), "targets.csv")

    levels = {row["unit_level"] for row in first_two}
    assert levels == {"ZONE", "CIRCLE", "DIVISION", "SUBDIVISION", "SUBSTATION", "FEEDER", "BEAT"}
    assert {row["set_on"] for row in first_two} == {"21-10-2021", "22-10-2021"}
    assert all(int(row["target_consumers"]) >= 1 for row in first_two)


def test_breaks_are_few_and_varied(dumps) -> None:
    folders, ledger_dir = dumps
    kinds = Counter()
    for folder in folders:
        with open(ledger_dir / f"{folder.name}.csv", encoding="utf-8", newline="") as handle:
            entries = list(csv.DictReader(handle))
        assert len(entries) >= 3, folder.name
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        rows_of = {entry["name"]: entry["rows"] for entry in manifest["files"]}
        per_file = Counter(entry["file_name"] for entry in entries)
        for name, broken in per_file.items():
            if rows_of[name] >= 101:
                assert broken / rows_of[name] < 0.01, name
            else:
                assert broken <= 1, name
        kinds.update(entry["kind"] for entry in entries)

    assert len(kinds) >= 5


def test_clean_dump_has_only_well_formed_rows(tmp_path: Path) -> None:
    folders = generate_dumps(tmp_path / "landing", "tiny", 2, SEED, contract_breaks=False,
                             ledger_dir=tmp_path / "ledger")

    for folder in folders:
        assert read_ledger(tmp_path / "ledger", folder) == {}
        for dump_file in DUMP_FILES:
            rows = read_rows(folder / dump_file.name)
            assert all(len(row) == len(dump_file.header) for row in rows), dump_file.name


def test_beat_under_two_feeders_on_request(tmp_path: Path) -> None:
    folder = generate_dumps(tmp_path, "tiny", 1, SEED, beat_under_two_feeders=True)[0]
    rows = read_rows(folder / "hierarchy.csv")
    header = FILES_BY_NAME["hierarchy.csv"].header
    feeders_of: dict[str, set[str]] = {}
    for row in rows:
        record = dict(zip(header, row, strict=True))
        feeders_of.setdefault(record["beat_code"], set()).add(record["feeder_code"])

    assert [beat for beat, feeders in feeders_of.items() if len(feeders) > 1] == ["B0000001"]


def test_hierarchy_is_one_tree_by_default(dumps) -> None:
    folders, _ = dumps
    rows = read_rows(folders[0] / "hierarchy.csv")

    assert len({row[-2] for row in rows}) == len(rows) == 12
    assert all(re.search("[\u0900-\u097f]", row[1]) for row in rows)


def test_snapshot_files_use_bom_and_crlf(dumps) -> None:
    folders, _ = dumps
    data = (folders[0] / "consumers.csv").read_bytes()

    assert data.startswith("\ufeff".encode())
    assert b"\r\n" in data
    assert not (folders[0] / "payments.csv").read_bytes().startswith("\ufeff".encode())


def test_command_writes_folders(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["generate", "--scale", "tiny", "--days", "1", "--seed", "3", "--out", str(tmp_path)]
    )

    assert result.exit_code == 0, result.output
    assert (tmp_path / "2021-10-21" / MANIFEST_NAME).exists()
    assert result.output.strip().endswith("2021-10-21")


def test_unknown_scale_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown scale 'county'"):
        generate_dumps(tmp_path, "county", 1, SEED)


def test_csv_module_reads_broken_quoting_as_one_record() -> None:
    line = 'RC1,"Ram "Pappu" Yadav",5.00\n'

    assert list(csv.reader(io.StringIO(line))) == [["RC1", 'Ram Pappu" Yadav"', "5.00"]]


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    root = tmp_path_factory.mktemp("week")
    folders = generate_dumps(root / "landing", "tiny", 8, SEED, ledger_dir=root / "ledger")
    return folders, root / "ledger"


def rows_by_day(folders: list[Path], ledger_dir: Path, name: str) -> list[tuple[str, dict[str, str]]]:
    rows = []
    for folder in folders:
        rows += [(folder.name, row) for row in clean_rows(folder, read_ledger(ledger_dir, folder), name)]
    return rows


def test_revision_follows_its_request(week) -> None:
    folders, ledger_dir = week
    events: dict[str, dict[str, dict[str, str]]] = {}
    for _, row in rows_by_day(folders, ledger_dir, "bill_revisions.csv"):
        events.setdefault(row["request_no"], {}).setdefault(row["event"], row)

    decided = {number: kinds for number, kinds in events.items() if {"REVISED", "REJECTED"} & set(kinds)}
    assert decided, "no revision request was decided in eight days"
    for kinds in decided.values():
        requested = datetime.strptime(kinds["REQUESTED"]["event_at"], "%d-%m-%Y %H:%M:%S")
        decision = kinds.get("REVISED") or kinds["REJECTED"]
        assert datetime.strptime(decision["event_at"], "%d-%m-%Y %H:%M:%S") > requested
    for kinds in events.values():
        if "REVISED" in kinds:
            assert PLAIN_AMOUNT.fullmatch(kinds["REVISED"]["revised_principal"])
            assert kinds["REVISED"]["acted_by_staff_id"].startswith("EMP")
        for notice in ("SMS_SENT", "WEB_PUBLISHED"):
            if notice in kinds:
                assert "REVISED" in kinds


def test_some_pay_before_registering(week) -> None:
    folders, ledger_dir = week
    registered_on = {}
    for _, row in rows_by_day(folders, ledger_dir, "registrations.csv"):
        day = datetime.strptime(row["registered_at"][:10], "%d-%m-%Y").date()
        registered_on[row["account_no"]] = min(day, registered_on.get(row["account_no"], day))
    early = [
        row for _, row in rows_by_day(folders, ledger_dir, "payments.csv")
        if row["account_no"] in registered_on
        and datetime.strptime(row["paid_at"][:10], "%d-%m-%Y").date() < registered_on[row["account_no"]]
    ]

    assert early


def test_instalments_arrive_on_later_days(week) -> None:
    folders, ledger_dir = week
    instalment_accounts = {
        row["account_no"] for _, row in rows_by_day(folders, ledger_dir, "registrations.csv")
        if row["payment_option"] == "INSTALMENT"
    }
    paid_days: dict[str, set[str]] = {}
    for _, row in rows_by_day(folders, ledger_dir, "payments.csv"):
        if row["account_no"] in instalment_accounts and not row["reverses_receipt_no"]:
            paid_days.setdefault(row["account_no"], set()).add(row["paid_at"][:10])

    assert any(len(days) >= 2 for days in paid_days.values())


def test_consumer_snapshot_changes_a_little(week) -> None:
    folders, ledger_dir = week
    first = {row["account_no"]: row for row in clean_rows(folders[0], read_ledger(ledger_dir, folders[0]),
                                                           "consumers.csv")}
    last = {row["account_no"]: row for row in clean_rows(folders[-1], read_ledger(ledger_dir, folders[-1]),
                                                          "consumers.csv")}

    added = set(last) - set(first)
    kept = set(first) & set(last)
    assert added, "no consumer joined in eight days"
    assert len(kept) >= 0.95 * len(first)
    same = sum(first[account] == last[account] for account in kept)
    assert same >= 0.98 * len(kept)


def test_camps_held_at_most_substations(week) -> None:
    folders, ledger_dir = week
    camps = rows_by_day(folders, ledger_dir, "camps.csv")
    held = Counter(row["substation_code"] for _, row in camps)

    assert set(held) == {"SS00001", "SS00002", "SS00003"}
    assert len(camps) >= 0.75 * 3 * len(folders)
    assert all(day == datetime.strptime(row["camp_date"], "%d-%m-%Y").date().isoformat() for day, row in camps)


def test_strict_reader_counts_manifest_rows(dumps) -> None:
    folders, _ = dumps

    for folder in folders:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        for entry in manifest["files"]:
            records = read_records_strictly(folder / entry["name"])
            assert len(records) == entry["rows"], (folder.name, entry["name"])
