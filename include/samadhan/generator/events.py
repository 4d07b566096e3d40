"""The day's consumer events: registrations, payments, bill revisions and notice deliveries.

Nothing is carried from one day to the next. Each consumer's whole story (whether and when they
register, how they pay, when their notice is delivered) is drawn from (seed, slot), and a day's
file holds the events of that story whose reporting day is the dump day. An event is reported on
its own day, or one or two days late. A few rows are sent again, unchanged, one to three days
after their first report. A quarter of those copies carry a changed field: a key seen on an
earlier day with different fields, which breaks the contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from samadhan.contract import (
    BILL_REVISIONS,
    NOTICE_DELIVERIES,
    NOTICE_OUTCOMES,
    PAYMENT_CHANNELS,
    PAYMENTS,
    REGISTRATIONS,
    REVISION_EVENTS,
)
from samadhan.generator.consumers import LMV1, WAIVER_PERCENT, ConsumerChunk
from samadhan.generator.csvtext import Table, amount_cells
from samadhan.generator.plan import SCHEME_CODE, Plan

CHANNEL_NAMES = np.array(PAYMENT_CHANNELS, dtype=object)
COUNTER, CAMP, ONLINE, CSC, HHD = (PAYMENT_CHANNELS.index(name) for name in PAYMENT_CHANNELS)
OUTCOME_NAMES = np.array(NOTICE_OUTCOMES, dtype=object)
EVENT_NAMES = np.array(REVISION_EVENTS, dtype=object)
REQUESTED, REVISED, REJECTED, SMS_SENT, WEB_PUBLISHED = range(5)

# Days from 21.10.2021 to the last extension, 31.01.2022.
SCHEME_DAYS = 103
# A changed copy is a quarter of the copies sent again.
CHANGED_SHARE_OF_RESENDS = 0.25
# Payment slots of a consumer: 0-5 scheduled payments, 6 a payment before registering,
# 7-12 the payment again after the cheque of slot 0-5 bounced, 20 a payment outside the scheme.
SCHEDULED_SLOTS = 6
EARLY_SLOT = 6
REPAID_SLOT = 7
ORDINARY_SLOT = 20


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


def _report_delay(plan: Plan, stream: str, *keys: np.ndarray) -> np.ndarray:
    """Days between an event and the dump that reports it: mostly 0, sometimes 1 or 2."""
    return plan.hasher.pick(stream, [0.94, 0.045, 0.015], *keys)


def _office_seconds(plan: Plan, stream: str, first_hour: float, last_hour: float, *keys: np.ndarray) -> np.ndarray:
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


def _select(
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


@dataclass
class Registrations:
    """Each consumer's registration and what follows from it; unregistered consumers have
    `registered` False and the other fields are meaningless for them."""

    registered: np.ndarray
    day: np.ndarray
    seconds: np.ndarray
    instalments: np.ndarray
    channel: np.ndarray
    revision_opted: np.ndarray
    decision: np.ndarray  # REVISED, REJECTED, or -1 when the request is never acted on
    decision_day: np.ndarray
    decision_seconds: np.ndarray
    revised_principal: np.ndarray
    revised_lpsc: np.ndarray
    settlement: np.ndarray  # paise due under the scheme, revised amounts where revised
    registration_amount: np.ndarray
    payments_from: np.ndarray  # the day scheduled payments are counted from


def draw_registrations(plan: Plan, chunk: ConsumerChunk) -> Registrations:
    hasher = plan.hasher
    scale = plan.scale
    slots = chunk.slots
    eligible = chunk.eligible_on(0)
    chance = np.where(eligible, scale.registration_share, 0.01)  # a few ineligible consumers try too
    scheme_day = hasher.pick("registration/day", REGISTRATION_CURVE, slots)
    day = np.maximum(scheme_day // plan.compression, chunk.join_day)
    registered = (hasher.uniform("registration/registers", slots) < chance) & (day < chunk.leave_day)

    channel = hasher.pick("registration/channel", [30, 35, 15, 12, 8], slots)
    channel[(channel == CAMP) & ~plan.camp_held(chunk.substations, day)] = COUNTER
    seconds = np.where(
        channel == ONLINE,
        _office_seconds(plan, "registration/online_time", 6, 23.5, slots),
        _office_seconds(plan, "registration/time", 9.5, 18, slots),
    )
    by_instalments = (chunk.tariff == LMV1) & (hasher.uniform("registration/instalment", slots) < 0.35)
    instalments = np.where(
        by_instalments, np.array([2, 3, 4, 5, 6])[hasher.pick("registration/count", [15, 20, 20, 10, 35], slots)], 1
    )

    opted = hasher.uniform("revision/opted", slots) < scale.revision_share
    decision = np.array([REVISED, REJECTED, -1])[hasher.pick("revision/decision", [0.72, 0.23, 0.05], slots)]
    on_time = hasher.uniform("revision/on_time", slots) < 0.85
    decision_lag = np.where(
        on_time, hasher.integers("revision/lag", 1, 7, slots), hasher.integers("revision/late_lag", 8, 13, slots)
    )
    decision_day = day + decision_lag
    decision_seconds = _office_seconds(plan, "revision/decision_time", 10, 18, slots)

    principal = chunk.principal_on(day)
    revised_principal = (principal * (0.5 + 0.45 * hasher.uniform("revision/principal", slots))).astype(np.int64)
    revised_lpsc = (chunk.lpsc * (0.2 + 0.7 * hasher.uniform("revision/lpsc", slots))).astype(np.int64)
    revised = opted & (decision == REVISED)
    scheme_principal = np.where(revised, revised_principal, principal)
    scheme_lpsc = np.where(revised, revised_lpsc, chunk.lpsc)
    percent = np.where(chunk.sub_category >= 0, WAIVER_PERCENT[np.maximum(chunk.sub_category, 0)], 0)
    # Waiver rounded half away from zero to the paisa; amounts are never negative here.
    waiver = (scheme_lpsc * percent + 50) // 100
    settlement = scheme_principal + scheme_lpsc - waiver

    plain_settlement = principal + chunk.lpsc - (chunk.lpsc * percent + 50) // 100
    registration_amount = plain_settlement // instalments

    payments_from = np.where(
        opted,
        np.where(decision >= 0, decision_day + hasher.integers("payment/after_decision", 0, 3, slots), day + 10),
        day,
    )
    return Registrations(
        registered=registered,
        day=day,
        seconds=seconds,
        instalments=instalments,
        channel=channel,
        revision_opted=opted,
        decision=decision,
        decision_day=decision_day,
        decision_seconds=decision_seconds,
        revised_principal=revised_principal,
        revised_lpsc=revised_lpsc,
        settlement=settlement,
        registration_amount=registration_amount,
        payments_from=payments_from,
    )


def registration_rows(plan: Plan, chunk: ConsumerChunk, reg: Registrations, day: int) -> EventRows:
    """Registrations reported on `day`; a few consumers register a second time some days later."""
    hasher = plan.hasher
    consumer = np.flatnonzero(reg.registered & (reg.day <= day))
    slots = chunk.slots[consumer]
    again = hasher.uniform("registration/again", slots) < 0.005
    second = consumer[again]
    second_day = reg.day[second] + hasher.integers("registration/again_lag", 1, 6, chunk.slots[second])
    candidates = np.concatenate([consumer, second])
    slot_id = np.concatenate([np.zeros(len(consumer), dtype=np.int64), np.ones(len(second), dtype=np.int64)])
    event_day = np.concatenate([reg.day[consumer], second_day])
    delay = _report_delay(plan, "registration/delay", chunk.slots[candidates], slot_id)
    return _select(
        plan, chunk, "registration", day, candidates, slot_id, event_day, reg.seconds[candidates], delay,
        {"slot_id": slot_id},
    )


def registrations_table(plan: Plan, chunk: ConsumerChunk, reg: Registrations, rows: EventRows) -> Table:
    consumer = rows.consumer
    accounts = chunk.accounts[consumer].astype(str).astype(object)
    number = "REG" + plan.compact_dates(rows.event_day) + accounts
    channel = reg.channel[consumer]
    instalments = reg.instalments[consumer].copy()
    amount = reg.registration_amount[consumer].copy()
    # A changed copy reports a different registration amount.
    amount[rows.changed] += 10_000
    camp = np.where(channel == CAMP, plan.camp_ids(chunk.substations[consumer], rows.event_day), "")
    columns = {
        "registration_no": number.tolist(),
        "account_no": accounts.tolist(),
        "registered_at": plan.timestamps(rows.event_day, rows.seconds).tolist(),
        "payment_option": np.where(instalments > 1, "INSTALMENT", "LUMPSUM").tolist(),
        "instalments": instalments.astype(str).tolist(),
        "registration_amount": amount_cells(amount),
        "bill_revision_opted": np.where(reg.revision_opted[consumer], "Y", "N").tolist(),
        "channel": CHANNEL_NAMES[channel].tolist(),
        "camp_id": camp.tolist(),
    }
    return Table(REGISTRATIONS, columns, amount_paise=amount)


def payment_rows(plan: Plan, chunk: ConsumerChunk, reg: Registrations, day: int) -> EventRows:
    """Payments reported on `day`: instalments or lump sums after registration, a few before it,
    bounced cheques and their reversals, payments made again after a bounce, and a trickle of
    ordinary bill payments."""
    hasher = plan.hasher
    scale = plan.scale
    compression = plan.compression
    parts: list[dict[str, np.ndarray]] = []

    # Only consumers registered by tomorrow can have a scheme payment reported today.
    consumer = np.flatnonzero(reg.registered & (reg.day <= day + 1))
    slots = chunk.slots[consumer]
    settlement = reg.settlement[consumer]
    instalments = reg.instalments[consumer]
    split = (instalments == 1) & (hasher.uniform("payment/split", slots) < 0.1)
    payment_count = np.where(split, 2, instalments)
    behaviour = hasher.pick("payment/behaviour", [0.85, 0.10, 0.05], slots)  # full, partial, none
    paid_count = np.where(
        behaviour == 0,
        payment_count,
        np.where(behaviour == 1, np.maximum(1, hasher.integers("payment/partial", 1, payment_count, slots)), 0),
    )
    paid_count[settlement <= 0] = 0
    gap = np.where(
        hasher.uniform("payment/prompt", slots) < 0.55,
        0,
        np.where(
            hasher.uniform("payment/soon", slots) < 0.55,
            hasher.integers("payment/short_gap", 1, 4, slots),
            hasher.integers("payment/long_gap", 4, 13, slots),
        ),
    )
    spacing = np.where(
        instalments > 1,
        hasher.integers("payment/instalment_gap", 5, 10, slots),
        hasher.integers("payment/split_gap", 1, 6, slots),
    )
    first_share = 0.3 + 0.4 * hasher.uniform("payment/first_share", slots)
    partial_share = 0.3 + 0.5 * hasher.uniform("payment/partial_share", slots)
    base_day = reg.payments_from[consumer]
    substations = chunk.substations[consumer]

    for k in range(SCHEDULED_SLOTS):
        valid = k < paid_count
        if not valid.any():
            continue
        pay_day = base_day + (gap + k * spacing) // compression
        share = settlement // instalments
        amount = np.where(k == instalments - 1, settlement - share * (instalments - 1), share)
        amount = np.where(split, np.where(k == 0, (settlement * first_share).astype(np.int64),
                                          settlement - (settlement * first_share).astype(np.int64)), amount)
        amount = np.where((behaviour == 1) & (payment_count == 1), (settlement * partial_share).astype(np.int64),
                          amount)
        channel = hasher.pick("payment/channel", [34, 26, 20, 12, 8], slots, k)
        channel[(channel == CAMP) & ~plan.camp_held(substations, pay_day)] = COUNTER
        seconds = _payment_seconds(plan, channel, slots, k)
        same_day = pay_day == reg.day[consumer]
        after_registration = reg.seconds[consumer] + hasher.integers("payment/after_reg", 300, 3600, slots, k)
        seconds = np.where(same_day, np.minimum(np.maximum(seconds, after_registration), 86399), seconds)
        delay = _report_delay(plan, "payment/delay", slots, k)
        part = _payment_part(consumer, k, pay_day, seconds, delay, amount, channel, "RC")
        parts.append({name: value[valid] for name, value in part.items()})

        # Cheques that bounce come back as a reversal a few days after the payment was reported,
        # and most of those consumers pay again.
        bounced = valid & (channel == COUNTER) & (hasher.uniform("payment/bounced", slots, k) < scale.reversal_share)
        reversal_day = pay_day + delay + hasher.integers("payment/bounce_lag", 1, 4, slots, k)
        reversal_seconds = _office_seconds(plan, "payment/reversal_time", 11, 17, slots, k)
        reversal = _payment_part(
            consumer, k, reversal_day, reversal_seconds, np.zeros_like(delay), -amount, channel, "RV",
            reverses_day=pay_day,
        )
        parts.append({name: value[bounced] for name, value in reversal.items()})
        pays_again = bounced & (hasher.uniform("payment/pays_again", slots, k) < 0.8)
        again_day = reversal_day + hasher.integers("payment/again_lag", 0, 3, slots, k)
        again_channel = np.where(hasher.uniform("payment/again_online", slots, k) < 0.5, ONLINE, COUNTER)
        again = _payment_part(
            consumer, REPAID_SLOT + k, again_day, _payment_seconds(plan, again_channel, slots, REPAID_SLOT + k),
            np.zeros_like(delay), amount, again_channel, "RC",
        )
        parts.append({name: value[pays_again] for name, value in again.items()})

    # A few pay something a day or two before registering (not counted for the scheme).
    early = (hasher.uniform("payment/early", slots) < 0.03) & (reg.day[consumer] >= 1) & (settlement > 0)
    early_day = reg.day[consumer] - 1 - ((hasher.uniform("payment/early_two", slots) < 0.3) & (reg.day[consumer] >= 2))
    early_channel = np.array([COUNTER, ONLINE, CSC])[hasher.pick("payment/early_channel", [5, 3, 2], slots)]
    early_amount = np.maximum(100, (settlement * (0.1 + 0.2 * hasher.uniform("payment/early_share", slots)))
                              .astype(np.int64))
    early_part = _payment_part(
        consumer, EARLY_SLOT, early_day, _payment_seconds(plan, early_channel, slots, EARLY_SLOT),
        _report_delay(plan, "payment/delay", slots, EARLY_SLOT), early_amount, early_channel, "RC",
    )
    parts.append({name: value[early] for name, value in early_part.items()})

    parts.append(_ordinary_payments(plan, chunk, day))
    merged = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    return _select(
        plan, chunk, "payment", day, merged["consumer"], merged["slot_id"], merged["event_day"],
        merged["seconds"], merged["delay"],
        {name: merged[name] for name in ("slot_id", "amount", "channel", "prefix", "reverses_day")},
    )


def _payment_seconds(plan: Plan, channel: np.ndarray, slots: np.ndarray, slot_id: int) -> np.ndarray:
    online = _office_seconds(plan, "payment/online_time", 0, 24, slots, slot_id)
    device = _office_seconds(plan, "payment/device_time", 8, 19, slots, slot_id)
    counter = _office_seconds(plan, "payment/counter_time", 9.5, 17.5, slots, slot_id)
    return np.where(channel == ONLINE, online, np.where(channel == HHD, device, counter))


def _payment_part(
    consumer: np.ndarray,
    slot_id: int,
    event_day: np.ndarray,
    seconds: np.ndarray,
    delay: np.ndarray,
    amount: np.ndarray,
    channel: np.ndarray,
    prefix: str,
    reverses_day: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    count = len(consumer)
    return {
        "consumer": consumer,
        "slot_id": np.full(count, slot_id, dtype=np.int64) + (100 if prefix == "RV" else 0),
        "event_day": np.asarray(event_day, dtype=np.int64),
        "seconds": np.asarray(seconds, dtype=np.int64),
        "delay": np.asarray(delay, dtype=np.int64),
        "amount": np.asarray(amount, dtype=np.int64),
        "channel": np.asarray(channel, dtype=np.int64),
        "prefix": np.full(count, prefix, dtype=object),
        "reverses_day": np.full(count, -1, dtype=np.int64) if reverses_day is None else reverses_day,
    }


def _ordinary_payments(plan: Plan, chunk: ConsumerChunk, day: int) -> dict[str, np.ndarray]:
    """Payments of current bills that any consumer may make on any day, outside the scheme."""
    hasher = plan.hasher
    slots = chunk.slots
    parts = []
    # Events up to 5 days old can still be reported today: 2 days late, then sent again 3 days on.
    for event_day in range(max(0, day - 5), day + 1):
        pays = np.flatnonzero(hasher.uniform("payment/ordinary", slots, event_day) < plan.scale.ordinary_payment_rate)
        pays = pays[chunk.present(event_day)[pays]]
        keys = slots[pays]
        channel = np.array([COUNTER, ONLINE, CSC, HHD])[hasher.pick("payment/ordinary_channel", [4, 3, 2, 1], keys)]
        amount = hasher.integers("payment/ordinary_amount", 10_000, 500_000, keys, event_day)
        delay = _report_delay(plan, "payment/ordinary_delay", keys, event_day)
        parts.append(_payment_part(
            pays, ORDINARY_SLOT, np.full(len(pays), event_day), _payment_seconds(plan, channel, keys, event_day),
            delay, amount, channel, "RC",
        ))
    if not parts:
        parts.append(_payment_part(np.zeros(0, dtype=np.int64), ORDINARY_SLOT, *(np.zeros(0, dtype=np.int64),) * 5,
                                   "RC"))
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def receipt_numbers(plan: Plan, prefix: np.ndarray, days: np.ndarray, accounts: np.ndarray, slot_id: np.ndarray):
    """Receipt numbers: RC (or RV for a reversal), the payment's date as YYMMDD, the account, the slot."""
    return prefix + plan.compact_dates(days) + accounts + TWO_DIGIT_SLOTS[slot_id % 100]


