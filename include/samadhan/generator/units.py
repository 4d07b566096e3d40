"""The day's unit events: camps at substations, officers' camp visits, and targets.

Camps are reported on their own day, so a CAMP payment always names a camp that has already
arrived. Visits may arrive a day late. Targets are set on the first two days (the deadline is
22.10.2021), a few late, a few never, and a few are revised later.
"""

from __future__ import annotations

import numpy as np

from samadhan.contract import CAMP_VISITS, CAMPS, TARGETS
from samadhan.generator.consumers import SUB_CATEGORIES
from samadhan.generator.csvtext import Table, amount_cells
from samadhan.generator.hierarchy import LEVELS
from samadhan.generator.plan import Plan

TARGET_LEVELS = ("zone", "circle", "division", "subdivision", "substation", "feeder", "beat")
SUB_CATEGORY_NAMES = np.array(SUB_CATEGORIES, dtype=object)


def camps_table(plan: Plan, day: int, attendance: np.ndarray) -> Table:
    """Return camps.csv for `day`: one camp at each substation that has a camp that day.

    `attendance` counts the CAMP registrations and payments of the day per substation; walk-ins
    who only asked questions are added to it.
    """
    hierarchy = plan.hierarchy
    hasher = plan.hasher
    substations = np.arange(len(hierarchy.units["substation"].codes))
    held = substations[plan.camp_held(substations, np.full(len(substations), day))]
    days = np.full(len(held), day)
    start = hasher.integers("camp/start", 9 * 3600 + 1800, 11 * 3600, held, day)
    end = hasher.integers("camp/end", 15 * 3600 + 1800, 18 * 3600 + 1800, held, day)
    ended = plan.timestamps(days, end)
    ended[hasher.uniform("camp/no_end", held, day) < 0.02] = ""
    attended = attendance[held] + hasher.integers("camp/walk_ins", 3, 40, held, day)
    attended_cells = attended.astype(str).astype(object)
    attended_cells[hasher.uniform("camp/no_count", held, day) < 0.02] = ""
    columns = {
        "camp_id": plan.camp_ids(held, days).tolist(),
        "substation_code": hierarchy.units["substation"].codes[held].tolist(),
        "camp_date": plan.dates(days).tolist(),
        "started_at": plan.timestamps(days, start).tolist(),
        "ended_at": ended.tolist(),
        "consumers_attended": attended_cells.tolist(),
        "organised_by_staff_id": hierarchy.staff.head_of["substation"][held].tolist(),
    }
    return Table(CAMPS, columns)


def _units_below(plan: Plan, level: str) -> list[np.ndarray]:
    """Substation indexes under each unit of `level`."""
    hierarchy = plan.hierarchy
    # Walk up from the substations until `ancestor` is each substation's unit at `level`.
    ancestor = np.arange(len(hierarchy.units["substation"].codes))
    for child in LEVELS[5:0:-1]:
        if child == level:
            break
        ancestor = hierarchy.units[child].parent[ancestor]
    order = np.argsort(ancestor, kind="stable")
    bounds = np.searchsorted(ancestor[order], np.arange(len(hierarchy.units[level].codes) + 1))
    return [order[bounds[unit] : bounds[unit + 1]] for unit in range(len(bounds) - 1)]


# Camp visit rules: (level of the officer's post, level whose units each get one visit, chance
# of the visit on a day). The CE covers the zone, the EE every sub-division, a few SEs their circle.
VISIT_RULES = (("zone", "zone", 0.85), ("division", "subdivision", 0.8), ("circle", "circle", 0.3))


def _visits_on(plan: Plan, event_day: int) -> list[tuple[str, str, str, int, int]]:
    """Return (visit_id, camp_id, staff_id, second of the day, report delay) of the visits made on a day."""
    hierarchy = plan.hierarchy
    hasher = plan.hasher
    substations = np.arange(len(hierarchy.units["substation"].codes))
    held = plan.camp_held(substations, np.full(len(substations), event_day))
    day_text = plan.compact_dates(np.array([event_day]))[0]
    visits = []
    for post_level, visit_level, chance in VISIT_RULES:
        groups = _units_below(plan, visit_level)
        post_of_group = np.arange(len(groups)) if post_level == visit_level else hierarchy.units[visit_level].parent
        visits_of_post: dict[int, int] = {}
        for group, members in enumerate(groups):
            key = hash_key(post_level, group)
            open_camps = members[held[members]]
            if len(open_camps) == 0 or hasher.uniform("visit/made", key, event_day)[0] >= chance:
                continue
            post_unit = int(post_of_group[group])
            staff_id = hierarchy.staff.head_of[post_level][post_unit]
            number = visits_of_post.get(post_unit, 0) + 1
            visits_of_post[post_unit] = number

            camp = open_camps[int(hasher.integers("visit/camp", 0, len(open_camps), key, event_day)[0])]
            camp_id = plan.camp_ids(np.array([camp]), np.array([event_day]))[0]
            seconds = int(hasher.integers("visit/time", 11 * 3600, 16 * 3600 + 1800, key, event_day)[0])
            delay = int(hasher.uniform("visit/delay", key, event_day)[0] < 0.08)
            visits.append((f"VST{day_text}{staff_id}{number:02d}", camp_id, staff_id, seconds, delay))
    return visits


