"""Person names, mobile numbers and addresses as the billing counters type them.

Each function takes a stream name and keys and returns finished CSV cells, so the same consumer
or staff member gets the same name, number and address every day.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from samadhan.generator.csvtext import quote
from samadhan.generator.hashing import Hasher
from samadhan.generator.places import FEMALE_FIRST, LANDMARKS, MALE_FIRST, SURNAMES

# Values that clerks typed into the mobile field and that are not a number.
RUBBISH_MOBILES = ("NA", "N/A", "0", "0000000000", "12345", "99999", "nil", "-", "1234567890", "98765 4321")


@lru_cache(maxsize=1)
def _name_pools() -> dict[str, np.ndarray]:
    pools = {}
    for script, column in (("hi", 0), ("latin", 1)):
        male = [f"{first[column]} {last[column]}" for first in MALE_FIRST for last in SURNAMES]
        female = [f"{first[column]} {last[column]}" for first in FEMALE_FIRST for last in SURNAMES]
        pools[f"{script}/male"] = np.array(male, dtype=object)
        pools[f"{script}/female"] = np.array(female, dtype=object)
    return pools


def _with_stray_spaces(names: np.ndarray, variant: np.ndarray) -> np.ndarray:
    names = names.copy()
    for code, change in (
        (1, lambda text: " " + text),
        (2, lambda text: text + " "),
        (3, lambda text: text.replace(" ", "  ", 1)),
        (4, str.upper),
    ):
        rows = np.flatnonzero(variant == code)
        names[rows] = [change(text) for text in names[rows]]
    return names


def person_names(
    hasher: Hasher, stream: str, keys: np.ndarray, latin_share: float, female_share: float
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Return (name cells, latin flags, surname indexes) for the given keys.

    A few names have stray spaces, are upper case, or carry a nickname in quotes.
    """
    pools = _name_pools()
    latin = hasher.uniform(stream + "/script", keys) < latin_share
    female = hasher.uniform(stream + "/female", keys) < female_share
    surname = hasher.integers(stream + "/surname", 0, len(SURNAMES), keys)
    names = np.empty(len(keys), dtype=object)
    for script, is_latin in (("hi", False), ("latin", True)):
        for sex, is_female, firsts in (("male", False, MALE_FIRST), ("female", True, FEMALE_FIRST)):
            rows = np.flatnonzero((latin == is_latin) & (female == is_female))
            first = hasher.integers(stream + "/first", 0, len(firsts), keys[rows])
            names[rows] = pools[f"{script}/{sex}"][first * len(SURNAMES) + surname[rows]]
    variant = hasher.pick(stream + "/variant", [0.92, 0.015, 0.015, 0.02, 0.015, 0.015], keys)
    variant[(variant == 4) & ~latin] = 0  # upper case only changes Latin names
    names = _with_stray_spaces(names, variant)
    nickname = np.flatnonzero(variant == 5)
    names[nickname] = [f'{text} "Pappu"' if text.isascii() else f'{text} "पप्पू"' for text in names[nickname]]
    return [quote(text) for text in names], latin, surname


def guardian_names(
    hasher: Hasher, stream: str, keys: np.ndarray, latin: np.ndarray, surname: np.ndarray, empty_share: float
) -> list[str]:
    """Return father's or husband's names: a male first name with the consumer's surname, or empty."""
    pools = _name_pools()
    first = hasher.integers(stream + "/first", 0, len(MALE_FIRST), keys)
    index = first * len(SURNAMES) + surname
    names = np.where(latin, pools["latin/male"][index], pools["hi/male"][index])
    names[hasher.uniform(stream + "/empty", keys) < empty_share] = ""
    return names.tolist()


