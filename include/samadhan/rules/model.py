"""The scheme's rules as frozen dataclasses, and the reference computations that notices and tests use.

The dbt models compute the same quantities from the `rules.*` tables. Every amount is a `Decimal`.
A float argument raises `TypeError`, because a float cannot hold rupees and paise exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from samadhan.contract import LOAD_UNIT_TO_KW

PaymentOption = Literal["LUMPSUM", "INSTALMENT"]
PAYMENT_OPTIONS: tuple[str, ...] = ("LUMPSUM", "INSTALMENT")
WAIVER_PHASE_BASES: tuple[str, ...] = ("REGISTRATION", "FULL_PAYMENT")
DUES_BAND_BASES: tuple[str, ...] = ("PRINCIPAL", "TOTAL")
DEPOSIT_KINDS: tuple[str, ...] = ("NONE", "FIXED", "PERCENT_OF_PRINCIPAL")

# The code of the single phase that covers the window of a scheme whose file declares no phases.
WHOLE_WINDOW_PHASE = "P1"

_PAISA = Decimal("0.01")
_HUNDRED = Decimal(100)

Number = Decimal | int | str


def to_decimal(value: Number, what: str) -> Decimal:
    """Convert an int, a numeric string or a Decimal to Decimal; reject floats and booleans."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{what} must be a Decimal, int or numeric string, not {type(value).__name__} {value!r}")
    if isinstance(value, Decimal):
        return value
    return Decimal(value)


