"""Rows that break the dump contract, as the vendors' systems produce them.

Every day a small share of the rows of most files is broken in one of many ways (`kinds_for`).
A broken row stays one CSV record, so it is still a row of the file and of its manifest. Under
1% of the rows of a file part of at least 101 rows are broken, and smaller parts get none. At
tiny scale a part of 25 to 100 rows gets one broken row, so that the tests see breaks.
Staff and camps get extra broken rows instead of broken real ones, so that no event loses the
staff member or camp it names. A beat under two feeders is a whole-file matter, made only on
request by `hierarchy_table`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from samadhan.contract import DumpFile
from samadhan.generator.csvtext import Table, paise_text, parse_plain_amount, quote
from samadhan.generator.plan import Plan

# Share of rows broken per file, before the cap.
BREAK_SHARE = {
    "staff.csv": 0.002,
    "consumers.csv": 0.0015,
    "payments.csv": 0.003,
    "registrations.csv": 0.003,
    "bill_revisions.csv": 0.003,
    "notice_deliveries.csv": 0.003,
    "camps.csv": 0.003,
    "camp_visits.csv": 0.003,
    "targets.csv": 0.002,
}
# Files that get extra broken rows rather than broken real rows.
EXTRA_ROWS_ONLY = ("staff.csv", "camps.csv")

INVALID_DATES = ("31-02-2021", "30-02-2021", "31-09-2021", "29-02-2021", "32-10-2021", "00-11-2021")
INVALID_CODES = {
    "post": "AE", "unit_level": "SECTION", "supply_area": "SEMI-URBAN", "load_unit": "HP",
    "connection_status": "DISCONNECTED", "channel": "CASH", "payment_option": "EMI", "event": "APPROVED",
    "outcome": "DELIVERED",
}
_DATE_PREFIX = re.compile(r"\d{2}-\d{2}-\d{4}")


def break_budget(rows: int, share: float, draw: float, small_files: bool) -> int:
    """Return how many of `rows` rows to break: about `share` of them, at least one, at most the cap."""
    if rows >= 101:
        cap = int(rows * 0.0099)
    elif rows >= 25 and small_files:
        cap = 1
    else:
        cap = 0
    wanted = max(1, int(rows * share + draw))
    return min(wanted, cap)


@dataclass
class BreakContext:
    plan: Plan
    day: int
    dump_file: DumpFile
    key: int  # distinguishes chunks of one file on one day

    def uniform(self, name: str, row: int) -> float:
        return float(self.plan.hasher.uniform(f"break/{self.dump_file.name}/{name}", row, self.day, self.key)[0])

    def integer(self, name: str, low: int, high: int, row: int) -> int:
        return low + int(self.uniform(name, row) * (high - low))

    def choose(self, name: str, options: tuple | list, row: int):
        return options[self.integer(name, 0, len(options), row)]


Cells = list[str]
# A kind changes the cells of a row in place and returns False where it does not apply.
Kind = Callable[[BreakContext, Cells, int], bool]


def _column(context: BreakContext, name: str) -> int:
    return context.dump_file.header.index(name)


def _columns_of_type(dump_file: DumpFile, prefix: str) -> list[str]:
    return [column.name for column in dump_file.columns if column.pg_type.startswith(prefix)]


def _money_columns(dump_file: DumpFile) -> list[str]:
    return [column.name for column in dump_file.columns if column.pg_type == "numeric(14,2)"]


def _non_empty(context: BreakContext, cells: Cells, names: list[str], row: int) -> int | None:
    filled = [_column(context, name) for name in names if cells[_column(context, name)]]
    return context.choose("column", filled, row) if filled else None


def wrong_column_count(context: BreakContext, cells: Cells, row: int) -> bool:
    if context.uniform("extra_field", row) < 0.5:
        cells.append(cells[-1] or "0")
    else:
        cells.pop()
    return True


def broken_quoting(context: BreakContext, cells: Cells, row: int) -> bool:
    """Put undoubled quotes inside a quoted field, as in "Ram "Pappu" Yadav".

    The quotes stay balanced, so the row remains one record for a lenient CSV reader. A strict
    reader stops at the bad quote and skips the rest of the physical line, so only rows without a
    line break inside a value are broken this way.
    """
    if any("\n" in cell or "\r" in cell for cell in cells):
        return False
    text_columns = [column.name for column in context.dump_file.columns if column.pg_type == "text"]
    simple = [name for name in text_columns if len(cells[_column(context, name)]) >= 3
              and not _needs_care(cells[_column(context, name)])]
    if not simple:
        return False
    index = _column(context, context.choose("column", simple, row))
    text = cells[index]
    first = context.integer("first_cut", 1, len(text) - 1, row)
    second = context.integer("second_cut", first + 1, len(text), row)
    cells[index] = f'"{text[:first]}"{text[first:second]}"{text[second:]}"'
    return True


def _needs_care(cell: str) -> bool:
    return any(character in cell for character in '",\r\n')


def missing_required(context: BreakContext, cells: Cells, row: int) -> bool:
    required = [column.name for column in context.dump_file.columns if column.required]
    index = _non_empty(context, cells, required, row)
    if index is None:
        return False
    cells[index] = ""
    return True


def bad_date(context: BreakContext, cells: Cells, row: int) -> bool:
    index = _non_empty(context, cells, _columns_of_type(context.dump_file, "date")
                       + _columns_of_type(context.dump_file, "timestamp"), row)
    if index is None:
        return False
    cells[index] = context.choose("invalid_date", INVALID_DATES, row) + cells[index][10:]
    return True


def bad_date_format(context: BreakContext, cells: Cells, row: int) -> bool:
    index = _non_empty(context, cells, _columns_of_type(context.dump_file, "date")
                       + _columns_of_type(context.dump_file, "timestamp"), row)
    if index is None or not _DATE_PREFIX.match(cells[index]):
        return False
    day, month, year = cells[index][:10].split("-")
    style = context.integer("date_style", 0, 3, row)
    rest = cells[index][10:]
    styles = (f"{year}-{month}-{day}{rest}", f"{day}/{month}/{year}{rest}", f"{day}.{month}.{year[2:]}{rest}")
    cells[index] = styles[style]
    return True


def future_event(context: BreakContext, cells: Cells, row: int) -> bool:
    """Move the event's own date a few days past the dump date."""
    name = context.dump_file.event_date_column
    if name is None or not cells[_column(context, name)]:
        return False
    index = _column(context, name)
    later = context.day + context.integer("days_ahead", 1, 4, row)
    cells[index] = context.plan.dates(np.array([later]))[0] + cells[index][10:]
    return True


