"""The billing dump's contract as data: files, columns, warehouse types, keys and control totals.

The generator writes these files, the loader checks and types them into the `billing` schema, and
dbt reads that schema as its `billing` source. Columns keep the order of the CSV header.
"""

from __future__ import annotations

from dataclasses import dataclass

MANIFEST_NAME = "_manifest.json"

# Load units and their factor to kW: 1 BHP = 0.746 kW, 1 kVA = 0.9 kW.
LOAD_UNIT_TO_KW = {"KW": "1", "KVA": "0.9", "BHP": "0.746"}

TARIFF_CATEGORIES = (
    "LMV-1", "LMV-2", "LMV-3", "LMV-4A", "LMV-4B", "LMV-5", "LMV-6", "LMV-7", "LMV-8", "LMV-9",
    "LMV-10", "LMV-11", "HV-1", "HV-2", "HV-3", "HV-4",
)
SUPPLY_AREAS = ("RURAL", "URBAN")
CONNECTION_STATUSES = ("ACTIVE", "TD", "PD")
PAYMENT_CHANNELS = ("COUNTER", "CAMP", "ONLINE", "CSC", "HHD")
REGISTRATION_CHANNELS = PAYMENT_CHANNELS
PAYMENT_OPTIONS = ("LUMPSUM", "INSTALMENT")
REVISION_EVENTS = ("REQUESTED", "REVISED", "REJECTED", "SMS_SENT", "WEB_PUBLISHED")
NOTICE_OUTCOMES = ("SERVED", "REFUSED", "PREMISES_LOCKED", "NOT_FOUND")
POSTS = ("CE", "SE", "EE", "SDO", "JE", "METER_READER", "CONTRACT_WORKER", "DISCOM_HQ")
UNIT_LEVELS = ("DISCOM", "ZONE", "CIRCLE", "DIVISION", "SUBDIVISION", "SUBSTATION", "FEEDER", "BEAT")


@dataclass(frozen=True)
class Column:
    """One CSV column and the PostgreSQL type it is loaded as."""

    name: str
    pg_type: str  # text, date, timestamp (IST wall time), numeric(p,s), integer, boolean
    required: bool = True
    # Allowed values for a code column; empty means any value.
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class DumpFile:
    """One file of the daily dump."""

    name: str
    kind: str  # "snapshot": the whole picture as of the dump date; "event": what was reported that day
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique within a file; for event files also across dumps
    amount_column: str | None = None  # summed into the manifest's amount_total
    event_date_column: str | None = None  # the event's own date or timestamp; never after the dump date

    @property
    def table(self) -> str:
        """The typed warehouse table, `billing.<name without .csv>`."""
        return "billing." + self.name.removesuffix(".csv")

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _text(name: str, required: bool = True, allowed: tuple[str, ...] = ()) -> Column:
    return Column(name, "text", required, allowed)


MONEY = "numeric(14,2)"

HIERARCHY = DumpFile(
    name="hierarchy.csv",
    kind="snapshot",
    columns=tuple(
        _text(f"{level}_{part}")
        for level in ("discom", "zone", "circle", "division", "subdivision", "substation", "feeder", "beat")
        for part in ("code", "name")
    ),
    key=("beat_code",),
)

STAFF = DumpFile(
    name="staff.csv",
    kind="snapshot",
    columns=(
        _text("staff_id"),
        _text("staff_name"),
        _text("post", allowed=POSTS),
        _text("unit_level", allowed=UNIT_LEVELS),
        _text("unit_code"),
        _text("mobile", required=False),
    ),
    key=("staff_id",),
)

CONSUMERS = DumpFile(
    name="consumers.csv",
    kind="snapshot",
    columns=(
        _text("account_no"),
        _text("consumer_name"),
        _text("guardian_name", required=False),
        _text("address", required=False),
        _text("mobile", required=False),
        _text("tariff_category"),
        _text("supply_area", allowed=SUPPLY_AREAS),
        Column("sanctioned_load", "numeric(12,3)"),
        _text("load_unit", allowed=tuple(LOAD_UNIT_TO_KW)),
        _text("connection_status", allowed=CONNECTION_STATUSES),
        _text("beat_code"),
        _text("feeder_code", required=False),
        Column("principal_arrears", MONEY),
        Column("lpsc_arrears", MONEY),
        Column("dues_cutoff_date", "date"),
        Column("court_case", "boolean"),
        Column("last_payment_date", "date", required=False),
    ),
    key=("account_no",),
    amount_column="principal_arrears",
)

