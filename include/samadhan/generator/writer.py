"""Write a day's dump: all ten files streamed chunk by chunk, then `_manifest.json` last.

Consumers are generated in chunks of whole beats. A chunk's consumer rows and all its consumer
events are rendered to bytes in one go, possibly in a worker process, and the parent process
appends each part to its file in chunk order while it hashes and counts. So memory stays bounded
by a few chunks at any scale, and the bytes do not depend on the number of workers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from samadhan.contract import DUMP_FILES, FILES_BY_NAME, MANIFEST_NAME, DumpFile
from samadhan.generator.breaks import BREAK_SHARE, BreakContext, apply_breaks, break_budget
from samadhan.generator.consumers import SUB_CATEGORIES, consumer_chunk, consumers_table
from samadhan.generator.csvtext import Table
from samadhan.generator.events import EventRows
from samadhan.generator.hierarchy import hierarchy_table, staff_table
from samadhan.generator.notices import notice_rows, notices_table
from samadhan.generator.payments import camp_attendance, payment_rows, payments_table
from samadhan.generator.plan import Plan, build_plan
from samadhan.generator.registrations import (
    draw_registrations,
    registration_rows,
    registrations_table,
    revision_rows,
    revisions_table,
)
from samadhan.generator.units import camp_visits_table, camps_table, targets_table

log = logging.getLogger(__name__)

SOURCE_SYSTEM = "uppcl-billing-export"
# The export job finishes late in the evening of the day it covers.
GENERATED_AT_TIME = "23:41:07"
# Snapshot files come from the vendors' Windows tool: a byte-order mark and CRLF line ends.
# Event files: no byte-order mark and LF.
WINDOWS_STYLE = ("hierarchy.csv", "staff.csv", "consumers.csv")
UNIT_KEY = 1_000_000  # break key of files made once per day rather than per chunk


@dataclass
class Part:
    """One chunk's rendered rows of one file."""

    data: bytes
    rows: int
    amount_total: Decimal | None  # exact, before rounding to paise
    ledger: list[tuple[int, str]]


@dataclass
class ChunkResult:
    parts: dict[str, Part]
    first_beat: int
    eligible_count: np.ndarray  # beats of the chunk x sub-categories
    eligible_principal: np.ndarray
    camp_substations: np.ndarray
    camp_counts: np.ndarray


def _line_end(name: str) -> str:
    return "\r\n" if name in WINDOWS_STYLE else "\n"


def _render(table: Table) -> Part:
    data, rows, total, ledger = table.render(_line_end(table.dump_file.name))
    return Part(data, rows, total, ledger)


def _limit_changed_copies(plan: Plan, dump_file: DumpFile, rows: EventRows, day: int, key: int) -> int:
    """Keep the changed copies within the file part's break budget; return how many remain."""
    context = BreakContext(plan, day, dump_file, key)
    budget = break_budget(
        len(rows), BREAK_SHARE[dump_file.name], context.uniform("budget", 0), plan.scale.break_small_files
    )
    changed = np.flatnonzero(rows.changed)
    rows.changed[changed[budget:]] = False
    return min(len(changed), budget)


def _finish(plan: Plan, table: Table, rows: EventRows | None, day: int, key: int, breaks: bool,
            eligible_rows: np.ndarray | None = None) -> Part:
    changed = 0
    if rows is not None:
        for row in np.flatnonzero(rows.changed).tolist():
            table.broken_rows.append((row, "changed_resend"))
            changed += 1
    if breaks:
        apply_breaks(plan, table, day, key, already_broken=changed, eligible_rows=eligible_rows)
    return _render(table)