TWO_DIGIT_SLOTS = np.array([f"{value:02d}" for value in range(100)], dtype=object)


def payments_table(plan: Plan, chunk: ConsumerChunk, rows: EventRows) -> Table:
    values = rows.values
    accounts = chunk.accounts[rows.consumer].astype(str).astype(object)
    reversal = values["prefix"] == "RV"
    receipt_day = np.where(reversal, values["reverses_day"], rows.event_day)
    slot_id = values["slot_id"]
    # A reversal's own number keeps the date of its cheque; its event day is the day it bounced.
    receipts = np.where(
        reversal,
        "RV" + plan.compact_dates(rows.event_day) + accounts + TWO_DIGIT_SLOTS[slot_id % 100],
        receipt_numbers(plan, values["prefix"], receipt_day, accounts, slot_id),
    )
    reverses = np.where(
        reversal, receipt_numbers(plan, np.full(len(rows), "RC", dtype=object), receipt_day, accounts, slot_id), ""
    )
    amount = values["amount"].copy()
    amount[rows.changed] += 10_000  # a changed copy reports another amount
    channel = values["channel"]
    camp = np.where(channel == CAMP, plan.camp_ids(chunk.substations[rows.consumer], rows.event_day), "")
    columns = {
        "receipt_no": receipts.tolist(),
        "account_no": accounts.tolist(),
        "amount": amount_cells(amount),
        "paid_at": plan.timestamps(rows.event_day, rows.seconds).tolist(),
        "channel": CHANNEL_NAMES[channel].tolist(),
        "camp_id": camp.tolist(),
        "reverses_receipt_no": reverses.tolist(),
    }
    return Table(PAYMENTS, columns, amount_paise=amount)