def camp_visits_table(plan: Plan, day: int) -> Table:
    """Return camp_visits.csv for `day`: the visits made that day or, reported a day late, the day before.

    Some visits are never made, so some camps and sub-divisions go without one.
    """
    rows = []
    for event_day in range(max(0, day - 1), day + 1):
        rows += [(event_day, *visit) for visit in _visits_on(plan, event_day) if event_day + visit[4] == day]
    days = np.array([row[0] for row in rows], dtype=np.int64)
    seconds = np.array([row[4] for row in rows], dtype=np.int64)
    columns = {
        "visit_id": [row[1] for row in rows],
        "camp_id": [row[2] for row in rows],
        "staff_id": [row[3] for row in rows],
        "visited_at": plan.timestamps(days, seconds).tolist(),
    }
    return Table(CAMP_VISITS, columns)


def hash_key(level: str, unit: int | np.ndarray) -> np.ndarray:
    """Return a number that identifies a unit of any level, for hashing."""
    return np.asarray(unit, dtype=np.int64) * 8 + LEVELS.index(level)


def _setter_of(plan: Plan, level: str) -> np.ndarray:
    """Return the staff id of the officer who sets the targets of each unit of `level`.

    Discom HQ sets a zone's, the CE a circle's, the SE a division's, the EE a sub-division's, the
    SDO a substation's, and the feeder's JE the targets of the feeder and its beats.
    """
    hierarchy = plan.hierarchy
    head_of = hierarchy.staff.head_of
    units = hierarchy.units
    if level == "beat":
        return head_of["feeder"][units["beat"].parent]
    if level == "feeder":
        return head_of["feeder"]
    parent_level = LEVELS[LEVELS.index(level) - 1]
    return head_of[parent_level][units[level].parent]


def targets_table(plan: Plan, day: int, eligible_count: np.ndarray, eligible_principal: np.ndarray) -> Table:
    """Return targets.csv for `day` from the day's eligible defaulters per beat and sub-category
    (`eligible_count`, `eligible_principal` in paise, both shaped beats x sub-categories)."""
    hierarchy = plan.hierarchy
    hasher = plan.hasher
    columns: dict[str, list[str]] = {name: [] for name in TARGETS.header}
    for level in TARGET_LEVELS:
        unit_count = len(hierarchy.units[level].codes)
        ancestor = hierarchy.beat_ancestor[level]
        count = np.zeros((unit_count, len(SUB_CATEGORIES)), dtype=np.int64)
        principal = np.zeros((unit_count, len(SUB_CATEGORIES)), dtype=np.int64)
        np.add.at(count, ancestor, eligible_count)
        np.add.at(principal, ancestor, eligible_principal)
        unit, sub_category = np.nonzero(count)
        key = hash_key(level, unit) * 8 + sub_category
        when = hasher.pick("target/when", [0.55, 0.38, 0.04, 0.03], key)
        set_day = np.where(when < 2, when, np.where(when == 2, hasher.integers("target/late_day", 2, 6, key), -1))
        revised = hasher.uniform("target/revised", key) < 0.015
        revision_day = hasher.integers("target/revision_day", 6, 15, key)
        first = set_day == day
        again = revised & (revision_day == day) & (set_day >= 0)
        rows = np.flatnonzero(first | again)
        if len(rows) == 0:
            continue
        share = np.where(
            again[rows],
            0.3 + 0.4 * hasher.uniform("target/revised_share", key[rows]),
            0.3 + 0.3 * hasher.uniform("target/share", key[rows]),
        )
        chosen_unit, chosen_category = unit[rows], sub_category[rows]
        target_consumers = np.maximum(1, np.round(count[chosen_unit, chosen_category] * share)).astype(np.int64)
        target_amount = (principal[chosen_unit, chosen_category] * share).astype(np.int64)
        columns["unit_level"] += [level.upper()] * len(rows)
        columns["unit_code"] += hierarchy.units[level].codes[chosen_unit].tolist()
        columns["sub_category"] += SUB_CATEGORY_NAMES[chosen_category].tolist()
        columns["target_consumers"] += target_consumers.astype(str).tolist()
        columns["target_amount"] += amount_cells(target_amount)
        columns["set_by_staff_id"] += _setter_of(plan, level)[chosen_unit].tolist()
        columns["set_on"] += plan.dates(np.full(len(rows), day)).tolist()
    return Table(TARGETS, columns)