PAYMENTS = DumpFile(
    name="payments.csv",
    kind="event",
    columns=(
        _text("receipt_no"),
        _text("account_no"),
        Column("amount", MONEY),
        Column("paid_at", "timestamp"),
        _text("channel", allowed=PAYMENT_CHANNELS),
        _text("camp_id", required=False),
        _text("reverses_receipt_no", required=False),
    ),
    key=("receipt_no",),
    amount_column="amount",
    event_date_column="paid_at",
)

REGISTRATIONS = DumpFile(
    name="registrations.csv",
    kind="event",
    columns=(
        _text("registration_no"),
        _text("account_no"),
        Column("registered_at", "timestamp"),
        _text("payment_option", allowed=PAYMENT_OPTIONS),
        Column("instalments", "integer"),
        Column("registration_amount", MONEY),
        Column("bill_revision_opted", "boolean"),
        _text("channel", allowed=REGISTRATION_CHANNELS),
        _text("camp_id", required=False),
    ),
    key=("registration_no",),
    amount_column="registration_amount",
    event_date_column="registered_at",
)

BILL_REVISIONS = DumpFile(
    name="bill_revisions.csv",
    kind="event",
    columns=(
        _text("request_no"),
        _text("account_no"),
        _text("event", allowed=REVISION_EVENTS),
        Column("event_at", "timestamp"),
        Column("revised_principal", MONEY, required=False),
        Column("revised_lpsc", MONEY, required=False),
        _text("acted_by_staff_id", required=False),
    ),
    key=("request_no", "event"),
    event_date_column="event_at",
)

NOTICE_DELIVERIES = DumpFile(
    name="notice_deliveries.csv",
    kind="event",
    columns=(
        _text("notice_no"),
        _text("account_no"),
        Column("delivered_on", "date"),
        _text("delivered_by_staff_id"),
        _text("outcome", allowed=NOTICE_OUTCOMES),
    ),
    key=("notice_no", "delivered_on"),
    event_date_column="delivered_on",
)

CAMPS = DumpFile(
    name="camps.csv",
    kind="event",
    columns=(
        _text("camp_id"),
        _text("substation_code"),
        Column("camp_date", "date"),
        Column("started_at", "timestamp"),
        Column("ended_at", "timestamp", required=False),
        Column("consumers_attended", "integer", required=False),
        _text("organised_by_staff_id"),
    ),
    key=("camp_id",),
    event_date_column="camp_date",
)

CAMP_VISITS = DumpFile(
    name="camp_visits.csv",
    kind="event",
    columns=(
        _text("visit_id"),
        _text("camp_id"),
        _text("staff_id"),
        Column("visited_at", "timestamp"),
    ),
    key=("visit_id",),
    event_date_column="visited_at",
)

TARGETS = DumpFile(
    name="targets.csv",
    kind="event",
    columns=(
        _text("unit_level", allowed=UNIT_LEVELS),
        _text("unit_code"),
        _text("sub_category"),
        Column("target_consumers", "integer"),
        Column("target_amount", MONEY),
        _text("set_by_staff_id"),
        Column("set_on", "date"),
    ),
    key=("unit_level", "unit_code", "sub_category", "set_on"),
    event_date_column="set_on",
)

# Load order: the snapshots first, because event rows are checked against them (unknown account,
# substation, camp).
DUMP_FILES: tuple[DumpFile, ...] = (
    HIERARCHY, STAFF, CONSUMERS, PAYMENTS, REGISTRATIONS, BILL_REVISIONS, NOTICE_DELIVERIES, CAMPS,
    CAMP_VISITS, TARGETS,
)
FILES_BY_NAME = {dump_file.name: dump_file for dump_file in DUMP_FILES}
