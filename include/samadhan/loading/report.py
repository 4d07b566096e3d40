"""What a load did, per file, in the field's terms."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


def _counts(counter: Counter[str]) -> str:
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{count:,} {code.replace('_', ' ')}" for code, count in ranked)


@dataclass(frozen=True)
class FileReport:
    """One file of a loaded dump: rows in the manifest, where they went, and warnings."""

    file_name: str
    rows_in_manifest: int
    rows_loaded: int  # including re-sent rows
    rows_resent: int
    quarantined_by_reason: Counter[str] = field(default_factory=Counter)
    warnings_by_code: Counter[str] = field(default_factory=Counter)

    @property
    def rows_quarantined(self) -> int:
        return sum(self.quarantined_by_reason.values())

    def line(self, dump_date: date) -> str:
        """Return e.g. `2021-10-25 payments.csv: 198,441 loaded (3 re-sent), 12 quarantined (12 unknown account)`."""
        text = f"{dump_date.isoformat()} {self.file_name}: {self.rows_loaded:,} loaded"
        if self.rows_resent:
            text += f" ({self.rows_resent:,} re-sent)"
        text += f", {self.rows_quarantined:,} quarantined"
        if self.rows_quarantined:
            text += f" ({_counts(self.quarantined_by_reason)})"
        if self.warnings_by_code:
            text += f"; warnings: {_counts(self.warnings_by_code)}"
        return text


@dataclass(frozen=True)
class LoadReport:
    """A loaded dump: its date, each file's counts, and where the raw files were archived."""

    dump_date: date
    files: tuple[FileReport, ...]
    archive_dir: Path
    seconds: float

    @property
    def rows_loaded(self) -> int:
        return sum(report.rows_loaded for report in self.files)

    @property
    def rows_resent(self) -> int:
        return sum(report.rows_resent for report in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(report.rows_quarantined for report in self.files)

    def file(self, file_name: str) -> FileReport:
        """Return the report of one file, e.g. `report.file("payments.csv")`."""
        for report in self.files:
            if report.file_name == file_name:
                return report
        raise KeyError(file_name)

    def totals(self) -> dict[str, int]:
        """Return rows loaded, re-sent and quarantined over all files."""
        return {
            "rows_loaded": self.rows_loaded,
            "rows_resent": self.rows_resent,
            "rows_quarantined": self.rows_quarantined,
        }

    def lines(self) -> list[str]:
        """Return one line per file, then a total line."""
        lines = [report.line(self.dump_date) for report in self.files]
        lines.append(
            f"{self.dump_date.isoformat()} dump: {self.rows_loaded:,} rows loaded "
            f"({self.rows_resent:,} re-sent), {self.rows_quarantined:,} quarantined, "
            f"in {self.seconds:.1f} s; raw files archived in {self.archive_dir}"
        )
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())
