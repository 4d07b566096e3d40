"""Shared machinery of the day's consumer events: scheme-day curves, reporting delays, re-sends.

Nothing is carried from one day to the next. Each consumer's whole story (whether and when they
register, how they pay, when their notice is delivered) is drawn from (seed, slot), and a day's
file contains the events of that story whose reporting day is the dump day. An event is reported on
its own day, or one or two days late. A few rows are sent again, unchanged, one to three days
after their first report. A quarter of those copies carry a changed field: a key seen on an
earlier day with different fields, which breaks the contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from samadhan.contract import PAYMENT_CHANNELS
from samadhan.generator.consumers import ConsumerChunk
from samadhan.generator.plan import Plan

CHANNEL_NAMES = np.array(PAYMENT_CHANNELS, dtype=object)
COUNTER, CAMP, ONLINE, CSC, HHD = (PAYMENT_CHANNELS.index(name) for name in ("COUNTER", "CAMP", "ONLINE", "CSC", "HHD"))


def code_weights(shares: dict[int, float], names: tuple[str, ...]) -> list[float]:
    """Return a weight per code in the contract's order from shares keyed by code index."""
    return [shares.get(index, 0.0) for index in range(len(names))]


# Days from 21.10.2021 to the last extension, 31.01.2022.
SCHEME_DAYS = 103
# A changed copy is a quarter of the copies sent again.
CHANGED_SHARE_OF_RESENDS = 0.25


def _registration_curve() -> np.ndarray:
    """Share of the scheme's registrations on each scheme day: a start-up ramp, a slow fade, and a
    rush before each closing date (30.11, 15.12, 31.12.2021 and 31.01.2022)."""
    day = np.arange(SCHEME_DAYS, dtype=np.float64)
    weight = 0.25 + 0.75 * (1 - np.exp(-day / 3.0))
    weight *= np.where(day > 18, np.exp(-(day - 18) / 30.0), 1.0)
    for first, last, extra in ((36, 40, 0.5), (52, 55, 0.35), (68, 71, 0.3), (99, 102, 0.3)):
        weight[first : last + 1] += extra
    return weight / weight.sum()


def _notice_curve() -> np.ndarray:
    """Share of first notice deliveries on each scheme day: notices reach the staff by 23.10.2021,
    deliveries build up over the next days, go on steadily for about four weeks, then tail off."""
    day = np.arange(SCHEME_DAYS, dtype=np.float64)
    weight = np.clip((day - 1) / 5.0, 0.05, 1.0) * np.where(day > 30, np.exp(-(day - 30) / 8.0), 1.0)
    return weight / weight.sum()


REGISTRATION_CURVE = _registration_curve()
NOTICE_CURVE = _notice_curve()


def report_delay(plan: Plan, stream: str, *keys: np.ndarray) -> np.ndarray:
    """Days between an event and the dump that reports it: mostly 0, sometimes 1 or 2."""
    return plan.hasher.pick(stream, [0.94, 0.045, 0.015], *keys)


def office_seconds(plan: Plan, stream: str, first_hour: float, last_hour: float, *keys: np.ndarray) -> np.ndarray:
    return plan.hasher.integers(stream, int(first_hour * 3600), int(last_hour * 3600), *keys)


@dataclass
class EventRows:
    """The rows of one event file that a chunk reports on one day, with their raw values."""

    consumer: np.ndarray  # position in the chunk
    event_day: np.ndarray
    seconds: np.ndarray
    resent: np.ndarray  # this row is a copy of one reported on an earlier day
    changed: np.ndarray  # ...and the copy has a changed field
    values: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.consumer)


def select_reported(
    plan: Plan,
    chunk: ConsumerChunk,
    stream: str,
    day: int,
    consumer: np.ndarray,
    slot_id: np.ndarray,
    event_day: np.ndarray,
    seconds: np.ndarray,
    delay: np.ndarray,
    values: dict[str, np.ndarray],
) -> EventRows:
    """Keep the candidate events that `day`'s dump reports, first reports and copies alike."""
    hasher = plan.hasher
    slots = chunk.slots[consumer]
    report_day = event_day + delay
    resend = hasher.uniform(stream + "/resend", slots, slot_id, event_day) < plan.scale.resend_share
    resend_day = np.where(resend, report_day + hasher.integers(stream + "/resend_lag", 1, 4, slots, slot_id), -1)
    changed = hasher.uniform(stream + "/changed", slots, slot_id, event_day) < CHANGED_SHARE_OF_RESENDS
    first = report_day == day
    again = (resend_day == day) & ~first
    keep = (first | again) & (event_day >= 0) & chunk.present(day)[consumer]
    order = np.flatnonzero(keep)
    order = order[np.lexsort((seconds[order], event_day[order]))]
    return EventRows(
        consumer=consumer[order],
        event_day=event_day[order],
        seconds=seconds[order],
        resent=again[order],
        changed=again[order] & changed[order],
        values={name: np.asarray(value)[order] for name, value in values.items()},
    )
