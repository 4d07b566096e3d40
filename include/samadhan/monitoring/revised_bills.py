"""Revised bills out: the SMS outbox, the website's list and the field staff's list for day D.

Every bill REVISED in D's dump gets a row in `sms_outbox.csv` (an SMS to the consumer's mobile, or
the reason none can be sent) and in `web_publication.csv`. Consumers with no usable mobile are also
listed in `field_delivery.csv`, with their address and the beat's meter reader, so that the revised
bill reaches them by hand. The mobile is the loader's `mobile_normalised` (10 digits starting 6-9).
"""

from __future__ import annotations

import csv
import logging
import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg

from samadhan.reports.csv_copy import csv_text
from samadhan.reports.formatting import format_date_hi, format_indian
from samadhan.settings import load_settings
from samadhan.warehouse import connect

log = logging.getLogger(__name__)

# A message with any character outside GSM 03.38 (Devanagari included) is sent as UCS-2: one segment
# holds 70 UTF-16 units, and each segment of a concatenated message holds 67.
UCS2_SINGLE_SEGMENT = 70
UCS2_CONCATENATED_SEGMENT = 67
SMS_MAX_SEGMENTS = 2

SMS_OUTBOX_FILE = "sms_outbox.csv"
WEB_PUBLICATION_FILE = "web_publication.csv"
FIELD_DELIVERY_FILE = "field_delivery.csv"

SMS_COLUMNS = ("request_no", "account_no", "mobile", "dlt_template_id", "message", "segments", "unsent_reason")
WEB_COLUMNS = (
    "request_no", "account_no", "consumer_name", "revised_on", "revised_principal", "revised_lpsc",
    "revised_amount", "last_date",
)
FIELD_COLUMNS = (
    "request_no", "account_no", "consumer_name", "guardian_name", "address", "beat_code", "beat_name",
    "feeder_code", "substation_code", "subdivision_code", "revised_amount", "last_date", "unsent_reason",
    "unsent_reason_hi", "meter_reader_id", "meter_reader_name", "meter_reader_mobile",
)

# Reason no SMS can go out, with the Hindi wording the field staff read.
UNSENT_REASONS_HI = {
    "NOT_IN_CONSUMER_LIST": "खाता दिन की उपभोक्ता सूची में नहीं है",
    "NO_MOBILE": "मोबाइल नम्बर दर्ज नहीं है",
    "INVALID_MOBILE": "मोबाइल नम्बर सही नहीं है",
}

_REVISED_BILLS_SQL = """
select
    revisions.request_no,
    revisions.account_no,
    revisions.event_at::date as revised_on,
    revisions.revised_principal,
    revisions.revised_lpsc,
    consumers.account_no is not null as in_consumer_list,
    consumers.consumer_name,
    consumers.guardian_name,
    consumers.address,
    consumers.mobile,
    consumers.mobile_normalised,
    consumers.beat_code,
    hierarchy.beat_name,
    hierarchy.feeder_code,
    hierarchy.substation_code,
    hierarchy.subdivision_code,
    reader.staff_id as meter_reader_id,
    reader.staff_name as meter_reader_name,
    reader.mobile_normalised as meter_reader_mobile
from billing.bill_revisions as revisions
left join billing.consumers as consumers
    on consumers.account_no = revisions.account_no and consumers.dump_date = %(day)s
left join billing.hierarchy as hierarchy
    on hierarchy.beat_code = consumers.beat_code and hierarchy.dump_date = %(day)s
left join lateral (
    select staff.staff_id, staff.staff_name, staff.mobile_normalised
    from billing.staff as staff
    where staff.dump_date = %(day)s and staff.unit_level = 'BEAT' and staff.unit_code = consumers.beat_code
      and staff.post in ('METER_READER', 'CONTRACT_WORKER')
    order by staff.post = 'METER_READER' desc, staff.staff_id
    limit 1
) as reader on true
where revisions.dump_date = %(day)s and revisions.event = 'REVISED'
order by revisions.account_no, revisions.request_no
"""


@dataclass(frozen=True)
class RevisedBill:
    """One bill REVISED in the day's dump, with the consumer's row from that day's consumer list."""

    request_no: str
    account_no: str
    revised_on: date
    revised_principal: Decimal | None
    revised_lpsc: Decimal | None
    in_consumer_list: bool
    consumer_name: str | None
    guardian_name: str | None
    address: str | None
    mobile: str | None
    mobile_normalised: str | None
    beat_code: str | None
    beat_name: str | None
    feeder_code: str | None
    substation_code: str | None
    subdivision_code: str | None
    meter_reader_id: str | None
    meter_reader_name: str | None
    meter_reader_mobile: str | None

    @property
    def revised_amount(self) -> Decimal:
        """The revised bill: revised principal plus revised LPSC."""
        return (self.revised_principal or Decimal("0.00")) + (self.revised_lpsc or Decimal("0.00"))

    @property
    def unsent_reason(self) -> str | None:
        """Why no SMS can be sent to the consumer, or None when one can."""
        if not self.in_consumer_list:
            return "NOT_IN_CONSUMER_LIST"
        if self.mobile_normalised:
            return None
        if self.mobile is None or not self.mobile.strip():
            return "NO_MOBILE"
        return "INVALID_MOBILE"


