"""Numbering: which eligible defaulters get a notice on a day, the terms printed on it, and the register rows."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import psycopg

from samadhan.rules import Scheme

log = logging.getLogger(__name__)


class DayNotBuilt(RuntimeError):
    """The warehouse has no consumer status for the day: the day's dbt build has not run."""


@dataclass(frozen=True)
class OptionTerms:
    """A payment option printed on a notice: its most instalments, waiver and settlement amount."""

    option: str  # LUMPSUM or INSTALMENT
    max_instalments: int
    waiver_percent: Decimal
    waiver: Decimal
    settlement: Decimal

    def as_json(self) -> dict[str, Any]:
        return {
            "option": self.option,
            "max_instalments": self.max_instalments,
            "waiver_percent": str(self.waiver_percent),
            "waiver": str(self.waiver),
            "settlement": str(self.settlement),
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> OptionTerms:
        return cls(
            option=value["option"],
            max_instalments=int(value["max_instalments"]),
            waiver_percent=Decimal(value["waiver_percent"]),
            waiver=Decimal(value["waiver"]),
            settlement=Decimal(value["settlement"]),
        )


def notice_number(scheme_code: str, account_no: str) -> str:
    """Return the number printed on a consumer's notice: the scheme code, a slash, the account number."""
    return f"{scheme_code}/{account_no}"


_NEW_DEFAULTERS = """
select
    status.notice_no,
    status.account_no,
    status.beat_code,
    status.tariff_category,
    terms.sanctioned_load,
    terms.load_unit,
    status.load_kw,
    status.dues_band_amount,
    status.phase_code,
    status.scheme_principal,
    status.scheme_lpsc,
    status.waiver_percent,
    status.waiver_amount,
    status.settlement_amount,
    (select min(listed.dump_date) from billing.consumers as listed
     where listed.account_no = status.account_no) as first_dump_date
from int.int_consumer_scheme_status as status
inner join int.int_consumer_scheme_terms as terms
    on terms.as_of_date = status.as_of_date and terms.account_no = status.account_no
where status.as_of_date = %(day)s
    and status.is_eligible
    and not exists (
        select from notices.register as register
        where register.scheme_code = %(scheme_code)s and register.account_no = status.account_no
    )
order by status.account_no
"""


def _option_terms(scheme: Scheme, row: dict[str, Any]) -> list[OptionTerms]:
    """Return the terms of every payment option the consumer's category may choose, fewest instalments first.

    The warehouse's waiver is the one of the option of fewest instalments. Only a scheme whose waiver
    rules name a payment option gives another option a different percent, computed here by the rules.
    """
    rules = sorted(
        (rule for rule in scheme.payment_options if rule.category == row["tariff_category"]),
        key=lambda rule: (rule.max_instalments, rule.option),
    )
    by_option = any(rule.payment_option is not None for rule in scheme.waiver_rules)
    terms = []
    for rule in rules:
        percent = Decimal(row["waiver_percent"])
        waiver = Decimal(row["waiver_amount"])
        settlement = Decimal(row["settlement_amount"])
        if by_option:
            percent = scheme.waiver_percent(
                row["tariff_category"], row["load_kw"], row["dues_band_amount"], rule.option, row["phase_code"]
            )
            waiver = Scheme.waiver(row["scheme_lpsc"], percent)
            settlement = Scheme.settlement(row["scheme_principal"], row["scheme_lpsc"], waiver)
        terms.append(OptionTerms(rule.option, rule.max_instalments, percent, waiver, settlement))
    return terms


def register_new_notices(conn: psycopg.Connection, scheme: Scheme, day: date) -> tuple[int, int]:
    """Number every eligible defaulter of `day` who has no notice yet; return (eligible defaulters, new notices).

    Raises DayNotBuilt when the warehouse contains no consumer status for `day`. The caller commits.
    """
    eligible = conn.execute(
        "select count(*) filter (where is_eligible), count(*) from int.int_consumer_scheme_status"
        " where as_of_date = %s",
        (day,),
    ).fetchone()
    if eligible is None or eligible[1] == 0:
        raise DayNotBuilt(
            f"{day.isoformat()}: int.int_consumer_scheme_status has no rows for this day; "
            f"run the day first (samadhan run-day {day.isoformat()})"
        )
    built_code = conn.execute("select scheme_code from rules.scheme").fetchone()[0]
    if built_code != scheme.code:
        raise DayNotBuilt(
            f"{day.isoformat()}: the warehouse was built for scheme {built_code}, but the rules file selected "
            f"now is {scheme.code}; run the day again with the same rules file"
        )

    with conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
        cursor.execute(_NEW_DEFAULTERS, {"day": day, "scheme_code": scheme.code})
        candidates = cursor.fetchall()

    with conn.cursor() as cursor, cursor.copy(
        "copy notices.register (notice_no, account_no, scheme_code, beat_code, generated_on, first_dump_date,"
        " tariff_category, sanctioned_load, load_unit, principal, lpsc, waiver_percent, waiver, settlement,"
        " payment_options, last_date) from stdin"
    ) as copy:
        for row in candidates:
            options = _option_terms(scheme, row)
            copy.write_row((
                notice_number(scheme.code, row["account_no"]), row["account_no"], scheme.code, row["beat_code"],
                day, row["first_dump_date"], row["tariff_category"], row["sanctioned_load"], row["load_unit"],
                row["scheme_principal"], row["scheme_lpsc"], row["waiver_percent"], row["waiver_amount"],
                row["settlement_amount"], json.dumps([option.as_json() for option in options]), scheme.end,
            ))
    log.info("%s notices: %s eligible defaulters, %s newly numbered", day.isoformat(), f"{eligible[0]:,}",
             f"{len(candidates):,}")
    return int(eligible[0]), len(candidates)
