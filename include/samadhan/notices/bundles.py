"""The printed content of a day's notices, read from the register and that day's snapshots, grouped by beat."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import psycopg

from samadhan.notices.register import OptionTerms


@dataclass(frozen=True)
class NoticeCopy:
    """Everything one printed notice shows."""

    notice_no: str
    account_no: str
    consumer_name: str
    guardian_name: str
    address: str
    tariff_category: str
    sanctioned_load: Decimal
    load_unit: str
    principal: Decimal
    lpsc: Decimal
    waiver_percent: Decimal
    waiver: Decimal
    settlement: Decimal
    options: tuple[OptionTerms, ...]
    last_date: date
    camp_name: str  # the consumer's substation, where the daily camp is held
    sdo_name: str
    subdivision_name: str


@dataclass(frozen=True)
class BeatBundle:
    """The notices of one beat generated on one day, in the meter reader's walking order (account_no)."""

    day: date
    scheme_code: str
    scheme_name_hi: str
    beat_code: str
    beat_name: str
    feeder_name: str
    substation_name: str
    subdivision_name: str
    division_name: str
    notices: tuple[NoticeCopy, ...]


# Rows fetched from the server-side cursor at a time: a few beats' notices.
NOTICE_ROWS_PER_FETCH = 2_000

_DAY_NOTICES = """
select
    register.notice_no,
    register.account_no,
    register.beat_code,
    register.tariff_category,
    register.sanctioned_load,
    register.load_unit,
    register.principal,
    register.lpsc,
    register.waiver_percent,
    register.waiver,
    register.settlement,
    register.payment_options,
    register.last_date,
    coalesce(consumers.consumer_name, '') as consumer_name,
    coalesce(consumers.guardian_name, '') as guardian_name,
    coalesce(consumers.address, '') as address,
    coalesce(hierarchy.beat_name, register.beat_code) as beat_name,
    coalesce(hierarchy.feeder_name, '') as feeder_name,
    coalesce(hierarchy.substation_name, '') as substation_name,
    coalesce(hierarchy.subdivision_name, '') as subdivision_name,
    coalesce(hierarchy.division_name, '') as division_name,
    coalesce(sdo.staff_name, '') as sdo_name
from notices.register as register
left join billing.consumers as consumers
    on consumers.dump_date = register.generated_on and consumers.account_no = register.account_no
left join billing.hierarchy as hierarchy
    on hierarchy.dump_date = register.generated_on and hierarchy.beat_code = register.beat_code
left join lateral (
    -- One SDO per sub-division is expected; with more than one, the lowest staff_id signs.
    select staff.staff_name
    from billing.staff as staff
    where staff.dump_date = register.generated_on
        and staff.post = 'SDO'
        and staff.unit_level = 'SUBDIVISION'
        and staff.unit_code = hierarchy.subdivision_code
    order by staff.staff_id
    limit 1
) as sdo on true
where register.generated_on = %(day)s and register.scheme_code = %(scheme_code)s
order by register.beat_code, register.account_no
"""


def _clean(text: str) -> str:
    """Collapse the stray spaces and line breaks the billing system leaves in names and addresses."""
    return " ".join(text.split())


def read_day_bundles(conn: psycopg.Connection, day: date, scheme_code: str, scheme_name_hi: str) -> list[BeatBundle]:
    """Return the bundles of the notices generated on `day`, one per beat, by beat code."""
    return list(iter_day_bundles(conn, day, scheme_code, scheme_name_hi))


def count_day_notices(conn: psycopg.Connection, day: date, scheme_code: str) -> int:
    """Return how many notices were generated on `day` under the scheme."""
    (count,) = conn.execute(
        "select count(*) from notices.register where generated_on = %s and scheme_code = %s", (day, scheme_code)
    ).fetchone()
    return count


def iter_day_bundles(
    conn: psycopg.Connection, day: date, scheme_code: str, scheme_name_hi: str
) -> Iterator[BeatBundle]:
    """Yield the bundles of the notices generated on `day`, one per beat, by beat code.

    The rows come through a server-side cursor, so memory contains one beat's notices and one fetch of
    NOTICE_ROWS_PER_FETCH rows, not the whole day.
    The cursor needs a transaction, which this opens on `conn` and closes when the last bundle is read.
    """
    current: list[NoticeCopy] = []
    beat: dict | None = None

    def bundle() -> BeatBundle:
        return BeatBundle(
            day=day, scheme_code=scheme_code, scheme_name_hi=scheme_name_hi, beat_code=beat["beat_code"],
            beat_name=_clean(beat["beat_name"]), feeder_name=_clean(beat["feeder_name"]),
            substation_name=_clean(beat["substation_name"]), subdivision_name=_clean(beat["subdivision_name"]),
            division_name=_clean(beat["division_name"]), notices=tuple(current),
        )

    with conn.transaction(), conn.cursor(name="day_notices", row_factory=psycopg.rows.dict_row) as cursor:
        cursor.itersize = NOTICE_ROWS_PER_FETCH
        cursor.execute(_DAY_NOTICES, {"day": day, "scheme_code": scheme_code})
        for row in cursor:
            if beat is None or row["beat_code"] != beat["beat_code"]:
                if beat is not None and current:
                    yield bundle()
                beat, current = row, []
            options = row["payment_options"]
            if isinstance(options, str):
                options = json.loads(options)
            current.append(NoticeCopy(
                notice_no=row["notice_no"], account_no=row["account_no"],
                consumer_name=_clean(row["consumer_name"]), guardian_name=_clean(row["guardian_name"]),
                address=_clean(row["address"]), tariff_category=row["tariff_category"],
                sanctioned_load=row["sanctioned_load"], load_unit=row["load_unit"], principal=row["principal"],
                lpsc=row["lpsc"], waiver_percent=row["waiver_percent"], waiver=row["waiver"],
                settlement=row["settlement"], options=tuple(OptionTerms.from_json(value) for value in options),
                last_date=row["last_date"], camp_name=_clean(row["substation_name"]), sdo_name=_clean(row["sdo_name"]),
                subdivision_name=_clean(row["subdivision_name"]),
            ))
        if beat is not None and current:
            yield bundle()