def sms_segments(text: str) -> int:
    """Count the UCS-2 SMS segments `text` takes: 70 UTF-16 units in one, 67 per concatenated segment."""
    units = len(text.encode("utf-16-le")) // 2
    if units <= UCS2_SINGLE_SEGMENT:
        return 1
    return math.ceil(units / UCS2_CONCATENATED_SEGMENT)


def revised_bill_sms(account_no: str, revised_amount: Decimal, last_date: date) -> str:
    """Write the Hindi SMS of a revised bill: the account, the revised amount and the scheme's last date.

    With a 10-digit account, the largest sum of two numeric(14,2) amounts gives 134 UTF-16 units, the
    limit of two segments; `ValueError` is raised for a text that would take more.
    """
    text = (
        f"खाता {account_no} का संशोधित बिल रु0 {format_indian(revised_amount)}। "
        f"एकमुश्त समाधान योजना में {format_date_hi(last_date)} तक जमा कर छूट पाएं। उ0प्र0पा0का0लि0"
    )
    if sms_segments(text) > SMS_MAX_SEGMENTS:
        raise ValueError(
            f"the revised-bill SMS for account {account_no} takes {sms_segments(text)} segments, more than"
            f" {SMS_MAX_SEGMENTS}: {text}"
        )
    return text


def read_revised_bills(conn: psycopg.Connection, day: date) -> list[RevisedBill]:
    """Read the bills REVISED in `day`'s dump, ordered by account and request."""
    cursor = conn.execute(_REVISED_BILLS_SQL, {"day": day})
    names = [column.name for column in cursor.description]
    return [RevisedBill(**dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_text(row.get(column)) for column in columns])


def write_revised_bill_files(day: date, out_dir: Path) -> dict[str, int]:
    """Write `sms_outbox.csv`, `web_publication.csv` and `field_delivery.csv` for `day` into `out_dir`.

    Each file is written with its header even when no bill was revised that day. Returns the rows
    written to each file.
    """
    with connect() as conn:
        bills = read_revised_bills(conn, day)
        last_date = conn.execute("select end_date from rules.scheme").fetchone()[0]
    template_id = load_settings().sms_dlt_template_id

    sms_rows, web_rows, field_rows = [], [], []
    for bill in bills:
        reason = bill.unsent_reason
        message = revised_bill_sms(bill.account_no, bill.revised_amount, last_date)
        sms_rows.append({
            "request_no": bill.request_no,
            "account_no": bill.account_no,
            "mobile": bill.mobile_normalised if reason is None else None,
            "dlt_template_id": template_id,
            "message": message if reason is None else None,
            "segments": sms_segments(message) if reason is None else None,
            "unsent_reason": reason,
        })
        web_rows.append({
            "request_no": bill.request_no,
            "account_no": bill.account_no,
            "consumer_name": bill.consumer_name,
            "revised_on": bill.revised_on,
            "revised_principal": bill.revised_principal,
            "revised_lpsc": bill.revised_lpsc,
            "revised_amount": bill.revised_amount,
            "last_date": last_date,
        })
        if reason is not None:
            field_rows.append({
                **{column: getattr(bill, column) for column in FIELD_COLUMNS if hasattr(bill, column)},
                "last_date": last_date,
                "unsent_reason": reason,
                "unsent_reason_hi": UNSENT_REASONS_HI[reason],
            })
    field_rows.sort(key=lambda row: (row["beat_code"] or "", row["account_no"], row["request_no"]))

    out_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(out_dir / SMS_OUTBOX_FILE, SMS_COLUMNS, sms_rows)
    _write_csv(out_dir / WEB_PUBLICATION_FILE, WEB_COLUMNS, web_rows)
    _write_csv(out_dir / FIELD_DELIVERY_FILE, FIELD_COLUMNS, field_rows)
    log.info(
        "%s revised bills: %d SMS to send, %d without a usable mobile listed for field delivery, %d for the website",
        day.isoformat(), len(sms_rows) - len(field_rows), len(field_rows), len(web_rows),
    )
    return {SMS_OUTBOX_FILE: len(sms_rows), WEB_PUBLICATION_FILE: len(web_rows), FIELD_DELIVERY_FILE: len(field_rows)}
