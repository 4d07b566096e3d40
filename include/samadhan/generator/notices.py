"""Notice deliveries: attempts to serve each eligible defaulter's numbered notice."""

from __future__ import annotations

import numpy as np

from samadhan.contract import NOTICE_DELIVERIES, NOTICE_OUTCOMES
from samadhan.generator.consumers import ConsumerChunk
from samadhan.generator.csvtext import Table
from samadhan.generator.events import NOTICE_CURVE, EventRows, code_weights, office_seconds, select_reported
from samadhan.generator.plan import SCHEME_CODE, Plan

OUTCOME_NAMES = np.array(NOTICE_OUTCOMES, dtype=object)
SERVED = NOTICE_OUTCOMES.index("SERVED")

# Outcomes of the first, second and third delivery attempt.
_OUTCOME_CODES = tuple(NOTICE_OUTCOMES.index(name) for name in ("SERVED", "REFUSED", "PREMISES_LOCKED", "NOT_FOUND"))
OUTCOME_WEIGHTS = tuple(
    code_weights(dict(zip(_OUTCOME_CODES, shares, strict=True)), NOTICE_OUTCOMES)
    for shares in ((0.80, 0.05, 0.11, 0.04), (0.70, 0.08, 0.15, 0.07), (0.60, 0.10, 0.20, 0.10))
)


def notice_rows(plan: Plan, chunk: ConsumerChunk, day: int) -> EventRows:
    """Notice deliveries reported on `day`: a first attempt for most eligible defaulters in the
    scheme's first weeks, and up to two more attempts where the premises were locked, the notice
    was refused or the consumer not found."""
    hasher = plan.hasher
    compression = plan.compression
    consumer = np.flatnonzero(chunk.eligible_on(0))
    slots = chunk.slots[consumer]
    attempted = hasher.uniform("notice/attempted", slots) < plan.scale.notice_share
    first_day = np.maximum(hasher.pick("notice/day", NOTICE_CURVE, slots) // compression, chunk.join_day[consumer])
    parts = []
    attempt_day = first_day
    tries = attempted & (first_day <= day)
    for attempt, weights in enumerate(OUTCOME_WEIGHTS):
        outcome = hasher.pick("notice/outcome", weights, slots, attempt)
        seconds = office_seconds(plan, "notice/time", 9, 18, slots, attempt)
        parts.append((consumer[tries], attempt, attempt_day[tries], seconds[tries], outcome[tries]))
        gap = hasher.integers("notice/retry_gap", 2, 7, slots, attempt)
        next_day = attempt_day + np.maximum(1, gap // compression)
        retried = hasher.uniform("notice/retries", slots, attempt) < 0.7
        tries = tries & (outcome != SERVED) & retried & (next_day <= day)
        attempt_day = next_day

    candidates = np.concatenate([part[0] for part in parts])
    attempt = np.concatenate([np.full(len(part[0]), part[1]) for part in parts]).astype(np.int64)
    event_day = np.concatenate([part[2] for part in parts]).astype(np.int64)
    seconds = np.concatenate([part[3] for part in parts]).astype(np.int64)
    outcome = np.concatenate([part[4] for part in parts]).astype(np.int64)
    delay = hasher.pick("notice/delay", [0.88, 0.10, 0.02], chunk.slots[candidates], attempt)
    return select_reported(
        plan, chunk, "notice", day, candidates, attempt, event_day, seconds, delay, {"outcome": outcome}
    )


def notices_table(plan: Plan, chunk: ConsumerChunk, rows: EventRows) -> Table:
    hierarchy = plan.hierarchy
    accounts = chunk.accounts[rows.consumer].astype(str).astype(object)
    outcome = rows.values["outcome"].copy()
    outcome[rows.changed] = (outcome[rows.changed] + 1) % len(NOTICE_OUTCOMES)  # a changed copy
    columns = {
        "notice_no": (SCHEME_CODE + "/" + accounts).tolist(),
        "account_no": accounts.tolist(),
        "delivered_on": plan.dates(rows.event_day).tolist(),
        "delivered_by_staff_id": hierarchy.staff.head_of["beat"][chunk.beats[rows.consumer]].tolist(),
        "outcome": OUTCOME_NAMES[outcome].tolist(),
    }
    return Table(NOTICE_DELIVERIES, columns)
