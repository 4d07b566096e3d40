"""Payments: instalments and lump sums, early payments, bounced cheques and their reversals."""

from __future__ import annotations

import numpy as np

from samadhan.contract import PAYMENT_CHANNELS, PAYMENTS
from samadhan.generator.consumers import ConsumerChunk
from samadhan.generator.csvtext import Table, amount_cells
from samadhan.generator.events import (
    CAMP,
    CHANNEL_NAMES,
    COUNTER,
    CSC,
    HHD,
    ONLINE,
    EventRows,
    code_weights,
    office_seconds,
    report_delay,
    select_reported,
)
from samadhan.generator.plan import Plan
from samadhan.generator.registrations import Registrations

# Payment slots of a consumer: 0-5 scheduled payments, 6 a payment before registering,
# 7-12 the payment again after the cheque of slot 0-5 bounced, 20 a payment outside the scheme.
SCHEDULED_SLOTS = 6
EARLY_SLOT = 6
REPAID_SLOT = 7
ORDINARY_SLOT = 20

PAYMENT_CHANNEL_WEIGHTS = code_weights({COUNTER: 34, CAMP: 26, ONLINE: 20, CSC: 12, HHD: 8}, PAYMENT_CHANNELS)


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
        channel = hasher.pick("payment/channel", PAYMENT_CHANNEL_WEIGHTS, slots, k)
        channel[(channel == CAMP) & ~plan.camp_held(substations, pay_day)] = COUNTER
        seconds = _payment_seconds(plan, channel, slots, k)
        same_day = pay_day == reg.day[consumer]
        after_registration = reg.seconds[consumer] + hasher.integers("payment/after_reg", 300, 3600, slots, k)
        seconds = np.where(same_day, np.minimum(np.maximum(seconds, after_registration), 86399), seconds)
        delay = report_delay(plan, "payment/delay", slots, k)
        part = _payment_part(consumer, k, pay_day, seconds, delay, amount, channel, "RC")
        parts.append({name: value[valid] for name, value in part.items()})

        # Cheques that bounce come back as a reversal a few days after the payment was reported,
        # and most of those consumers pay again.
        bounced = valid & (channel == COUNTER) & (hasher.uniform("payment/bounced", slots, k) < scale.reversal_share)
        reversal_day = pay_day + delay + hasher.integers("payment/bounce_lag", 1, 4, slots, k)
        reversal_seconds = office_seconds(plan, "payment/reversal_time", 11, 17, slots, k)
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
        report_delay(plan, "payment/delay", slots, EARLY_SLOT), early_amount, early_channel, "RC",
    )
    parts.append({name: value[early] for name, value in early_part.items()})

    parts.append(_ordinary_payments(plan, chunk, day))
    merged = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    return select_reported(
        plan, chunk, "payment", day, merged["consumer"], merged["slot_id"], merged["event_day"],
        merged["seconds"], merged["delay"],
        {name: merged[name] for name in ("slot_id", "amount", "channel", "prefix", "reverses_day")},
    )


def _payment_seconds(plan: Plan, channel: np.ndarray, slots: np.ndarray, slot_id: int) -> np.ndarray:
    online = office_seconds(plan, "payment/online_time", 0, 24, slots, slot_id)
    device = office_seconds(plan, "payment/device_time", 8, 19, slots, slot_id)
    counter = office_seconds(plan, "payment/counter_time", 9.5, 17.5, slots, slot_id)
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
        delay = report_delay(plan, "payment/ordinary_delay", keys, event_day)
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


def camp_attendance(plan: Plan, chunk: ConsumerChunk, reg: Registrations, payments: EventRows, day: int):
    """Return (substation indexes, counts) of the chunk's CAMP registrations and payments dated `day`."""
    registered_at_camp = reg.registered & (reg.day == day) & (reg.channel == CAMP)
    paid_at_camp = payments.consumer[(payments.event_day == day) & (payments.values["channel"] == CAMP)
                                     & ~payments.resent]
    substations = np.concatenate([chunk.substations[registered_at_camp], chunk.substations[paid_at_camp]])
    unique, counts = np.unique(substations, return_counts=True)
    return unique, counts
