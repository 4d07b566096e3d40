"""Consumers: attributes of a chunk of consumer slots, and their rows in consumers.csv.

Every attribute is a function of (seed, slot), so a consumer is the same on every day and in every
process. Day by day a few consumers join (spare slots of a beat fill), a few leave, and a few have
their principal arrears corrected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from samadhan.contract import CONSUMERS
from samadhan.generator.csvtext import Table, amount_cells
from samadhan.generator.people import address_cells, guardian_names, mobile_cells, person_names
from samadhan.generator.plan import DUES_CUTOFF_TEXT, Plan

NEVER = 1_000_000  # a day index past any dump

# (tariff, weight among rural consumers, weight among urban consumers)
TARIFFS = (
    ("LMV-1", 0.78, 0.80), ("LMV-2", 0.05, 0.11), ("LMV-3", 0.002, 0.004), ("LMV-4A", 0.006, 0.008),
    ("LMV-4B", 0.004, 0.006), ("LMV-5", 0.10, 0.004), ("LMV-6", 0.015, 0.04), ("LMV-7", 0.004, 0.006),
    ("LMV-8", 0.004, 0.003), ("LMV-9", 0.008, 0.008), ("LMV-10", 0.004, 0.006), ("LMV-11", 0.001, 0.002),
    ("HV-1", 0.001, 0.003), ("HV-2", 0.002, 0.006),
)
TARIFF_NAMES = np.array([tariff[0] for tariff in TARIFFS], dtype=object)
LMV1, LMV2, LMV5 = 0, 1, 5

# Sanctioned loads per tariff: (cell text, unit, kW, weight). Tube wells mostly in BHP.
_KW, _KVA, _BHP = "KW", "KVA", "BHP"
_DOMESTIC = (("1", _KW, 1, 30), ("2", _KW, 2, 28), ("3", _KW, 3, 10), ("4", _KW, 4, 6), ("5", _KW, 5, 5),
             ("0.5", _KW, 0.5, 4), ("1.5", _KW, 1.5, 4), ("7", _KW, 7, 3), ("10", _KW, 10, 2),
             ("2", _KVA, 1.8, 3), ("3", _KVA, 2.7, 2), ("2.500", _KW, 2.5, 3))
_COMMERCIAL = (("1", _KW, 1, 20), ("2", _KW, 2, 22), ("3", _KW, 3, 15), ("4", _KW, 4, 10), ("5", _KW, 5, 10),
               ("2", _KVA, 1.8, 4), ("5", _KVA, 4.5, 4), ("6", _KVA, 5.4, 3), ("7.5", _KW, 7.5, 5),
               ("10", _KW, 10, 4), ("15", _KW, 15, 3))
_TUBE_WELL = (("3", _BHP, 2.238, 15), ("5", _BHP, 3.73, 30), ("7.5", _BHP, 5.595, 25), ("10", _BHP, 7.46, 12),
              ("5", _KW, 5, 8), ("3.730", _KW, 3.73, 5), ("7.5", _KW, 7.5, 5))
_SMALL_POWER = (("5", _KW, 5, 3), ("10", _KW, 10, 3), ("25", _KVA, 22.5, 2), ("15", _KVA, 13.5, 2))
_PUMPS = (("10", _BHP, 7.46, 2), ("20", _BHP, 14.92, 2), ("25", _KVA, 22.5, 1))
_TEMPORARY = (("2", _KW, 2, 1), ("5", _KW, 5, 1))
_BULK = (("75", _KVA, 67.5, 3), ("150", _KVA, 135, 2), ("300", _KVA, 270, 1))
LOADS = {
    "LMV-1": _DOMESTIC, "LMV-2": _COMMERCIAL, "LMV-3": _SMALL_POWER, "LMV-4A": _SMALL_POWER,
    "LMV-4B": _SMALL_POWER, "LMV-5": _TUBE_WELL, "LMV-6": _SMALL_POWER, "LMV-7": _PUMPS, "LMV-8": _PUMPS,
    "LMV-9": _TEMPORARY, "LMV-10": (("2", _KW, 2, 1),), "LMV-11": _SMALL_POWER, "HV-1": _BULK, "HV-2": _BULK,
}
# Median principal arrears in rupees per tariff; arrears spread log-normally around it.
_MEDIAN_ARREARS = {"LMV-1": 7_500, "LMV-2": 18_000, "LMV-5": 35_000, "HV-1": 400_000, "HV-2": 400_000}

SUB_CATEGORIES = ("LMV1_UPTO_2KW", "LMV1_ABOVE_2KW", "LMV2_UPTO_2KW", "LMV2_2_TO_5KW", "LMV5")
# LPSC waiver percent per sub-category under the 2021 October-November scheme.
WAIVER_PERCENT = np.array([100, 50, 100, 50, 100], dtype=np.int64)
STATUSES = np.array(["ACTIVE", "TD", "PD"], dtype=object)


@dataclass
class ConsumerChunk:
    """Attributes of the consumer slots of a run of beats."""

    slots: np.ndarray
    beats: np.ndarray
    substations: np.ndarray
    accounts: np.ndarray
    join_day: np.ndarray
    leave_day: np.ndarray
    tariff: np.ndarray
    load_text: np.ndarray
    load_unit: np.ndarray
    load_kw: np.ndarray
    principal: np.ndarray  # paise, on the first day
    corrected_principal: np.ndarray  # paise, from `correction_day` on
    correction_day: np.ndarray
    lpsc: np.ndarray  # paise
    sub_category: np.ndarray  # index into SUB_CATEGORIES, -1 if the scheme does not cover the consumer
    first_beat: int

    def __len__(self) -> int:
        return len(self.slots)

    def present(self, day: int | np.ndarray) -> np.ndarray:
        return (self.join_day <= day) & (day < self.leave_day)

    def principal_on(self, day: int | np.ndarray) -> np.ndarray:
        return np.where(self.correction_day <= day, self.corrected_principal, self.principal)

    def eligible_on(self, day: int | np.ndarray) -> np.ndarray:
        """Eligible defaulters under the 2021 scheme's rules (category, load, dues above zero)."""
        return (self.sub_category >= 0) & (self.principal_on(day) + self.lpsc > 0)