def revision_rows(plan: Plan, chunk: ConsumerChunk, reg: Registrations, day: int) -> EventRows:
    """Bill revision events reported on `day`: the request on the registration day, the SDO's or
    EE's decision (some after the 7-day limit, a few never), then the SMS and the web copy of a
    revised bill (some late, some missing)."""
    hasher = plan.hasher
    consumer = np.flatnonzero(reg.registered & reg.revision_opted & (reg.day <= day))
    slots = chunk.slots[consumer]
    parts = []

    requested_seconds = np.minimum(reg.seconds[consumer] + hasher.integers("revision/request_time", 60, 1800, slots),
                                   86399)
    parts.append((consumer, REQUESTED, reg.day[consumer], requested_seconds))

    acted = reg.decision[consumer] >= 0
    decided = consumer[acted]
    parts.append((decided, reg.decision[decided], reg.decision_day[decided], reg.decision_seconds[decided]))

    revised = consumer[reg.decision[consumer] == REVISED]
    for event in (SMS_SENT, WEB_PUBLISHED):
        keys = chunk.slots[revised]
        lag_kind = hasher.pick("revision/notify_lag_kind", [0.9, 0.05, 0.05], keys, event)
        sent = lag_kind < 2
        lag = np.where(lag_kind == 0, hasher.integers("revision/notify_lag", 0, 3, keys, event),
                       hasher.integers("revision/notify_late_lag", 3, 6, keys, event))
        event_day = reg.decision_day[revised] + lag
        seconds = _office_seconds(plan, "revision/notify_time", 10, 20, keys, event)
        seconds = np.where(lag == 0, np.minimum(reg.decision_seconds[revised] + 600 + seconds % 7200, 86399), seconds)
        parts.append((revised[sent], event, event_day[sent], seconds[sent]))

    candidates = np.concatenate([part[0] for part in parts])
    event = np.concatenate([np.broadcast_to(part[1], part[0].shape) for part in parts]).astype(np.int64)
    event_day = np.concatenate([part[2] for part in parts]).astype(np.int64)
    seconds = np.concatenate([part[3] for part in parts]).astype(np.int64)
    delay = np.where(hasher.uniform("revision/delay", chunk.slots[candidates], event) < 0.05, 1, 0)
    return _select(plan, chunk, "revision", day, candidates, event, event_day, seconds, delay, {"event": event})