def _amount_index(context: BreakContext, cells: Cells, row: int) -> int | None:
    index = _non_empty(context, cells, _money_columns(context.dump_file), row)
    if index is None or parse_plain_amount(cells[index]) is None:
        return None
    return index


def amount_thousands_separator(context: BreakContext, cells: Cells, row: int) -> bool:
    """Write the amount with Indian digit grouping: 1,23,456.78."""
    index = _amount_index(context, cells, row)
    if index is None:
        return False
    whole, _, fraction = cells[index].lstrip("-").partition(".")
    if len(whole) < 4:
        return False
    head, tail = whole[:-3], whole[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    grouped = ",".join([head, *groups, tail])
    sign = "-" if cells[index].startswith("-") else ""
    cells[index] = quote(f"{sign}{grouped}.{fraction}")
    return True


def amount_letters(context: BreakContext, cells: Cells, row: int) -> bool:
    index = _amount_index(context, cells, row)
    if index is None:
        return False
    text = cells[index]
    style = context.integer("letters_style", 0, 3, row)
    cells[index] = ("Rs. " + text, text.replace("0", "O", 1) if "0" in text else text + "O", text + "/-")[style]
    return True


def amount_three_places(context: BreakContext, cells: Cells, row: int) -> bool:
    index = _amount_index(context, cells, row)
    if index is None:
        return False
    cells[index] = cells[index] + "5"
    return True


def unknown_code(context: BreakContext, cells: Cells, row: int) -> bool:
    names = [column.name for column in context.dump_file.columns if column.allowed and column.name in INVALID_CODES]
    if not names:
        return False
    name = context.choose("code_column", names, row)
    cells[_column(context, name)] = INVALID_CODES[name]
    return True


def bad_integer(context: BreakContext, cells: Cells, row: int) -> bool:
    index = _non_empty(context, cells, _columns_of_type(context.dump_file, "integer"), row)
    if index is None:
        return False
    cells[index] = context.choose("integer_text", ("six", "12.5", "--", "4 nos"), row)
    return True


def bad_boolean(context: BreakContext, cells: Cells, row: int) -> bool:
    index = _non_empty(context, cells, _columns_of_type(context.dump_file, "boolean"), row)
    if index is None:
        return False
    cells[index] = context.choose("boolean_text", ("हाँ", "X", "NA"), row)
    return True


def unknown_account(context: BreakContext, cells: Cells, row: int) -> bool:
    if "account_no" not in context.dump_file.header:
        return False
    account = str(context.plan.unknown_accounts(np.array([row * 7919 + context.key]))[0])
    cells[_column(context, "account_no")] = account
    if "notice_no" in context.dump_file.header:
        cells[_column(context, "notice_no")] = "OTS2021/" + account
    return True


def bad_account_no(context: BreakContext, cells: Cells, row: int) -> bool:
    """Cut or lengthen the account number so that it is not 10 digits."""
    account = cells[_column(context, "account_no")]
    cells[_column(context, "account_no")] = account[:8] if context.uniform("short", row) < 0.5 else account + "7"
    return True


def unknown_beat(context: BreakContext, cells: Cells, row: int) -> bool:
    cells[_column(context, "beat_code")] = f"B9{context.integer('beat', 0, 999_999, row):06d}"
    return True


def unknown_camp(context: BreakContext, cells: Cells, row: int) -> bool:
    if "camp_id" not in context.dump_file.header:
        return False
    day_text = context.plan.compact_dates(np.array([context.day]))[0]
    cells[_column(context, "camp_id")] = f"CMP{day_text}SS9{context.integer('camp', 0, 9999, row):04d}"
    if "channel" in context.dump_file.header:
        cells[_column(context, "channel")] = "CAMP"
    return True


def camp_channel_without_camp(context: BreakContext, cells: Cells, row: int) -> bool:
    cells[_column(context, "channel")] = "CAMP"
    cells[_column(context, "camp_id")] = ""
    return True


def negative_without_reversal(context: BreakContext, cells: Cells, row: int) -> bool:
    """Make the amount negative without naming a receipt to reverse."""
    index = _column(context, "amount")
    value = parse_plain_amount(cells[index])
    if value is None or value <= 0:
        return False
    cells[index] = paise_text(-value)
    cells[_column(context, "reverses_receipt_no")] = ""
    return True


def reversal_of_unknown_receipt(context: BreakContext, cells: Cells, row: int) -> bool:
    index = _column(context, "amount")
    value = parse_plain_amount(cells[index])
    if value is None or value <= 0:
        return False
    account = cells[_column(context, "account_no")]
    cells[index] = paise_text(-value)
    cells[_column(context, "reverses_receipt_no")] = f"RC999999{account}99"
    return True


# Kinds that add a row after the chosen one instead of changing it; they return the new row.
InsertKind = Callable[[BreakContext, Cells, int], "Cells | None"]


def duplicate_key(context: BreakContext, cells: Cells, row: int) -> Cells | None:
    """Return a second row with the same key and one other field changed."""
    copy = list(cells)
    key_columns = set(context.dump_file.key)
    for name in _money_columns(context.dump_file) + _columns_of_type(context.dump_file, "integer"):
        index = _column(context, name)
        value = parse_plain_amount(copy[index])
        if name in key_columns or value is None:
            continue
        copy[index] = paise_text(value + 10_000) if "." in copy[index] else str(int(copy[index]) + 5)
        return copy
    for name in ("outcome", "channel", "event_at", "visited_at", "staff_id", "substation_code", "post"):
        if name in context.dump_file.header and name not in key_columns:
            index = _column(context, name)
            allowed = context.dump_file.columns[index].allowed
            if allowed:
                copy[index] = allowed[(allowed.index(copy[index]) + 1) % len(allowed)] if copy[index] in allowed \
                    else allowed[0]
            else:
                copy[index] = copy[index][:-1] + ("1" if copy[index][-1:] != "1" else "2")
            return copy
    return None


def reversal_amount_mismatch(context: BreakContext, cells: Cells, row: int) -> Cells | None:
    """Return a reversal of this receipt whose amount is not exactly its negative."""
    value = parse_plain_amount(cells[_column(context, "amount")])
    receipt = cells[_column(context, "receipt_no")]
    if value is None or value <= 100 or not receipt.startswith("RC"):
        return None
    copy = list(cells)
    copy[_column(context, "receipt_no")] = "RV" + receipt[2:]
    copy[_column(context, "amount")] = paise_text(-(value - 100))
    copy[_column(context, "reverses_receipt_no")] = receipt
    return copy


COMMON_KINDS: dict[str, tuple[Kind, float]] = {
    "wrong_column_count": (wrong_column_count, 2),
    "broken_quoting": (broken_quoting, 1),
    "missing_required": (missing_required, 2),
    "bad_date": (bad_date, 1),
    "bad_date_format": (bad_date_format, 1),
    "amount_thousands_separator": (amount_thousands_separator, 1),
    "amount_letters": (amount_letters, 1),
    "amount_three_places": (amount_three_places, 1),
    "unknown_code": (unknown_code, 1.5),
    "bad_integer": (bad_integer, 1),
    "bad_boolean": (bad_boolean, 1),
}
EVENT_KINDS: dict[str, tuple[Kind, float]] = {
    "future_event": (future_event, 1.5),
    "unknown_account": (unknown_account, 1.5),
}
FILE_KINDS: dict[str, dict[str, tuple[Kind, float]]] = {
    "consumers.csv": {"bad_account_no": (bad_account_no, 1), "unknown_beat": (unknown_beat, 1)},
    "payments.csv": {
        "unknown_camp": (unknown_camp, 1),
        "camp_channel_without_camp": (camp_channel_without_camp, 0.5),
        "negative_without_reversal": (negative_without_reversal, 1),
        "reversal_of_unknown_receipt": (reversal_of_unknown_receipt, 1),
    },
    "registrations.csv": {
        "unknown_camp": (unknown_camp, 1),
        "camp_channel_without_camp": (camp_channel_without_camp, 0.5),
    },
    "camp_visits.csv": {"unknown_camp": (unknown_camp, 2)},
}
INSERT_KINDS: dict[str, dict[str, tuple[InsertKind, float]]] = {
    "consumers.csv": {"duplicate_key": (duplicate_key, 1)},
    "payments.csv": {"duplicate_key": (duplicate_key, 1), "reversal_amount_mismatch": (reversal_amount_mismatch, 1)},
    "registrations.csv": {"duplicate_key": (duplicate_key, 1)},
    "bill_revisions.csv": {"duplicate_key": (duplicate_key, 1)},
    "notice_deliveries.csv": {"duplicate_key": (duplicate_key, 1)},
    "camp_visits.csv": {"duplicate_key": (duplicate_key, 1)},
    "targets.csv": {"duplicate_key": (duplicate_key, 1)},
}


def _has_columns_for(dump_file: DumpFile, name: str) -> bool:
    """Return whether the file has a column that kind `name` can break."""
    types = {column.pg_type for column in dump_file.columns}
    needs = {
        "bad_date": {"date", "timestamp"},
        "bad_date_format": {"date", "timestamp"},
        "amount_thousands_separator": {"numeric(14,2)"},
        "amount_letters": {"numeric(14,2)"},
        "amount_three_places": {"numeric(14,2)"},
        "bad_integer": {"integer"},
        "bad_boolean": {"boolean"},
    }
    if name in needs:
        return bool(types & needs[name])
    if name == "unknown_code":
        return any(column.name in INVALID_CODES for column in dump_file.columns)
    return True


def kinds_for(dump_file: DumpFile) -> dict[str, tuple[Callable, float]]:
    """Return the break kinds that apply to a file, with their weights."""
    kinds: dict[str, tuple[Callable, float]] = {
        name: kind for name, kind in COMMON_KINDS.items() if _has_columns_for(dump_file, name)
    }
    if dump_file.kind == "event":
        kinds.update(EVENT_KINDS)
    kinds.update(FILE_KINDS.get(dump_file.name, {}))
    if dump_file.name not in EXTRA_ROWS_ONLY:
        kinds.update(INSERT_KINDS.get(dump_file.name, {}))
    return kinds


def _new_key(context: BreakContext, cells: Cells, row: int) -> None:
    """Give an extra row a key that no real row has."""
    if context.dump_file.name == "staff.csv":
        # Real staff ids run from EMP0000001 up; extra rows take EMP9 and the row number.
        cells[_column(context, "staff_id")] = f"EMP9{row:07d}"
    elif context.dump_file.name == "camps.csv":
        day_text = context.plan.compact_dates(np.array([context.day]))[0]
        cells[_column(context, "camp_id")] = f"CMP{day_text}X{row:05d}"


def apply_breaks(
    plan: Plan,
    table: Table,
    day: int,
    key: int,
    already_broken: int = 0,
    eligible_rows: np.ndarray | None = None,
) -> None:
    """Break a share of the table's rows (in place or as extra rows) and record each in its ledger.

    `already_broken` rows (changed copies of earlier rows) count against the budget.
    `eligible_rows`, if given, limits which rows may be broken.
    """
    dump_file = table.dump_file
    rows = table.row_count
    context = BreakContext(plan, day, dump_file, key)
    budget = break_budget(
        rows, BREAK_SHARE[dump_file.name], context.uniform("budget", 0), plan.scale.break_small_files
    ) - already_broken
    candidates = np.arange(rows) if eligible_rows is None else np.asarray(eligible_rows)
    if budget <= 0 or len(candidates) == 0:
        return
    order = np.argsort(plan.hasher.uniform(f"break/{dump_file.name}/rows", candidates, day, key), kind="stable")
    chosen = np.sort(candidates[order[:budget]])
    kinds = kinds_for(dump_file)
    names = list(kinds)
    weights = np.array([kinds[name][1] for name in names])
    for row in chosen.tolist():
        name = names[int(plan.hasher.pick(f"break/{dump_file.name}/kind", weights, row, day, key)[0])]
        _apply_one(context, table, row, name, kinds[name][0])


def _apply_one(context: BreakContext, table: Table, row: int, name: str, kind: Callable) -> None:
    cells = table.cells_of_row(row)
    extra_only = context.dump_file.name in EXTRA_ROWS_ONLY
    if extra_only:
        _new_key(context, cells, row)
    if name in INSERT_KINDS.get(context.dump_file.name, {}):
        copy = kind(context, cells, row)
        if copy is not None:
            table.insert_line(row + 1, ",".join(copy), name)
            return
        name, kind = "wrong_column_count", wrong_column_count
    if not kind(context, cells, row):
        name = "wrong_column_count"
        wrong_column_count(context, cells, row)
    if extra_only:
        table.insert_line(row + 1, ",".join(cells), name)
    else:
        table.replace_line(row, ",".join(cells), name)
