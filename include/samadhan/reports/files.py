"""Writing the day's released forms as files: CSV for checking, XLSX and PDF for headquarters."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pandas as pd

from samadhan.reports.csv_copy import write_form_csv
from samadhan.reports.forms import (
    ALL_SUB_CATEGORIES,
    FORM1,
    FORM2,
    FormSpec,
    ReleaseInfo,
    Row,
    UnitPlace,
    sub_category_rank,
    table_order_key,
    table_rows,
    unit_places,
)
from samadhan.reports.pdf_copy import write_form_pdf
from samadhan.reports.sections import Section, build_sections
from samadhan.reports.xlsx_copy import write_form_xlsx

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _staged_files(out_dir: Path) -> Iterator[Callable[[str], Path]]:
    """Give temporary paths in `out_dir`; on success rename each to its final name, else delete them.

    Every file is complete before any is renamed, and a rename within one folder replaces the old
    file in one step, so a crash never leaves a half-written file under a final name.
    """
    staged: list[tuple[Path, Path]] = []

    def stage(name: str) -> Path:
        handle, temp_name = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".tmp")
        os.close(handle)
        temp_path = Path(temp_name)
        staged.append((temp_path, out_dir / name))
        return temp_path

    try:
        yield stage
    except BaseException:
        for temp_path, _final in staged:
            temp_path.unlink(missing_ok=True)
        raise
    for temp_path, final in staged:
        with open(temp_path, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temp_path, 0o644)
        os.replace(temp_path, final)
    folder = os.open(out_dir, os.O_RDONLY)
    try:
        os.fsync(folder)  # makes the renames themselves survive a crash
    finally:
        os.close(folder)


def _prepare(
    form: FormSpec,
    frame: pd.DataFrame,
    info: ReleaseInfo,
    places: Mapping[tuple[str, str], UnitPlace],
    sub_category_labels: Mapping[str, str],
) -> tuple[list[Row], list[Section]]:
    order = [code for code in sub_category_labels if code != ALL_SUB_CATEGORIES] + [ALL_SUB_CATEGORIES]
    ranks = sub_category_rank(order)
    rows = table_rows(form, frame, info.report_date, order)
    rows.sort(key=table_order_key(form, places, ranks))
    sections = build_sections(form, rows, places, ranks, sub_category_labels)
    return rows, sections


def write_form_files(
    out_dir: Path,
    info: ReleaseInfo,
    form1: pd.DataFrame,
    form2: pd.DataFrame,
    units: pd.DataFrame,
    sub_category_labels: dict[str, str],
) -> list[Path]:
    """Write form1/form2 as CSV, XLSX and PDF into `out_dir` and return the six paths.

    The CSV is the warehouse table as it is, with the frame's columns in their order. Its rows are
    sorted by level (grand total first, then discom down to beat), then depth-first by the
    hierarchy, then by the rules file's sub-category order with the unit's total last. XLSX and PDF
    are the people's copies in Hindi. The same inputs give the same bytes in all six files.
    Raises ValueError or TypeError naming the form, row and reason when a frame does not fit its form.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not info.dump_generated_at.strip():
        log.warning(
            "%s forms: the manifest gave no generated_at; the footer says so and the files are dated %s 00:00",
            info.report_date,
            info.report_date,
        )
    for code, label in sub_category_labels.items():
        if not str(label).strip():
            raise ValueError(f"sub-category {code!r} has an empty Hindi label")

    places = unit_places(units)
    prepared = {
        form.key: (form, frame, *_prepare(form, frame, info, places, sub_category_labels))
        for form, frame in ((FORM1, form1), (FORM2, form2))
    }

    names = [f"{key}.{ext}" for ext in ("csv", "xlsx", "pdf") for key in ("form1", "form2")]
    with _staged_files(out_dir) as stage:
        for form, frame, rows, _sections in prepared.values():
            with open(stage(f"{form.key}.csv"), "w", encoding="utf-8", newline="") as stream:
                write_form_csv(stream, [str(column) for column in frame.columns], rows)
        for form, _frame, _rows, sections in prepared.values():
            write_form_xlsx(stage(f"{form.key}.xlsx"), form, info, sections)
        for form, _frame, _rows, sections in prepared.values():
            write_form_pdf(stage(f"{form.key}.pdf"), form, info, sections)

    paths = [out_dir / name for name in names]
    log.info(
        "%s forms written to %s: form1 %d rows, form2 %d rows%s",
        info.report_date,
        out_dir,
        len(prepared["form1"][2]),
        len(prepared["form2"][2]),
        " (revised)" if info.revised else "",
    )
    return paths