def mobile_cells(hasher: Hasher, stream: str, keys: np.ndarray, empty_share: float) -> list[str]:
    """Return mobile numbers in the forms clerks type: plain, +91 with a space, leading 0, rubbish, empty."""
    first_digit = np.array([6, 7, 8, 9])[hasher.pick(stream + "/first", [10, 15, 25, 50], keys)]
    number = first_digit * 1_000_000_000 + hasher.integers(stream + "/rest", 0, 1_000_000_000, keys)
    digits = number.astype(str).tolist()
    plain_share = 0.96 - empty_share
    form = hasher.pick(
        stream + "/form", [plain_share * 0.78, plain_share * 0.12, plain_share * 0.10, 0.04, empty_share], keys
    ).tolist()
    rubbish = hasher.integers(stream + "/rubbish", 0, len(RUBBISH_MOBILES), keys).tolist()
    cells = []
    for kind, text, junk in zip(form, digits, rubbish, strict=True):
        if kind == 0:
            cells.append(text)
        elif kind == 1:
            cells.append(f"+91 {text[:5]} {text[5:]}")
        elif kind == 2:
            cells.append("0" + text)
        elif kind == 3:
            cells.append(RUBBISH_MOBILES[junk])
        else:
            cells.append("")
    return cells


# Address layouts: {house}, {place}, {post}, {district}, {landmark}. The first group is Devanagari.
_HINDI_ADDRESSES = (
    "मकान नं0 {house}, {place}, {district}",
    "ग्राम {place}, पोस्ट {post}, जनपद {district}",
    "मकान नं0 {house},\n{place},\n{district}",
    '"{landmark}" के पास, {place}, {district}',
    "  मकान नं0 {house} ,{place}, {district}",
)
_LATIN_ADDRESSES = (
    "H.No. {house}, {place}, {district}",
    "Vill. {place}, Post {post}, Distt. {district}",
    "H.No. {house},\n{place},\n{district}",
    'Near "{landmark}", {place}, {district}',
    "H No {house} , {place} ,{district} ",
)
_ADDRESS_WEIGHTS = (0.55, 0.3, 0.05, 0.04, 0.04)


def _template_pieces(template: str) -> list[str]:
    """Split an address template into literal text and field names, alternating, literal first.

    The literal text is CSV-escaped here once (quotes doubled), since every address is quoted.
    """
    pieces = re.split(r"\{(\w+)\}", template)
    return [piece.replace('"', '""') if index % 2 == 0 else piece for index, piece in enumerate(pieces)]


def address_cells(
    hasher: Hasher,
    stream: str,
    keys: np.ndarray,
    latin: np.ndarray,
    places: tuple[np.ndarray, np.ndarray],
    posts: tuple[np.ndarray, np.ndarray],
    districts: tuple[np.ndarray, np.ndarray],
    empty_share: float,
) -> list[str]:
    """Return quoted addresses with commas, some with line breaks or a quoted landmark, a few empty.

    `places`, `posts` and `districts` are (Devanagari, Latin) names per key, free of quotes.
    """
    layout = hasher.pick(stream + "/layout", _ADDRESS_WEIGHTS, keys)
    house = hasher.integers(stream + "/house", 1, 999, keys).astype(str).astype(object)
    landmark = hasher.integers(stream + "/landmark", 0, len(LANDMARKS), keys)
    empty = hasher.uniform(stream + "/empty", keys) < empty_share
    cells = np.full(len(keys), "", dtype=object)
    for script, templates in ((0, _HINDI_ADDRESSES), (1, _LATIN_ADDRESSES)):
        fields = {
            "house": house,
            "place": places[script],
            "post": posts[script],
            "district": districts[script],
            "landmark": np.array([pair[script] for pair in LANDMARKS], dtype=object)[landmark],
        }
        for number, template in enumerate(templates):
            rows = np.flatnonzero((latin == bool(script)) & (layout == number) & ~empty)
            if len(rows) == 0:
                continue
            pieces = _template_pieces(template)
            text = np.full(len(rows), '"' + pieces[0], dtype=object)
            for index in range(1, len(pieces), 2):
                text = text + fields[pieces[index]][rows] + pieces[index + 1]
            cells[rows] = text + '"'
    return cells.tolist()
