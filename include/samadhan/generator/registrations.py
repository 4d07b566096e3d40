"""Registrations and bill revisions: who registers when, on which terms, and the life of a revision request."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from samadhan.contract import BILL_REVISIONS, PAYMENT_CHANNELS, REGISTRATIONS, REVISION_EVENTS
from samadhan.generator.consumers import LMV1, WAIVER_PERCENT, ConsumerChunk
from samadhan.generator.csvtext import Table, amount_cells
from samadhan.generator.events import (
    CAMP,
    CHANNEL_NAMES,
    COUNTER,
    CSC,
    HHD,
    ONLINE,
    REGISTRATION_CURVE,
    EventRows,
    code_weights,
    office_seconds,
    report_delay,
    select_reported,
)
from samadhan.generator.plan import Plan

EVENT_NAMES = np.array(REVISION_EVENTS, dtype=object)
REQUESTED, REVISED, REJECTED, SMS_SENT, WEB_PUBLISHED = (
    REVISION_EVENTS.index(name) for name in ("REQUESTED", "REVISED", "REJECTED", "SMS_SENT", "WEB_PUBLISHED")
)

REGISTRATION_CHANNEL_WEIGHTS = code_weights({COUNTER: 30, CAMP: 35, ONLINE: 15, CSC: 12, HHD: 8}, PAYMENT_CHANNELS)


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

    channel = hasher.pick("registration/channel", REGISTRATION_CHANNEL_WEIGHTS, slots)
    channel[(channel == CAMP) & ~plan.camp_held(chunk.substations, day)] = COUNTER
    seconds = np.where(
        channel == ONLINE,
        office_seconds(plan, "registration/online_time", 6, 23.5, slots),
        office_seconds(plan, "registration/time", 9.5, 18, slots),
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
    decision_seconds = office_seconds(plan, "revision/decision_time", 10, 18, slots)

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
    delay = report_delay(plan, "registration/delay", chunk.slots[candidates], slot_id)
    return select_reported(
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
        seconds = office_seconds(plan, "revision/notify_time", 10, 20, keys, event)
        seconds = np.where(lag == 0, np.minimum(reg.decision_seconds[revised] + 600 + seconds % 7200, 86399), seconds)
        parts.append((revised[sent], event, event_day[sent], seconds[sent]))

    candidates = np.concatenate([part[0] for part in parts])
    event = np.concatenate([np.broadcast_to(part[1], part[0].shape) for part in parts]).astype(np.int64)
    event_day = np.concatenate([part[2] for part in parts]).astype(np.int64)
    seconds = np.concatenate([part[3] for part in parts]).astype(np.int64)
    delay = np.where(hasher.uniform("revision/delay", chunk.slots[candidates], event) < 0.05, 1, 0)
    return select_reported(plan, chunk, "revision", day, candidates, event, event_day, seconds, delay, {"event": event})


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