def consumer_chunk(plan: Plan, first_beat: int, end_beat: int) -> ConsumerChunk:
    """Draw the attributes of every slot of beats [first_beat, end_beat)."""
    hierarchy = plan.hierarchy
    hasher = plan.hasher
    slots = np.arange(hierarchy.slot_start[first_beat], hierarchy.slot_start[end_beat], dtype=np.int64)
    beats = hierarchy.beats_of_slots(slots)
    position_in_beat = slots - hierarchy.slot_start[beats]
    added = position_in_beat >= hierarchy.beat_consumers[beats]

    # Days are drawn on the scheme's clock and compressed like every other event.
    compression = plan.compression
    join_day = np.where(
        added & (hasher.uniform("consumer/joins", slots) < 0.8),
        hasher.integers("consumer/join_day", 1, 61, slots) // compression,
        np.where(added, NEVER, 0),
    )
    leave_day = np.where(
        ~added & (hasher.uniform("consumer/leaves", slots) < 0.005),
        np.maximum(1, hasher.integers("consumer/leave_day", 1, 61, slots) // compression),
        NEVER,
    )

    urban = hierarchy.beat_urban[beats] ^ (hasher.uniform("consumer/area_flip", slots) < 0.03)
    tariff = np.where(
        urban,
        hasher.pick("consumer/tariff", [t[2] for t in TARIFFS], slots),
        hasher.pick("consumer/tariff", [t[1] for t in TARIFFS], slots),
    )
    load_text = np.empty(len(slots), dtype=object)
    load_unit = np.empty(len(slots), dtype=object)
    load_kw = np.zeros(len(slots))
    for index, name in enumerate(TARIFF_NAMES):
        rows = np.flatnonzero(tariff == index)
        if len(rows) == 0:
            continue
        choices = LOADS[name]
        pick = hasher.pick("consumer/load", [choice[3] for choice in choices], slots[rows])
        load_text[rows] = np.array([choice[0] for choice in choices], dtype=object)[pick]
        load_unit[rows] = np.array([choice[1] for choice in choices], dtype=object)[pick]
        load_kw[rows] = np.array([choice[2] for choice in choices])[pick]

    median = np.array([_MEDIAN_ARREARS.get(name, 60_000) for name in TARIFF_NAMES])[tariff]
    rupees = median * np.exp(0.9 * hasher.normal("consumer/arrears", slots))
    principal = np.clip(np.round(rupees * 100), 10_000, 500_000_000).astype(np.int64)
    lpsc = (principal * (0.05 + 0.5 * hasher.uniform("consumer/lpsc", slots))).astype(np.int64)
    dues_kind = hasher.uniform("consumer/zero_dues", slots)
    principal[dues_kind < 0.006] = 0  # a few with only surcharge left, and fewer with nothing
    lpsc[dues_kind < 0.002] = 0
    corrected = (principal * (0.5 + 0.75 * hasher.uniform("consumer/correction", slots))).astype(np.int64)
    correction_day = np.where(
        hasher.uniform("consumer/corrected", slots) < 0.003,
        np.maximum(1, hasher.integers("consumer/correction_day", 1, 61, slots) // compression),
        NEVER,
    )

    sub_category = np.full(len(slots), -1)
    domestic = tariff == LMV1
    commercial = (tariff == LMV2) & (load_kw <= 5)
    sub_category[domestic] = np.where(load_kw[domestic] <= 2, 0, 1)
    sub_category[commercial] = np.where(load_kw[commercial] <= 2, 2, 3)
    sub_category[tariff == LMV5] = 4

    return ConsumerChunk(
        slots=slots,
        beats=beats,
        substations=hierarchy.beat_ancestor["substation"][beats],
        accounts=plan.account_numbers(slots),
        join_day=join_day,
        leave_day=leave_day,
        tariff=tariff,
        load_text=load_text,
        load_unit=load_unit,
        load_kw=load_kw,
        principal=principal,
        corrected_principal=corrected,
        correction_day=correction_day,
        lpsc=lpsc,
        sub_category=sub_category,
        first_beat=first_beat,
    )


def consumers_table(plan: Plan, chunk: ConsumerChunk, day: int) -> tuple[Table, np.ndarray]:
    """Return consumers.csv's rows of the chunk on `day`, and the chunk positions of those rows."""
    hierarchy = plan.hierarchy
    hasher = plan.hasher
    rows = np.flatnonzero(chunk.present(day))
    slots = chunk.slots[rows]
    beats = chunk.beats[rows]

    names, latin, surname = person_names(hasher, "consumer/name", slots, latin_share=0.45, female_share=0.25)
    guardians = guardian_names(hasher, "consumer/guardian", slots, latin, surname, empty_share=0.08)
    # The post office of a village is the first of each run of four beats.
    post_beats = beats - beats % 4
    addresses = address_cells(
        hasher, "consumer/address", slots, latin,
        places=(hierarchy.beat_place[0][beats], hierarchy.beat_place[1][beats]),
        posts=(hierarchy.beat_place[0][post_beats], hierarchy.beat_place[1][post_beats]),
        districts=(hierarchy.beat_district[0][beats], hierarchy.beat_district[1][beats]),
        empty_share=0.02,
    )
    mobiles = mobile_cells(hasher, "consumer/mobile", slots, empty_share=0.16)

    urban = hierarchy.beat_urban[beats] ^ (hasher.uniform("consumer/area_flip", slots) < 0.03)
    status = STATUSES[hasher.pick("consumer/status", [0.80, 0.12, 0.08], slots)]
    feeders = hierarchy.units["feeder"].codes
    feeder_index = hierarchy.beat_ancestor["feeder"][beats]
    feeder_kind = hasher.uniform("consumer/feeder_cell", slots)
    # A few rows name a feeder that is not the beat's (the beat decides), a few name none.
    wrong = feeder_kind < 0.0005
    feeder_index[wrong] = (feeder_index[wrong] + 1) % len(feeders)
    feeder_cells = feeders[feeder_index]
    feeder_cells[(feeder_kind >= 0.0005) & (feeder_kind < 0.0055)] = ""

    # Last payments fall between 01-01-2016 and the dues cut-off, 30-09-2021.
    last_paid = plan.calendar.offset(date(2016, 1, 1)) + hasher.integers("consumer/last_payment", 0, 2099, slots)
    last_paid_cells = plan.calendar.dates(last_paid)
    last_paid_cells[hasher.uniform("consumer/never_paid", slots) < 0.08] = ""

    principal = chunk.principal_on(day)[rows]
    columns = {
        "account_no": chunk.accounts[rows].astype(str).tolist(),
        "consumer_name": names,
        "guardian_name": guardians,
        "address": addresses,
        "mobile": mobiles,
        "tariff_category": TARIFF_NAMES[chunk.tariff[rows]].tolist(),
        "supply_area": np.where(urban, "URBAN", "RURAL").tolist(),
        "sanctioned_load": chunk.load_text[rows].tolist(),
        "load_unit": chunk.load_unit[rows].tolist(),
        "connection_status": status.tolist(),
        "beat_code": hierarchy.units["beat"].codes[beats].tolist(),
        "feeder_code": feeder_cells.tolist(),
        "principal_arrears": amount_cells(principal),
        "lpsc_arrears": amount_cells(chunk.lpsc[rows]),
        "dues_cutoff_date": [DUES_CUTOFF_TEXT] * len(rows),
        "court_case": np.where(hasher.uniform("consumer/court_case", slots) < 0.015, "Y", "N").tolist(),
        "last_payment_date": last_paid_cells.tolist(),
    }
    return Table(CONSUMERS, columns, amount_paise=principal), rows
