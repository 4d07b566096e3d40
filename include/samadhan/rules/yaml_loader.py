"""A YAML loader for rules files: dates stay text, decimals stay exact, duplicate keys are reported.

PyYAML's safe loader turns `2021-11-31` into an exception that names no key and `0.746` into a float.
This loader leaves dates as strings so the validator can name the key of a bad date, reads every
decimal number as `Decimal`, and records duplicate keys, which the safe loader silently overwrites.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_SPECIAL_FLOATS = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}


class RulesLoader(yaml.SafeLoader):
    """A safe loader that keeps dates as text, reads decimals as `Decimal` and records duplicate keys."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        # (line number, key) of every key that repeats a key of the same mapping.
        self.duplicate_keys: list[tuple[int, str]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    self.duplicate_keys.append((key_node.start_mark.line + 1, key_node.value))
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    text = _SPECIAL_FLOATS.get(text.lower(), text)
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise yaml.constructor.ConstructorError(
            None, None, f"invalid number {text!r}", node.start_mark
        ) from error


RulesLoader.yaml_implicit_resolvers = {
    first_char: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP_TAG]
    for first_char, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
RulesLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
RulesLoader.add_constructor("tag:yaml.org,2002:map", RulesLoader.construct_yaml_map)


def load_yaml(text: str) -> tuple[Any, list[tuple[int, str]]]:
    """Parse `text`; return the document and the (line, key) of each duplicate key.

    Raises `yaml.YAMLError` for text that is not YAML.
    """
    loader = RulesLoader(text)
    try:
        document = loader.get_single_data()
    finally:
        loader.dispose()
    return document, loader.duplicate_keys