def generate_chunk(plan: Plan, day: int, chunk_number: int, breaks: bool) -> ChunkResult:
    """Render one chunk's rows of consumers.csv and of the four consumer event files for `day`."""
    first_beat, end_beat = plan.chunk_bounds[chunk_number]
    chunk = consumer_chunk(plan, first_beat, end_beat)
    registrations = draw_registrations(plan, chunk)
    parts: dict[str, Part] = {}
    event_consumers = []

    builders = (
        ("registrations.csv", lambda: registration_rows(plan, chunk, registrations, day),
         lambda rows: registrations_table(plan, chunk, registrations, rows)),
        ("payments.csv", lambda: payment_rows(plan, chunk, registrations, day),
         lambda rows: payments_table(plan, chunk, rows)),
        ("bill_revisions.csv", lambda: revision_rows(plan, chunk, registrations, day),
         lambda rows: revisions_table(plan, chunk, registrations, rows)),
        ("notice_deliveries.csv", lambda: notice_rows(plan, chunk, day),
         lambda rows: notices_table(plan, chunk, rows)),
    )
    payments = None
    for name, make_rows, make_table in builders:
        rows = make_rows()
        if breaks:
            _limit_changed_copies(plan, FILES_BY_NAME[name], rows, day, chunk_number)
        else:
            rows.changed[:] = False
        parts[name] = _finish(plan, make_table(rows), rows, day, chunk_number, breaks)
        event_consumers.append(rows.consumer)
        if name == "payments.csv":
            payments = rows

    # Consumer rows are broken only where the consumer has no event in today's files, so that a
    # quarantined consumer row does not take that day's events down with it.
    table, positions = consumers_table(plan, chunk, day)
    busy = np.isin(positions, np.concatenate(event_consumers))
    parts["consumers.csv"] = _finish(plan, table, None, day, chunk_number, breaks,
                                     eligible_rows=np.flatnonzero(~busy))

    beat_count = end_beat - first_beat
    eligible = chunk.eligible_on(day) & chunk.present(day)
    cell = (chunk.beats[eligible] - first_beat) * len(SUB_CATEGORIES) + chunk.sub_category[eligible]
    size = beat_count * len(SUB_CATEGORIES)
    eligible_count = np.bincount(cell, minlength=size).reshape(beat_count, -1)
    principal = chunk.principal_on(day)[eligible].astype(np.float64)
    # Sums of paise stay below 2**53, so float64 adds them exactly.
    eligible_principal = np.bincount(cell, weights=principal, minlength=size).astype(np.int64).reshape(beat_count, -1)
    substations, counts = camp_attendance(plan, chunk, registrations, payments, day)
    return ChunkResult(parts, first_beat, eligible_count, eligible_principal, substations, counts)


class FileWriter:
    """Appends parts to one dump file while hashing, counting rows and adding up the control total."""

    def __init__(self, folder: Path, dump_file: DumpFile) -> None:
        self.dump_file = dump_file
        self.path = folder / dump_file.name
        self.rows = 0
        self.amount_total = Decimal(0)
        self.ledger: list[tuple[int, str]] = []
        self._sha = hashlib.sha256()
        self._file = open(self.path, "wb")  # closed in close()
        bom = "\ufeff" if dump_file.name in WINDOWS_STYLE else ""
        self._write((bom + ",".join(dump_file.header) + _line_end(dump_file.name)).encode("utf-8"))

    def _write(self, data: bytes) -> None:
        self._sha.update(data)
        self._file.write(data)

    def add(self, part: Part) -> None:
        self.ledger += [(self.rows + row + 1, kind) for row, kind in part.ledger]
        self._write(part.data)
        self.rows += part.rows
        self.amount_total += part.amount_total or 0

    def close(self) -> dict:
        self._file.close()
        entry = {"name": self.dump_file.name, "rows": self.rows, "sha256": self._sha.hexdigest()}
        if self.dump_file.amount_column is not None:
            # The exact sum, rounded half up to paise: a 3-place amount cell still counts.
            entry["amount_total"] = str(self.amount_total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        return entry


@dataclass
class _Runner:
    """Runs chunks in this process or in a pool, yielding results in chunk order."""

    plan: Plan
    workers: int
    breaks: bool
    pool: ProcessPoolExecutor | None = field(default=None)

    def __enter__(self) -> _Runner:
        if self.workers > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=get_context("fork"),
                initializer=_set_worker_plan,
                initargs=(self.plan,),
            )
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def chunks(self, day: int) -> Iterator[ChunkResult]:
        count = len(self.plan.chunk_bounds)
        if self.pool is None:
            for number in range(count):
                yield generate_chunk(self.plan, day, number, self.breaks)
            return
        # A short queue of submitted chunks keeps both workers busy and memory bounded.
        window = 2 * self.workers
        pending: list[Future] = []
        submitted = 0
        while submitted < count or pending:
            while submitted < count and len(pending) < window:
                pending.append(self.pool.submit(_worker_chunk, day, submitted, self.breaks))
                submitted += 1
            yield pending.pop(0).result()


_WORKER_PLAN: Plan | None = None


def _set_worker_plan(plan: Plan) -> None:
    global _WORKER_PLAN
    _WORKER_PLAN = plan


def _worker_chunk(day: int, chunk_number: int, breaks: bool) -> ChunkResult:
    assert _WORKER_PLAN is not None, "worker started without a plan"
    return generate_chunk(_WORKER_PLAN, day, chunk_number, breaks)


