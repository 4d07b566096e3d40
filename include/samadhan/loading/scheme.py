"""The two facts of the selected scheme that the loader checks rows against."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SchemeFacts:
    """What the loader needs of the scheme: its code (printed in notice numbers) and its first day."""

    code: str
    starts_on: date


def scheme_facts() -> SchemeFacts:
    """Return the scheme's code and first day: `SAMADHAN_SCHEME_CODE` and `SAMADHAN_SCHEME_START`.

    The defaults are the 2021 (Oct-Nov) scheme's: OTS2021, starting 2021-10-21.
    """
    # NOTE: both facts belong to the scheme's rules file; they are read from the environment here
    # until the loader reads the rules tables, so a scheme other than the default needs both set.
    code = os.environ.get("SAMADHAN_SCHEME_CODE", "OTS2021")
    starts_on = date.fromisoformat(os.environ.get("SAMADHAN_SCHEME_START", "2021-10-21"))
    return SchemeFacts(code=code, starts_on=starts_on)
