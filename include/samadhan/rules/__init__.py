"""The settlement scheme's rules, read from a YAML file per scheme (`include/samadhan/schemes/`).

`load_scheme()` validates the file and returns a `Scheme`, whose methods are the reference for
eligibility, sub-category, waiver percent, waiver and settlement amounts. `write_rules_tables()`
loads it into the `rules` schema that dbt reads. The format is described in docs/rules-file.md.
"""

from samadhan.rules.errors import RulesError
from samadhan.rules.model import (
    Assumption,
    Band,
    Deposit,
    Eligibility,
    PaymentOptionRule,
    Phase,
    Scheme,
    SubCategory,
    WaiverRule,
)
from samadhan.rules.parse import load_scheme, parse_scheme
from samadhan.rules.tables import write_rules_tables

__all__ = [
    "Assumption",
    "Band",
    "Deposit",
    "Eligibility",
    "PaymentOptionRule",
    "Phase",
    "RulesError",
    "Scheme",
    "SubCategory",
    "WaiverRule",
    "load_scheme",
    "parse_scheme",
    "write_rules_tables",
]