def generate_dumps(
    out_dir: Path,
    scale: str,
    days: int,
    seed: int,
    start: date | None = None,
    *,
    contract_breaks: bool = True,
    beat_under_two_feeders: bool = False,
    workers: int | None = None,
    ledger_dir: Path | None = None,
    progress: bool = False,
    chunk_consumers: int | None = None,
) -> list[Path]:
    """Write `days` daily dumps into `out_dir/<YYYY-MM-DD>/` and return the day folders.

    `start` defaults to the scheme's first day, 2021-10-21. The same arguments always give the
    same bytes. `contract_breaks=False` writes clean files. `beat_under_two_feeders` adds a
    hierarchy.csv row that puts a beat under a second feeder, a break that rejects the whole dump.
    `workers` overrides the scale's number of processes. With `ledger_dir`, a CSV per day there
    lists every broken row (file_name, row_number counted from 1 after the header, kind).
    `chunk_consumers` overrides the scale's chunk size. The bytes depend on it, because breaks are
    budgeted and event rows ordered per chunk, but not on `workers`.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    plan = build_plan(scale, seed, start, days, chunk_consumers)
    workers = plan.scale.workers if workers is None else max(1, workers)
    out_dir = Path(out_dir)
    folders = []
    bar = _progress_bar(progress, days * len(plan.chunk_bounds))
    with _Runner(plan, workers, contract_breaks) as runner:
        for day in range(days):
            folders.append(_write_day(plan, runner, out_dir, day, contract_breaks, beat_under_two_feeders,
                                      ledger_dir, bar))
    if bar is not None:
        bar.close()
    return folders


def _progress_bar(enabled: bool, total: int):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="chunk", file=sys.stderr, desc="generate")


def _write_day(
    plan: Plan,
    runner: _Runner,
    out_dir: Path,
    day: int,
    breaks: bool,
    beat_under_two_feeders: bool,
    ledger_dir: Path | None,
    bar,
) -> Path:
    dump_date = plan.dump_date(day)
    folder = out_dir / dump_date.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    # A folder being rewritten must not look complete to a loader that watches it.
    (folder / MANIFEST_NAME).unlink(missing_ok=True)

    writers = {dump_file.name: FileWriter(folder, dump_file) for dump_file in DUMP_FILES}
    writers["hierarchy.csv"].add(_render(hierarchy_table(plan.hierarchy, beat_under_two_feeders)))
    writers["staff.csv"].add(_finish(plan, staff_table(plan.hierarchy), None, day, UNIT_KEY, breaks))

    hierarchy = plan.hierarchy
    eligible_count = np.zeros((hierarchy.beat_count, len(SUB_CATEGORIES)), dtype=np.int64)
    eligible_principal = np.zeros_like(eligible_count)
    attendance = np.zeros(len(hierarchy.units["substation"].codes), dtype=np.int64)
    for result in runner.chunks(day):
        for name, part in result.parts.items():
            writers[name].add(part)
        end = result.first_beat + len(result.eligible_count)
        eligible_count[result.first_beat : end] = result.eligible_count
        eligible_principal[result.first_beat : end] = result.eligible_principal
        np.add.at(attendance, result.camp_substations, result.camp_counts)
        if bar is not None:
            bar.update(1)

    writers["camps.csv"].add(_finish(plan, camps_table(plan, day, attendance), None, day, UNIT_KEY, breaks))
    writers["camp_visits.csv"].add(_finish(plan, camp_visits_table(plan, day), None, day, UNIT_KEY, breaks))
    writers["targets.csv"].add(
        _finish(plan, targets_table(plan, day, eligible_count, eligible_principal), None, day, UNIT_KEY, breaks)
    )

    entries = [writers[dump_file.name].close() for dump_file in DUMP_FILES]
    if ledger_dir is not None:
        _write_ledger(Path(ledger_dir), dump_date, writers)
    _write_manifest(folder, dump_date, entries)
    broken = sum(len(writer.ledger) for writer in writers.values())
    counts = {entry["name"]: entry["rows"] for entry in entries}
    log.info(
        "%s: wrote %s consumers, %s registrations, %s payments, %s notice deliveries, %s camps; "
        "%s rows break the contract",
        dump_date.isoformat(), f"{counts['consumers.csv']:,}", f"{counts['registrations.csv']:,}",
        f"{counts['payments.csv']:,}", f"{counts['notice_deliveries.csv']:,}", f"{counts['camps.csv']:,}",
        f"{broken:,}",
    )
    return folder


def _write_manifest(folder: Path, dump_date: date, entries: list[dict]) -> None:
    manifest = {
        "dump_date": dump_date.isoformat(),
        "source_system": SOURCE_SYSTEM,
        "generated_at": f"{dump_date.strftime('%d-%m-%Y')} {GENERATED_AT_TIME}",
        "files": entries,
    }
    temporary = folder / (MANIFEST_NAME + ".tmp")
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, folder / MANIFEST_NAME)


def _write_ledger(ledger_dir: Path, dump_date: date, writers: dict[str, FileWriter]) -> None:
    ledger_dir.mkdir(parents=True, exist_ok=True)
    lines = ["file_name,row_number,kind"]
    for dump_file in DUMP_FILES:
        lines += [f"{dump_file.name},{row},{kind}" for row, kind in writers[dump_file.name].ledger]
    (ledger_dir / f"{dump_date.isoformat()}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
