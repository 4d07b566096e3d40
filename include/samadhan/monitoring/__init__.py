"""Monitoring outputs of a released day: revised bills sent out, and the review packs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from samadhan.monitoring.review_packs import review_kind, write_review_packs
from samadhan.monitoring.revised_bills import (
    SMS_MAX_SEGMENTS,
    revised_bill_sms,
    sms_segments,
    write_revised_bill_files,
)

__all__ = [
    "SMS_MAX_SEGMENTS",
    "review_kind",
    "revised_bill_sms",
    "sms_segments",
    "write_monitoring_files",
    "write_revised_bill_files",
    "write_review_packs",
]


def write_monitoring_files(day: date, out_dir: Path) -> None:
    """Write the day's revised-bill files and, on review days, its review packs into `out_dir`.

    Reads the `build` tables of `day`, so it runs after the day's dbt build and before its release.
    """
    write_revised_bill_files(day, out_dir)
    write_review_packs(day, out_dir)
