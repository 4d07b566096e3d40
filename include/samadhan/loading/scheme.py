"""The two facts of the selected scheme that the loader checks rows against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from samadhan.settings import Settings


@dataclass(frozen=True)
class SchemeFacts:
    """What the loader needs of the scheme: its code (printed in notice numbers) and its first day."""

    code: str
    starts_on: date


def scheme_facts(settings: Settings) -> SchemeFacts:
    """Read the scheme's code and first day from the rules file `settings.scheme_file`.

    Raises `samadhan.rules.RulesError` when the rules file is missing or invalid.
    """
    from samadhan.rules import load_scheme

    scheme = load_scheme(settings.scheme_file)
    return SchemeFacts(code=scheme.code, starts_on=scheme.start)
