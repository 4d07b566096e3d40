"""Small hand-written dumps for the loader tests (this module holds helpers, no tests).

`base_files()` is one consistent day: 3 beats, 2 staff, 3 consumers and one good row in every
event file. A test changes or adds rows as CSV text, and `write_dump` writes the folder with a
manifest that matches the bytes, unless the test overrides a manifest field.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from samadhan.contract import FILES_BY_NAME, MANIFEST_NAME

DUMP_DATE = "2021-10-25"

HIERARCHY_PREFIX = "UPPCL1,मध्यांचल,Z1,लखनऊ क्षेत्र,C1,मण्डल एक,D1,खण्ड एक,SD1,उपखण्ड एक"

BASE_ROWS = {
    "hierarchy.csv": [
        f"{HIERARCHY_PREFIX},SS1,उपकेन्द्र एक,F1,फीडर एक,B1,बीट एक",
        f"{HIERARCHY_PREFIX},SS1,उपकेन्द्र एक,F1,फीडर एक,B2,बीट दो",
        f"{HIERARCHY_PREFIX},SS2,उपकेन्द्र दो,F2,फीडर दो,B3,बीट तीन",
    ],
    "staff.csv": [
        "S1,Ram Kumar,JE,SUBSTATION,SS1,+91 98765 43210",
        "S2,श्याम लाल,METER_READER,BEAT,B1,09876543211",
    ],
    "consumers.csv": [
        '3000000001,Ram Lal,Shiv Lal,"House 1, Lane 2",9876543210,LMV-1,URBAN,1.500,KW,ACTIVE,B1,F1,'
        "1000.00,200.00,30-09-2021,N,15-08-2021",
        "3000000002,सीता देवी,,ग्राम रामपुर,919876543212,LMV-2,RURAL,3.000,KVA,TD,B2,F1,"
        "2500.50,300.25,30-09-2021,N,",
        "3000000003,Mohan Singh,Ram Singh,Khet 7,rubbish,LMV-5,RURAL,7.5,BHP,PD,B3,F2,"
        "40000.00,12000.00,30-09-2021,Y,01-01-2020",
    ],
    "camps.csv": ["C1,SS1,25-10-2021,25-10-2021 10:00:00,25-10-2021 16:00:00,12,S1"],
    "camp_visits.csv": ["V1,C1,S1,25-10-2021 11:00:00"],
    "payments.csv": [
        "R1,3000000001,500.00,25-10-2021 10:30:00,COUNTER,,",
        "R2,3000000002,250.50,25-10-2021 11:00:00,CAMP,C1,",
    ],
    "registrations.csv": ["G1,3000000001,25-10-2021 10:00:00,LUMPSUM,1,0.00,N,COUNTER,"],
    "bill_revisions.csv": ["Q1,3000000003,REQUESTED,25-10-2021 12:00:00,,,S1"],
    "notice_deliveries.csv": ["OTS2021/3000000001,3000000001,24-10-2021,S2,SERVED"],
    "targets.csv": ["BEAT,B1,LMV1_UPTO_2KW,10,5000.00,S1,22-10-2021"],
}


def header(file_name: str) -> str:
    return ",".join(FILES_BY_NAME[file_name].header)


def csv_text(file_name: str, rows: list[str]) -> str:
    """Return a file's CSV text: the contract's header, then the rows, LF line ends."""
    return "".join(line + "\n" for line in [header(file_name), *rows])


def base_files() -> dict[str, str]:
    """Return the CSV text of every file of the base day."""
    return {name: csv_text(name, rows) for name, rows in BASE_ROWS.items()}


def with_rows(file_name: str, *rows: str) -> dict[str, str]:
    """Return the base day with `rows` added at the end of `file_name`."""
    files = base_files()
    files[file_name] = csv_text(file_name, BASE_ROWS[file_name] + list(rows))
    return files


_PLAIN_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_NOT_TEXT = re.compile("[\x00\udc80-\udcff]")


def manifest_entry(file_name: str, content: bytes) -> dict[str, object]:
    """Describe a file as a correct exporter would: data rows per RFC 4180, sha256, amount_total.

    The control total adds the amount of every row that has the header's number of fields, is valid
    UTF-8 and whose amount is a plain decimal number.
    """
    text = content.decode("utf-8-sig", "surrogateescape")
    csv.field_size_limit(1 << 26)
    records = [record for record in csv.reader(io.StringIO(text, newline="")) if record]
    entry: dict[str, object] = {
        "name": file_name,
        "rows": max(len(records) - 1, 0),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    dump_file = FILES_BY_NAME[file_name]
    if dump_file.amount_column is not None:
        position = dump_file.header.index(dump_file.amount_column)
        total = Decimal("0.00")
        for record in records[1:]:
            if len(record) != len(dump_file.header) or any(_NOT_TEXT.search(value) for value in record):
                continue
            value = record[position].strip()
            if _PLAIN_DECIMAL.match(value):
                total += Decimal(value)
        entry["amount_total"] = str(total)
    return entry


def write_dump(
    landing: Path,
    files: Mapping[str, str | bytes],
    dump_date: str = DUMP_DATE,
    manifest_changes: Mapping[str, Mapping[str, object]] | None = None,
    manifest: bool = True,
) -> Path:
    """Write a dump folder `<landing>/<dump_date>/` and return it.

    Text is written as UTF-8 bytes exactly as given (so CRLF or a BOM stays); bytes are written as they
    are. `manifest_changes` overrides fields of a file's manifest entry, e.g. a wrong row count.
    """
    folder = landing / dump_date
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for file_name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / file_name).write_bytes(data)
        entry = manifest_entry(file_name, data)
        entry.update((manifest_changes or {}).get(file_name, {}))
        entries.append(entry)
    if manifest:
        document = {
            "dump_date": dump_date,
            "source_system": "rural-billing",
            "generated_at": "25-10-2021 23:41:07",
            "files": entries,
        }
        (folder / MANIFEST_NAME).write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder
