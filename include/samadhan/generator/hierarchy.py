"""The field hierarchy (discom down to beat), its staff, and how many consumers each beat holds.

The tree is drawn once per (scale, seed) with `random.Random`, so it is identical on every day
and in every process. Consumers are addressed by a slot index: beat b owns the slots
`slot_start[b]:slot_start[b + 1]`, first its consumers of the first day, then a few empty slots that
consumers added on later days fill.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from samadhan.contract import HIERARCHY, STAFF
from samadhan.generator.csvtext import Table, quote_all
from samadhan.generator.hashing import Hasher
from samadhan.generator.people import mobile_cells, person_names
from samadhan.generator.places import DISCOMS, ORDINALS, PLACE_ENDINGS, PLACE_STARTS, ZONES
from samadhan.generator.scales import Scale

LEVELS = ("discom", "zone", "circle", "division", "subdivision", "substation", "feeder", "beat")
CONTRACT_LEVELS = {level: level.upper() for level in LEVELS}
# Spare slots per beat for consumers added after the first day, as a share of its consumers.
ADDED_SLOT_SHARE = 0.004


@dataclass
class Units:
    """The units of one level."""

    codes: np.ndarray  # object array of str
    names: np.ndarray  # object array of str, Devanagari
    parent: np.ndarray  # index into the level above; -1 for discoms


@dataclass
class Staff:
    """staff.csv's rows, and who holds the post of each unit."""

    ids: np.ndarray
    names: list[str]
    posts: list[str]
    unit_levels: list[str]
    unit_codes: list[str]
    mobiles: list[str]
    # Level name -> staff id per unit of that level: DISCOM_HQ, CE, SE, EE, SDO, JE (substation and
    # feeder), and the meter reader or contract worker of each beat.
    head_of: dict[str, np.ndarray]


@dataclass
class Hierarchy:
    units: dict[str, Units]
    # Level name -> index of each beat's unit at that level.
    beat_ancestor: dict[str, np.ndarray]
    beat_urban: np.ndarray
    # (Devanagari, Latin) names of each beat's place, and of its circle's district.
    beat_place: tuple[np.ndarray, np.ndarray]
    beat_district: tuple[np.ndarray, np.ndarray]
    beat_consumers: np.ndarray  # consumers of the first day
    slot_start: np.ndarray  # len beats + 1
    staff: Staff

    @property
    def beat_count(self) -> int:
        return len(self.units["beat"].codes)

    @property
    def slot_count(self) -> int:
        return int(self.slot_start[-1])

    def beats_of_slots(self, slots: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.slot_start, slots, side="right") - 1


def _spread(total: int, weights: list[float]) -> list[int]:
    """Split `total` over the weights, at least 1 each, by largest remainder."""
    if total < len(weights):
        raise ValueError(f"cannot give {len(weights)} parents a child each out of {total}")
    spare = total - len(weights)
    weight_sum = sum(weights)
    exact = [spare * weight / weight_sum for weight in weights]
    counts = [int(value) for value in exact]
    order = sorted(range(len(weights)), key=lambda index: (counts[index] - exact[index], index))
    for index in order[: spare - sum(counts)]:
        counts[index] += 1
    return [count + 1 for count in counts]


def _place(rng: random.Random) -> tuple[str, str]:
    start = rng.choice(PLACE_STARTS)
    ending = rng.choice(PLACE_ENDINGS)
    return start[0] + ending[0], start[1] + ending[1]


def _ordinal(number: int) -> str:
    return ORDINALS[number] if number < len(ORDINALS) else str(number + 1)


def build_hierarchy(scale: Scale, seed: int) -> Hierarchy:
    """Draw the tree, its names and staff, and the consumers of each beat."""
    rng = random.Random(f"hierarchy/{scale.name}/{seed}")
    zones = [zone for zone in ZONES if zone.code in scale.zone_codes]
    discoms = [discom for discom in DISCOMS if any(zone.discom_code == discom.code for zone in zones)]
    discom_index = {discom.code: index for index, discom in enumerate(discoms)}

    units: dict[str, Units] = {
        "discom": Units(
            np.array([d.code for d in discoms], dtype=object),
            np.array([d.name for d in discoms], dtype=object),
            np.full(len(discoms), -1),
        ),
        "zone": Units(
            np.array([z.code for z in zones], dtype=object),
            np.array([z.name for z in zones], dtype=object),
            np.array([discom_index[z.discom_code] for z in zones]),
        ),
    }
    zones_per_discom = {code: sum(z.discom_code == code for z in zones) for code in discom_index}
    weights = [
        discoms[discom_index[z.discom_code]].share / zones_per_discom[z.discom_code] * rng.uniform(0.7, 1.3)
        for z in zones
    ]
    # (Devanagari, Latin) district of each unit, carried down from its circle.
    districts: list[tuple[str, str]] = []
    urban: list[bool] = []

    sizes = {
        "circle": scale.circles, "division": scale.divisions, "subdivision": scale.subdivisions,
        "substation": scale.substations, "feeder": scale.feeders, "beat": scale.beats,
    }
    prefixes = {"circle": ("C", 3), "division": ("DV", 4), "subdivision": ("SD", 4), "substation": ("SS", 5),
                "feeder": ("F", 6), "beat": ("B", 7)}
    for level in ("circle", "division", "subdivision", "substation", "feeder", "beat"):
        counts = _spread(sizes[level], weights)
        parents = np.repeat(np.arange(len(counts)), counts)
        child_weights = []
        for parent, count in enumerate(counts):
            shares = [rng.uniform(0.6, 1.4) for _ in range(count)]
            child_weights += [weights[parent] * share / sum(shares) for share in shares]
        prefix, width = prefixes[level]
        codes = [f"{prefix}{number:0{width}d}" for number in range(1, len(parents) + 1)]
        names, child_districts, child_urban = _unit_names(level, parents, zones, districts, urban, rng)
        units[level] = Units(np.array(codes, dtype=object), np.array(names, dtype=object), parents)
        districts, urban, weights = child_districts, child_urban, child_weights

    beat_ancestor = {"beat": np.arange(scale.beats)}
    for child, parent in zip(LEVELS[:0:-1], LEVELS[-2::-1], strict=True):
        beat_ancestor[parent] = units[child].parent[beat_ancestor[child]]

    beat_places = [_place(rng) for _ in range(scale.beats)]
    beat_consumers = np.array(_spread(scale.consumers, weights), dtype=np.int64)
    spare = np.ceil(beat_consumers * ADDED_SLOT_SHARE).astype(np.int64)
    slot_start = np.concatenate([[0], np.cumsum(beat_consumers + spare)])

    hierarchy = Hierarchy(
        units=units,
        beat_ancestor=beat_ancestor,
        beat_urban=np.array(urban),
        beat_place=(
            np.array([place[0] for place in beat_places], dtype=object),
            np.array([place[1] for place in beat_places], dtype=object),
        ),
        beat_district=(
            np.array([district[0] for district in districts], dtype=object),
            np.array([district[1] for district in districts], dtype=object),
        ),
        beat_consumers=beat_consumers,
        slot_start=slot_start,
        staff=None,  # type: ignore[arg-type]
    )
    hierarchy.staff = _build_staff(hierarchy, seed)
    return hierarchy


def _unit_names(
    level: str,
    parents: np.ndarray,
    zones: list,
    parent_districts: list[tuple[str, str]],
    parent_urban: list[bool],
    rng: random.Random,
) -> tuple[list[str], list[tuple[str, str]], list[bool]]:
    """Return Devanagari names, (Devanagari, Latin) districts and urban flags of one level's units."""
    names: list[str] = []
    districts: list[tuple[str, str]] = []
    urban: list[bool] = []
    seen: dict[tuple[int, str], int] = {}
    number_in_parent: dict[int, int] = {}
    for parent in parents.tolist():
        number = number_in_parent.get(parent, 0)
        number_in_parent[parent] = number + 1
        if level == "circle":
            zone = zones[parent]
            district = zone.districts[number % len(zone.districts)]
            is_urban = rng.random() < zone.urban_share
        else:
            district = parent_districts[parent]
            is_urban = parent_urban[parent] if level != "substation" else (
                parent_urban[parent] if rng.random() < 0.8 else not parent_urban[parent]
            )
        place_hi, _ = _place(rng)
        key = (parent, district[0]) if level == "circle" else (parent, "")
        same_district = seen.get(key, 0)
        seen[key] = same_district + 1
        if level == "circle":
            names.append(f"विद्युत वितरण मण्डल-{_ordinal(same_district)} {district[0]}")
        elif level == "division":
            names.append(f"विद्युत वितरण खण्ड-{_ordinal(number)} {district[0]}")
        elif level == "subdivision":
            names.append(f"विद्युत वितरण उपखण्ड {place_hi}")
        elif level == "substation":
            names.append(f"33/11 के0वी0 उपकेन्द्र {place_hi}")
        elif level == "feeder":
            names.append(f"11 के0वी0 {place_hi} फीडर")
        else:
            names.append(f"बीट {place_hi}-{number + 1}")
        districts.append(district)
        urban.append(is_urban)
    return names, districts, urban


def _build_staff(hierarchy: Hierarchy, seed: int) -> Staff:
    hasher = Hasher(seed)
    posts_of_level = {
        "discom": "DISCOM_HQ", "zone": "CE", "circle": "SE", "division": "EE", "subdivision": "SDO",
        "substation": "JE", "feeder": "JE", "beat": "METER_READER",
    }
    ids: list[str] = []
    posts: list[str] = []
    unit_levels: list[str] = []
    unit_codes: list[str] = []
    head_of: dict[str, np.ndarray] = {}
    for level in LEVELS:
        codes = hierarchy.units[level].codes
        first = len(ids) + 1
        level_ids = np.array([f"EMP{number:07d}" for number in range(first, first + len(codes))], dtype=object)
        head_of[level] = level_ids
        ids += level_ids.tolist()
        level_posts = [posts_of_level[level]] * len(codes)
        if level == "beat":
            contract = hasher.uniform("staff/contract_worker", np.arange(len(codes))) < 0.35
            level_posts = np.where(contract, "CONTRACT_WORKER", "METER_READER").tolist()
        posts += level_posts
        unit_levels += [CONTRACT_LEVELS[level]] * len(codes)
        unit_codes += codes.tolist()
    keys = np.arange(len(ids))
    names, _, _ = person_names(hasher, "staff/name", keys, latin_share=0.4, female_share=0.12)
    mobiles = mobile_cells(hasher, "staff/mobile", keys, empty_share=0.03)
    return Staff(np.array(ids, dtype=object), names, posts, unit_levels, unit_codes, mobiles, head_of)


def hierarchy_table(hierarchy: Hierarchy, beat_under_two_feeders: bool = False) -> Table:
    """Return hierarchy.csv's rows: one per beat with all its ancestors.

    With `beat_under_two_feeders`, the first beat appears a second time under another feeder: a
    whole-file break that the loader must reject, offered for its tests only.
    """
    columns: dict[str, list[str]] = {}
    for level in LEVELS:
        index = hierarchy.beat_ancestor[level]
        columns[f"{level}_code"] = quote_all(hierarchy.units[level].codes[index].tolist())
        columns[f"{level}_name"] = quote_all(hierarchy.units[level].names[index].tolist())
    table = Table(HIERARCHY, columns)
    if beat_under_two_feeders:
        cells = table.cells_of_row(0)
        feeders = hierarchy.units["feeder"].codes
        other = feeders[1] if len(feeders) > 1 else feeders[0] + "X"
        cells[HIERARCHY.header.index("feeder_code")] = other
        table.insert_line(1, ",".join(cells), "beat_under_two_feeders")
    return table


def staff_columns(hierarchy: Hierarchy) -> dict[str, list[str]]:
    staff = hierarchy.staff
    return {
        "staff_id": staff.ids.tolist(),
        "staff_name": staff.names,
        "post": staff.posts,
        "unit_level": staff.unit_levels,
        "unit_code": staff.unit_codes,
        "mobile": staff.mobiles,
    }


def staff_table(hierarchy: Hierarchy) -> Table:
    return Table(STAFF, staff_columns(hierarchy))