def revisions_table(plan: Plan, chunk: ConsumerChunk, reg: Registrations, rows: EventRows) -> Table:
    hierarchy = plan.hierarchy
    consumer = rows.consumer
    accounts = chunk.accounts[consumer].astype(str).astype(object)
    event = rows.values["event"]
    revised = event == REVISED
    principal = reg.revised_principal[consumer].copy()
    principal[rows.changed] += 10_000  # a changed copy reports another revised principal
    revised_principal = np.where(revised | rows.changed, np.array(amount_cells(principal), dtype=object), "")
    revised_lpsc = np.where(revised | rows.changed, np.array(amount_cells(reg.revised_lpsc[consumer]), dtype=object),
                            "")
    beats = chunk.beats[consumer]
    by_ee = plan.hasher.uniform("revision/by_ee", chunk.slots[consumer]) < 0.3
    acting = np.where(
        by_ee,
        hierarchy.staff.head_of["division"][hierarchy.beat_ancestor["division"][beats]],
        hierarchy.staff.head_of["subdivision"][hierarchy.beat_ancestor["subdivision"][beats]],
    )
    acting = np.where(revised | (event == REJECTED), acting, "")
    columns = {
        # The request number carries the date of the request, which is the registration day.
        "request_no": ("BR" + plan.compact_dates(reg.day[consumer]) + accounts).tolist(),
        "account_no": accounts.tolist(),
        "event": EVENT_NAMES[event].tolist(),
        "event_at": plan.timestamps(rows.event_day, rows.seconds).tolist(),
        "revised_principal": revised_principal.tolist(),
        "revised_lpsc": revised_lpsc.tolist(),
        "acted_by_staff_id": acting.tolist(),
    }
    return Table(BILL_REVISIONS, columns)


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
    outcome_weights = ([0.80, 0.05, 0.11, 0.04], [0.70, 0.08, 0.15, 0.07], [0.60, 0.10, 0.20, 0.10])
    parts = []
    attempt_day = first_day
    tries = attempted & (first_day <= day)
    for attempt, weights in enumerate(outcome_weights):
        outcome = hasher.pick("notice/outcome", weights, slots, attempt)
        seconds = _office_seconds(plan, "notice/time", 9, 18, slots, attempt)
        parts.append((consumer[tries], attempt, attempt_day[tries], seconds[tries], outcome[tries]))
        gap = hasher.integers("notice/retry_gap", 2, 7, slots, attempt)
        next_day = attempt_day + np.maximum(1, gap // compression)
        tries = tries & (outcome != 0) & (hasher.uniform("notice/retries", slots, attempt) < 0.7) & (next_day <= day)
        attempt_day = next_day

    candidates = np.concatenate([part[0] for part in parts])
    attempt = np.concatenate([np.full(len(part[0]), part[1]) for part in parts]).astype(np.int64)
    event_day = np.concatenate([part[2] for part in parts]).astype(np.int64)
    seconds = np.concatenate([part[3] for part in parts]).astype(np.int64)
    outcome = np.concatenate([part[4] for part in parts]).astype(np.int64)
    delay = hasher.pick("notice/delay", [0.88, 0.10, 0.02], chunk.slots[candidates], attempt)
    return _select(plan, chunk, "notice", day, candidates, attempt, event_day, seconds, delay, {"outcome": outcome})


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


def camp_attendance(plan: Plan, chunk: ConsumerChunk, reg: Registrations, payments: EventRows, day: int):
    """Return (substation indexes, counts) of the chunk's CAMP registrations and payments dated `day`."""
    registered_at_camp = reg.registered & (reg.day == day) & (reg.channel == CAMP)
    paid_at_camp = payments.consumer[(payments.event_day == day) & (payments.values["channel"] == CAMP)
                                     & ~payments.resent]
    substations = np.concatenate([chunk.substations[registered_at_camp], chunk.substations[paid_at_camp]])
    unique, counts = np.unique(substations, return_counts=True)
    return unique, counts
