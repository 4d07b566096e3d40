"""Typed access to a parsed YAML document that records a problem, with its key path, for each bad value.

Every method returns None for a value it cannot use, after recording why, so a caller can go on
reading and report every problem of a file at once.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from samadhan.contract import TARIFF_CATEGORIES
from samadhan.rules.model import Assumption, Band

ASSUMPTION_KEY = "assumption"
CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]*$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Stands for a key that is absent, which `Reader.mapping` reports once; readers then return None quietly.
MISSING: Any = object()


def join_key(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    return f"{type(value).__name__} {value!r}" if not isinstance(value, str) else repr(value)


@dataclass
class Reader:
    """Typed access to the YAML document that records a problem for each value it cannot use."""

    source_name: str
    problems: list[str] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{self.source_name}: {path}: {message}" if path else f"{self.source_name}: {message}")

    # Containers

    def mapping(
        self, node: Any, path: str, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()
    ) -> dict[str, Any] | None:
        """Check that `node` is a mapping with the required keys and no others; record its assumption."""
        if node is MISSING:
            return None
        if not isinstance(node, dict):
            self.problem(path, f"expected a mapping, got {describe(node)}")
            return None
        allowed = (*required, *optional, ASSUMPTION_KEY)
        for key in node:
            if key not in allowed:
                self.problem(join_key(path, key), self._unknown_key_message(str(key), allowed))
        for key in required:
            if key not in node:
                self.problem(join_key(path, key), "missing required key")
        if ASSUMPTION_KEY in node:
            text = self.text(node[ASSUMPTION_KEY], join_key(path, ASSUMPTION_KEY))
            if text is not None:
                self.assumptions.append(Assumption(path or "(top level)", text))
        return node

    @staticmethod
    def _unknown_key_message(key: str, allowed: tuple[str, ...]) -> str:
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown key{hint} (allowed here: {', '.join(allowed)})"

    def sequence(self, node: Any, path: str, allow_empty: bool = False) -> list[Any] | None:
        if node is MISSING:
            return None
        if not isinstance(node, list):
            self.problem(path, f"expected a list, got {describe(node)}")
            return None
        if not node and not allow_empty:
            self.problem(path, "the list is empty")
            return None
        return node

    # Scalars

    def text(self, node: Any, path: str) -> str | None:
        if not isinstance(node, str) or not node.strip():
            self.problem(path, f"expected non-empty text, got {describe(node)}")
            return None
        return node.strip()

    def code(self, node: Any, path: str, pattern: re.Pattern[str] = CODE_PATTERN) -> str | None:
        text = self.text(node, path)
        if text is None:
            return None
        if not pattern.match(text):
            self.problem(path, f"invalid code {text!r}: use capital letters, digits and underscores")
            return None
        return text

    def choice(self, node: Any, path: str, choices: tuple[str, ...]) -> str | None:
        if node not in choices:
            self.problem(path, f"invalid value {describe(node)}; expected one of {', '.join(choices)}")
            return None
        return str(node)

    def tariff_category(self, node: Any, path: str) -> str | None:
        if node not in TARIFF_CATEGORIES:
            self.problem(
                path, f"unknown tariff category {describe(node)}; expected one of {', '.join(TARIFF_CATEGORIES)}"
            )
            return None
        return str(node)

    def date(self, node: Any, path: str) -> date | None:
        if isinstance(node, date):  # an explicit !!timestamp tag
            return node
        if not isinstance(node, str) or not DATE_PATTERN.match(node):
            self.problem(path, f"expected a date as YYYY-MM-DD, got {describe(node)}")
            return None
        try:
            return date.fromisoformat(node)
        except ValueError as error:
            self.problem(path, f"invalid date {node!r}: {error}")
            return None

    def number(
        self,
        node: Any,
        path: str,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
        places: int | None = None,
        what: str = "value",
    ) -> Decimal | None:
        if isinstance(node, bool) or not isinstance(node, (int, Decimal)):
            self.problem(path, f"expected a number, got {describe(node)}")
            return None
        value = Decimal(node)
        if not value.is_finite():
            self.problem(path, f"expected a finite number, got {node}")
            return None
        if minimum is not None and value < minimum:
            self.problem(path, f"{what} {node} is below {minimum}")
            return None
        if maximum is not None and value > maximum:
            self.problem(path, f"{what} {node} is over {maximum}")
            return None
        if places is not None and value != value.quantize(Decimal(1).scaleb(-places)):
            self.problem(path, f"{what} {node} has more than {places} decimal places")
            return None
        return value

    def percent(self, node: Any, path: str) -> Decimal | None:
        return self.number(node, path, Decimal(0), Decimal(100), places=2, what="percent")

    def integer(self, node: Any, path: str, minimum: int) -> int | None:
        if isinstance(node, bool) or not isinstance(node, int):
            self.problem(path, f"expected a whole number, got {describe(node)}")
            return None
        if node < minimum:
            self.problem(path, f"{node} is below {minimum}")
            return None
        return node

    def boolean(self, node: Any, path: str) -> bool | None:
        if not isinstance(node, bool):
            self.problem(path, f"expected true or false, got {describe(node)}")
            return None
        return node

    def band(self, node: Any, path: str, unit: str) -> Band | None:
        """Read a band `{above_<unit>: x, up_to_<unit>: y}`: above exclusive, up to inclusive."""
        above_key, up_to_key = f"above_{unit}", f"up_to_{unit}"
        mapping = self.mapping(node, path, optional=(above_key, up_to_key))
        if mapping is None:
            return None
        above = up_to = None
        ok = True
        if above_key in mapping:
            above = self.number(mapping[above_key], join_key(path, above_key), minimum=Decimal(0))
            ok = ok and above is not None
        if up_to_key in mapping:
            up_to = self.number(mapping[up_to_key], join_key(path, up_to_key), minimum=Decimal(0))
            ok = ok and up_to is not None
        if not ok:
            return None
        band = Band(above, up_to)
        if band.is_empty:
            self.problem(path, f"empty band: {up_to_key} {up_to} is not above {above_key} {above}")
            return None
        return band
