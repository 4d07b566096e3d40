"""Everything a chunk of work needs to know about a run: scale, seed, dates, hierarchy, camps.

A `Plan` is built once per run and handed to every worker process. Everything in it derives from
(scale, seed, start), so the output does not depend on which process did which chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from samadhan.generator.csvtext import Calendar
from samadhan.generator.hashing import Hasher
from samadhan.generator.hierarchy import Hierarchy, build_hierarchy
from samadhan.generator.scales import SCALES, Scale

SCHEME_START = date(2021, 10, 21)
DUES_CUTOFF_TEXT = "30-09-2021"
SCHEME_CODE = "OTS2021"
# Account numbers: 10 digits, 1000000000 + (multiplier * slot + offset) mod 9000000000. The
# multiplier is coprime to the modulus, so different slots never share a number, and a slot past
# the last one gives a number that no consumer has.
_ACCOUNT_MODULUS = 9_000_000_000
_ACCOUNT_MULTIPLIER = 7_654_321_019
# The calendar covers the oldest last-payment date (or an earlier start) to well past the last dump.
_CALENDAR_FIRST = date(2015, 1, 1)


@dataclass
class Plan:
    scale: Scale
    seed: int
    start: date
    days: int
    hasher: Hasher
    hierarchy: Hierarchy
    calendar: Calendar
    start_offset: int  # the first dump day's offset in `calendar`
    chunk_bounds: list[tuple[int, int]]  # (first beat, end beat) of each chunk

    @property
    def compression(self) -> int:
        return self.scale.compression

    def day_offsets(self, days: np.ndarray | int) -> np.ndarray:
        """Calendar offsets of dump days (0 = the first dump)."""
        return np.asarray(days, dtype=np.int64) + self.start_offset

    def dates(self, days: np.ndarray) -> np.ndarray:
        return self.calendar.dates(self.day_offsets(days))

    def timestamps(self, days: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        return self.calendar.timestamps(self.day_offsets(days), seconds)

    def compact_dates(self, days: np.ndarray) -> np.ndarray:
        return self.calendar.compact(self.day_offsets(days))

    def dump_date(self, day: int) -> date:
        return self.start + timedelta(days=day)

    def account_numbers(self, slots: np.ndarray) -> np.ndarray:
        offset = (self.seed * 2_654_435_761) % _ACCOUNT_MODULUS
        slots = np.asarray(slots, dtype=np.int64)
        return 1_000_000_000 + (slots * _ACCOUNT_MULTIPLIER + offset) % _ACCOUNT_MODULUS

    def unknown_accounts(self, keys: np.ndarray) -> np.ndarray:
        """Return account numbers that belong to no consumer (slots past the last one)."""
        spare = self.hasher.integers("unknown_account", 0, 1_000_000, keys)
        return self.account_numbers(self.hierarchy.slot_count + spare)

    def camp_held(self, substations: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Return whether each substation has its camp on each dump day. A few substations often skip."""
        reliability = np.where(
            self.hasher.uniform("camp/weak_substation", substations) < 0.05,
            0.6,
            0.9 + 0.1 * self.hasher.uniform("camp/reliability", substations),
        )
        return (self.hasher.uniform("camp/held", substations, days) < reliability) & (np.asarray(days) >= 0)

    def camp_ids(self, substations: np.ndarray, days: np.ndarray) -> np.ndarray:
        codes = self.hierarchy.units["substation"].codes[np.asarray(substations, dtype=np.int64)]
        return "CMP" + self.compact_dates(days) + codes


def build_plan(
    scale_name: str, seed: int, start: date | None, days: int, chunk_consumers: int | None = None
) -> Plan:
    if scale_name not in SCALES:
        raise ValueError(f"unknown scale {scale_name!r}; expected one of {', '.join(SCALES)}")
    scale = SCALES[scale_name]
    start = start or SCHEME_START
    hierarchy = build_hierarchy(scale, seed)
    # Room for events dated a few days after the last dump (contract breaks) and late lags.
    calendar = Calendar(min(_CALENDAR_FIRST, start), max(start, SCHEME_START) + timedelta(days=days + 400))
    return Plan(
        scale=scale,
        seed=seed,
        start=start,
        days=days,
        hasher=Hasher(seed),
        hierarchy=hierarchy,
        calendar=calendar,
        start_offset=calendar.offset(start),
        chunk_bounds=_chunk_bounds(hierarchy, chunk_consumers or scale.chunk_consumers),
    )


def _chunk_bounds(hierarchy: Hierarchy, chunk_consumers: int) -> list[tuple[int, int]]:
    """Split the beats into runs of about `chunk_consumers` slots each."""
    bounds = []
    first = 0
    slot_start = hierarchy.slot_start
    while first < hierarchy.beat_count:
        end = int(np.searchsorted(slot_start, slot_start[first] + chunk_consumers, side="left"))
        end = min(max(end, first + 1), hierarchy.beat_count)
        bounds.append((first, end))
        first = end
    return bounds