def format_number(value: Decimal) -> str:
    """Write a decimal without exponent or trailing zeros: 5000, 2, 0.9."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class Band:
    """A half-open interval (above, up_to]: `above` exclusive, `up_to` inclusive, None for no bound.

    "Up to 2 kW" is Band(None, 2) and contains 2.000; "above 2 kW" is Band(2, None).
    """

    above: Decimal | None = None
    up_to: Decimal | None = None

    def contains(self, value: Decimal) -> bool:
        if self.above is not None and not value > self.above:
            return False
        return self.up_to is None or value <= self.up_to

    def overlaps(self, other: Band) -> bool:
        lower = _max_lower(self.above, other.above)
        upper = _min_upper(self.up_to, other.up_to)
        return lower is None or upper is None or lower < upper

    def within(self, other: Band) -> bool:
        lower_ok = other.above is None or (self.above is not None and self.above >= other.above)
        upper_ok = other.up_to is None or (self.up_to is not None and self.up_to <= other.up_to)
        return lower_ok and upper_ok

    @property
    def is_empty(self) -> bool:
        return self.above is not None and self.up_to is not None and self.up_to <= self.above

    def __str__(self) -> str:
        lower = "-inf" if self.above is None else format_number(self.above)
        if self.up_to is None:
            return f"({lower}, inf)"
        return f"({lower}, {format_number(self.up_to)}]"


def _max_lower(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def _min_upper(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


ANY_BAND = Band()


@dataclass(frozen=True)
class Assumption:
    """A rule that public reports of the scheme leave open, with the sentence the rules file gives."""

    key_path: str
    text: str


@dataclass(frozen=True)
class Phase:
    """A phase of the scheme: registrations (or full payments) on its dates get its waiver percents."""

    code: str
    order: int
    start: date
    end: date
    label_hi: str | None = None
    label_en: str | None = None

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Eligibility:
    """The admission rule of one tariff category and load band."""

    category: str
    load_band: Band
    connection_statuses: frozenset[str] | None  # None admits every status
    court_case_allowed: bool
    theft_case_allowed: bool | None  # informational: the dump carries no theft flag
    dues_cutoff: date
    key_path: str


@dataclass(frozen=True)
class SubCategory:
    """A target sub-category (उपश्रेणी): a tariff category and load band with the label the forms print."""

    code: str
    label_hi: str
    label_en: str
    category: str
    load_band: Band
    sort_order: int


@dataclass(frozen=True)
class PaymentOptionRule:
    """A payment option that a tariff category may choose; a lump sum counts as one instalment."""

    category: str
    option: str
    max_instalments: int


@dataclass(frozen=True)
class WaiverRule:
    """One waiver percent for one tariff category; phase and payment option None match any."""

    order: int
    category: str
    phase: str | None
    load_band: Band
    dues_band: Band
    payment_option: str | None
    percent: Decimal
    key_path: str

    def matches(
        self, category: str, load_kw: Decimal, dues_amount: Decimal, payment_option: str, phase_code: str | None
    ) -> bool:
        return (
            self.category == category
            and (self.phase is None or self.phase == phase_code)
            and (self.payment_option is None or self.payment_option == payment_option)
            and self.load_band.contains(load_kw)
            and self.dues_band.contains(dues_amount)
        )


@dataclass(frozen=True)
class Deposit:
    """The registration deposit: none, a fixed fee in rupees, or a percent of the principal arrears."""

    kind: str
    value: Decimal | None = None
    # The date the principal is taken on, where the scheme names one (2024-25: 30.09.2024).
    principal_as_on: date | None = None
    # Whether the current bill is due on registration on top of the deposit.
    plus_current_bill: bool = False


@dataclass(frozen=True)
class Scheme:
    """One settlement scheme, as its rules file sets it out and the validator accepted it."""

    code: str
    name_hi: str
    name_en: str
    start: date
    original_end: date
    extensions: tuple[date, ...]  # new end dates, in order; the latest is in force
    dues_cutoff: date  # the default; `Eligibility.dues_cutoff` contains each category's own
    dues_cutoff_by_category: tuple[tuple[str, date], ...]
    target_deadline: date
    notice_deadline: date
    revision_limit_days: int
    revision_delivery_limit_days: int
    phases: tuple[Phase, ...]  # never empty: a file without phases gets one covering the window
    phases_declared: bool
    eligibility: tuple[Eligibility, ...]
    sub_categories: tuple[SubCategory, ...]
    payment_options: tuple[PaymentOptionRule, ...]
    deposit: Deposit
    waiver_phase_basis: str
    dues_band_basis: str
    waiver_rules: tuple[WaiverRule, ...]
    laggard_threshold_pct: Decimal
    assumptions: tuple[Assumption, ...]
    source_name: str
    source_sha256: str

    @property
    def end(self) -> date:
        """The end date in force: the latest extension, or the original end date if there is none."""
        return self.extensions[-1] if self.extensions else self.original_end

    @property
    def categories(self) -> tuple[str, ...]:
        """The eligible tariff categories, in file order, each once."""
        return tuple(dict.fromkeys(rule.category for rule in self.eligibility))

    def in_window(self, day: date) -> bool:
        return self.start <= day <= self.end

    @staticmethod
    def load_kw(load: Number, unit: str) -> Decimal:
        """Convert a sanctioned load to kW, unrounded: BHP x 0.746, kVA x 0.9, kW as it is."""
        factor = LOAD_UNIT_TO_KW.get(unit)
        if factor is None:
            raise ValueError(f"unknown load unit {unit!r}; expected one of {', '.join(LOAD_UNIT_TO_KW)}")
        return to_decimal(load, "load") * Decimal(factor)

    def eligibility_for(self, category: str, load_kw: Decimal) -> Eligibility | None:
        """Return the eligibility entry of `category` whose load band contains `load_kw`, if any."""
        for rule in self.eligibility:
            if rule.category == category and rule.load_band.contains(load_kw):
                return rule
        return None

    def is_eligible(
        self,
        category: str,
        load: Number,
        unit: str,
        connection_status: str,
        court_case: bool,
        principal: Number,
        lpsc: Number,
    ) -> bool:
        """Return whether the scheme admits the consumer and the consumer owes something (principal + LPSC > 0)."""
        rule = self.eligibility_for(category, self.load_kw(load, unit))
        if rule is None:
            return False
        if rule.connection_statuses is not None and connection_status not in rule.connection_statuses:
            return False
        if court_case and not rule.court_case_allowed:
            return False
        return to_decimal(principal, "principal") + to_decimal(lpsc, "lpsc") > 0

    def sub_category(self, category: str, load: Number, unit: str) -> str | None:
        """Return the code of the target sub-category for the category and load, or None if none has it."""
        load_kw = self.load_kw(load, unit)
        for sub_category in self.sub_categories:
            if sub_category.category == category and sub_category.load_band.contains(load_kw):
                return sub_category.code
        return None

    def dues_band_amount(self, principal: Number, lpsc: Number) -> Decimal:
        """Return the amount the dues bands are measured on: the principal, or principal + LPSC."""
        principal = to_decimal(principal, "principal")
        if self.dues_band_basis == "TOTAL":
            return principal + to_decimal(lpsc, "lpsc")
        return principal

    def waiver_percent(
        self,
        category: str,
        load_kw: Number,
        dues_amount: Number,
        payment_option: str,
        phase_code: str | None,
    ) -> Decimal:
        """Return the waiver percent of the first waiver rule, by rule order, that matches.

        `dues_amount` is the amount the dues bands are measured on (see `dues_band_amount`);
        `phase_code` is the phase that decides the waiver (see `waiver_phase_basis` and `phase_on`).
        A `phase_code` of None matches only the rules that apply in every phase.
        Raises ValueError when no rule matches, which the validator rules out for eligible consumers.
        """
        load_kw = to_decimal(load_kw, "load_kw")
        dues_amount = to_decimal(dues_amount, "dues_amount")
        if payment_option not in PAYMENT_OPTIONS:
            raise ValueError(f"unknown payment option {payment_option!r}; expected LUMPSUM or INSTALMENT")
        for rule in self.waiver_rules:
            if rule.matches(category, load_kw, dues_amount, payment_option, phase_code):
                return rule.percent
        raise ValueError(
            f"{self.code}: no waiver rule for {category}, load {format_number(load_kw)} kW, "
            f"dues Rs {format_number(dues_amount)}, {payment_option}, phase {phase_code}"
        )

    def phase_on(self, day: date) -> str | None:
        """Return the code of the phase that contains `day`, or None outside the window."""
        for phase in self.phases:
            if phase.contains(day):
                return phase.code
        return None

    @staticmethod
    def waiver(lpsc: Number, percent: Number) -> Decimal:
        """Return the waiver: LPSC x percent / 100, rounded to the paisa, half away from zero."""
        exact = to_decimal(lpsc, "lpsc") * to_decimal(percent, "percent") / _HUNDRED
        return exact.quantize(_PAISA, rounding=ROUND_HALF_UP)

    @staticmethod
    def settlement(principal: Number, lpsc: Number, waiver: Number) -> Decimal:
        """Return the settlement amount (देय धनराशि): principal + LPSC - waiver."""
        return to_decimal(principal, "principal") + to_decimal(lpsc, "lpsc") - to_decimal(waiver, "waiver")

    def registration_deposit(self, principal: Number) -> Decimal:
        """Return the deposit due on registration, rounded to the paisa, half away from zero.

        The current bill, where `deposit.plus_current_bill` is set, is not included: the dump has no
        current bill amount.
        """
        if self.deposit.kind == "NONE":
            return Decimal("0.00")
        assert self.deposit.value is not None  # the validator requires a value for FIXED and PERCENT
        if self.deposit.kind == "FIXED":
            return self.deposit.value.quantize(_PAISA, rounding=ROUND_HALF_UP)
        exact = to_decimal(principal, "principal") * self.deposit.value / _HUNDRED
        return exact.quantize(_PAISA, rounding=ROUND_HALF_UP)

    def max_instalments(self, category: str, payment_option: str) -> int | None:
        """Return the maximum instalments of the option for the category; None if it is not offered."""
        for rule in self.payment_options:
            if rule.category == category and rule.option == payment_option:
                return rule.max_instalments
        return None
