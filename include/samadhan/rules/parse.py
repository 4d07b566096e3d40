"""Read a rules file into a `Scheme`, collecting every problem before raising `RulesError`.

Each section is read by its own method, which records problems under the section's key path
(`waiver[3].load_band`, 0-based list positions) and returns None for a value it could not read.
The checks that relate sections to each other (bands that overlap, waiver gaps, sub-categories
outside the eligibility) run in `checks.py` on whatever was read.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from samadhan.contract import CONNECTION_STATUSES
from samadhan.rules import checks
from samadhan.rules.errors import RulesError
from samadhan.rules.model import (
    ANY_BAND,
    DEPOSIT_KINDS,
    DUES_BAND_BASES,
    PAYMENT_OPTIONS,
    WAIVER_PHASE_BASES,
    WHOLE_WINDOW_PHASE,
    Deposit,
    Eligibility,
    PaymentOptionRule,
    Phase,
    Scheme,
    SubCategory,
    WaiverRule,
)
from samadhan.rules.reader import MISSING, Reader, describe, join_key
from samadhan.rules.yaml_loader import load_yaml

SCHEME_CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_-]*$")  # printed in notice numbers before a slash
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# Form 1 uses this code for the subtotal over all sub-categories.
RESERVED_SUB_CATEGORY = "ALL"

TOP_LEVEL_REQUIRED = (
    "scheme", "window", "dues_cutoff", "deadlines", "bill_revision", "eligibility", "sub_categories",
    "payment_options", "registration_deposit", "waiver", "monitoring",
)
TOP_LEVEL_OPTIONAL = ("phases", "waiver_basis")


class SchemeReader(Reader):
    """Reads each section of a rules file; `read` returns the Scheme or raises RulesError."""

    def __init__(self, source_name: str) -> None:
        super().__init__(source_name)
        # Sections with at least one problem: checks that need the whole section skip them.
        self.incomplete: set[str] = set()
        # Every category an eligibility entry names, even an entry with problems, so that other
        # sections naming it are not reported as well.
        self.eligible_categories: set[str] = set()

    def section(self, name: str, read: Any, *args: Any) -> Any:
        """Call `read(*args)` and mark the section incomplete if it recorded a problem."""
        before = len(self.problems)
        result = read(*args)
        if len(self.problems) > before:
            self.incomplete.add(name)
        return result

    def complete(self, *names: str) -> bool:
        return not self.incomplete.intersection(names)

    def read(self, document: Any, sha256: str) -> Scheme:
        top = self.mapping(document, "", TOP_LEVEL_REQUIRED, TOP_LEVEL_OPTIONAL)
        if top is None:
            raise RulesError(self.problems)

        def section_of(key: str) -> Any:
            return top.get(key, MISSING)

        code, name_hi, name_en = self.read_scheme(section_of("scheme"))
        start, original_end, extensions = self.read_window(section_of("window"))
        end = extensions[-1] if extensions else original_end
        eligibility_entries = self.section("eligibility", self.read_eligibility, section_of("eligibility"))
        eligible = self.eligible_categories
        dues_cutoff, cutoff_by_category = self.read_dues_cutoff(section_of("dues_cutoff"), start, eligible)
        target_deadline, notice_deadline = self.read_deadlines(section_of("deadlines"), end)
        revision_days, delivery_days = self.read_bill_revision(section_of("bill_revision"))
        phases = self.section("phases", self.read_phases, section_of("phases"), "phases" in top, start, end)
        sub_categories = self.section("sub_categories", self.read_sub_categories, section_of("sub_categories"))
        payment_options = self.section(
            "payment_options", self.read_payment_options, section_of("payment_options"), eligible
        )
        deposit = self.read_deposit(section_of("registration_deposit"))
        phase_basis, dues_basis = self.read_waiver_basis(section_of("waiver_basis"))
        waiver_rules = self.section(
            "waiver", self.read_waiver, section_of("waiver"), phases, eligible, payment_options
        )
        laggard_threshold = self.read_monitoring(section_of("monitoring"))

        # A check that needs a whole section is skipped when part of it could not be read, because
        # it would report the missing part again as a gap.
        checks.check_eligibility_overlaps(self, eligibility_entries)
        if self.complete("eligibility"):
            checks.check_sub_categories_inside(self, sub_categories, eligibility_entries)
        checks.check_sub_category_overlaps(self, sub_categories)
        if self.complete("eligibility", "sub_categories"):
            checks.check_sub_categories_cover(self, sub_categories, eligibility_entries)
        if self.complete("payment_options"):
            checks.check_payment_options_cover(self, payment_options, eligible)
        checks.check_waiver_overlaps(self, waiver_rules)
        if phases is not None and self.complete("eligibility", "phases", "payment_options", "waiver"):
            checks.check_waiver_gaps(self, waiver_rules, eligibility_entries, phases, payment_options)

        if self.problems:
            raise RulesError(self.problems)
        cutoffs = dict(cutoff_by_category)
        eligibility = tuple(
            Eligibility(
                category=entry.category,
                load_band=entry.load_band,
                connection_statuses=entry.connection_statuses,
                court_case_allowed=entry.court_case_allowed,
                theft_case_allowed=entry.theft_case_allowed,
                dues_cutoff=cutoffs.get(entry.category, dues_cutoff),
                key_path=entry.key_path,
            )
            for entry in eligibility_entries
        )
        return Scheme(
            code=code, name_hi=name_hi, name_en=name_en,
            start=start, original_end=original_end, extensions=tuple(extensions),
            dues_cutoff=dues_cutoff, dues_cutoff_by_category=tuple(cutoff_by_category),
            target_deadline=target_deadline, notice_deadline=notice_deadline,
            revision_limit_days=revision_days, revision_delivery_limit_days=delivery_days,
            phases=tuple(phases), phases_declared="phases" in top,
            eligibility=eligibility, sub_categories=tuple(sub_categories),
            payment_options=tuple(payment_options), deposit=deposit,
            waiver_phase_basis=phase_basis, dues_band_basis=dues_basis,
            waiver_rules=tuple(waiver_rules), laggard_threshold_pct=laggard_threshold,
            assumptions=tuple(self.assumptions), source_name=self.source_name, source_sha256=sha256,
        )  # type: ignore[arg-type]  # every None was reported as a problem above

    # Sections, in the order a rules file usually lists them

    def read_scheme(self, node: Any) -> tuple[str | None, str | None, str | None]:
        section = self.mapping(node, "scheme", ("code", "name_hi", "name_en"))
        if section is None:
            return None, None, None
        code = self.code(section["code"], "scheme.code", SCHEME_CODE_PATTERN) if "code" in section else None
        name_hi = self.hindi_text(section, "scheme", "name_hi")
        name_en = self.text(section["name_en"], "scheme.name_en") if "name_en" in section else None
        return code, name_hi, name_en

    def hindi_text(self, section: dict[str, Any], path: str, key: str) -> str | None:
        if key not in section:
            return None
        text = self.text(section[key], join_key(path, key))
        if text is not None and not DEVANAGARI.search(text):
            self.problem(join_key(path, key), f"expected Hindi text in Devanagari, got {text!r}")
            return None
        return text

    def read_window(self, node: Any) -> tuple[date | None, date | None, list[date]]:
        section = self.mapping(node, "window", ("start", "end"), ("extensions",))
        if section is None:
            return None, None, []
        start = self.date(section["start"], "window.start") if "start" in section else None
        end = self.date(section["end"], "window.end") if "end" in section else None
        if start and end and end < start:
            self.problem("window.end", f"{end} is before window.start {start}")
        extensions: list[date] = []
        if "extensions" in section:
            items = self.sequence(section["extensions"], "window.extensions", allow_empty=True) or []
            previous = end
            for index, item in enumerate(items):
                path = f"window.extensions[{index}]"
                extension = self.date(item, path)
                if extension is None:
                    continue
                if previous is not None and extension <= previous:
                    self.problem(path, f"{extension} is not after {previous}, the end date it extends")
                extensions.append(extension)
                previous = extension
        return start, end, extensions

    def read_dues_cutoff(
        self, node: Any, start: date | None, eligible: set[str]
    ) -> tuple[date | None, list[tuple[str, date]]]:
        section = self.mapping(node, "dues_cutoff", ("default",), ("by_category",))
        if section is None:
            return None, []
        default = self.date(section["default"], "dues_cutoff.default") if "default" in section else None
        self.check_cutoff_before_start(default, "dues_cutoff.default", start)
        by_category: list[tuple[str, date]] = []
        if "by_category" in section:
            path = "dues_cutoff.by_category"
            entries = section["by_category"]
            if not isinstance(entries, dict) or not entries:
                self.problem(path, f"expected a mapping of tariff category to date, got {describe(entries)}")
                return default, []
            for key, value in entries.items():
                item_path = join_key(path, key)
                category = self.tariff_category(key, item_path)
                cutoff = self.date(value, item_path)
                if category is None or cutoff is None:
                    continue
                if category not in eligible:
                    self.problem(item_path, f"{category} is not an eligible category (see eligibility)")
                self.check_cutoff_before_start(cutoff, item_path, start)
                by_category.append((category, cutoff))
        return default, by_category

    def check_cutoff_before_start(self, cutoff: date | None, path: str, start: date | None) -> None:
        if cutoff is not None and start is not None and cutoff > start:
            self.problem(path, f"dues cut-off {cutoff} is after the window's start {start}")

    def read_deadlines(self, node: Any, end: date | None) -> tuple[date | None, date | None]:
        section = self.mapping(node, "deadlines", ("targets", "notices"))
        if section is None:
            return None, None
        found = []
        for key in ("targets", "notices"):
            path = join_key("deadlines", key)
            deadline = self.date(section[key], path) if key in section else None
            if deadline is not None and end is not None and deadline > end:
                self.problem(path, f"deadline {deadline} is after the window's end {end}")
            found.append(deadline)
        return found[0], found[1]

    def read_bill_revision(self, node: Any) -> tuple[int | None, int | None]:
        section = self.mapping(node, "bill_revision", ("decision_limit_days", "delivery_limit_days"))
        if section is None:
            return None, None
        decision = delivery = None
        if "decision_limit_days" in section:
            decision = self.integer(section["decision_limit_days"], "bill_revision.decision_limit_days", 0)
        if "delivery_limit_days" in section:
            delivery = self.integer(section["delivery_limit_days"], "bill_revision.delivery_limit_days", 0)
        return decision, delivery

    def read_phases(self, node: Any, declared: bool, start: date | None, end: date | None) -> list[Phase] | None:
        """Read the phases; a file without them gets one phase covering the window. None if unreadable."""
        if not declared:
            if start is None or end is None:
                return None
            return [Phase(WHOLE_WINDOW_PHASE, 1, start, end, "सम्पूर्ण अवधि", "whole window")]
        items = self.sequence(node, "phases")
        if items is None:
            return None
        phases: list[Phase] = []
        paths: dict[str, str] = {}
        for index, item in enumerate(items):
            path = f"phases[{index}]"
            entry = self.mapping(item, path, ("code", "start", "end"), ("label_hi", "label_en"))
            if entry is None:
                continue
            code = self.code(entry["code"], f"{path}.code") if "code" in entry else None
            phase_start = self.date(entry["start"], f"{path}.start") if "start" in entry else None
            phase_end = self.date(entry["end"], f"{path}.end") if "end" in entry else None
            label_hi = self.hindi_text(entry, path, "label_hi")
            label_en = self.text(entry["label_en"], f"{path}.label_en") if "label_en" in entry else None
            if code is None or phase_start is None or phase_end is None:
                continue
            if code in paths:
                self.problem(f"{path}.code", f"phase code {code} is already used by {paths[code]}")
                continue
            if phase_end < phase_start:
                self.problem(f"{path}.end", f"{phase_end} is before {path}.start {phase_start}")
                continue
            paths[code] = path
            phases.append(Phase(code, index + 1, phase_start, phase_end, label_hi, label_en))
        if len(phases) != len(items):
            return None
        checks.check_phases(self, phases, start, end)
        return phases

    def read_eligibility(self, node: Any) -> list[Eligibility]:
        """Read the eligibility entries; the dues cut-off is filled in later, from `dues_cutoff`."""
        items = self.sequence(node, "eligibility") or []
        entries: list[Eligibility] = []
        for index, item in enumerate(items):
            path = f"eligibility[{index}]"
            entry = self.mapping(
                item, path, ("category", "court_case_allowed"),
                ("load_band", "connection_statuses", "theft_case_allowed"),
            )
            if entry is None:
                continue
            category = self.tariff_category(entry["category"], f"{path}.category") if "category" in entry else None
            if category is not None:
                self.eligible_categories.add(category)
            band = self.band(entry["load_band"], f"{path}.load_band", "kw") if "load_band" in entry else ANY_BAND
            statuses: frozenset[str] | None = None
            statuses_ok = True
            if "connection_statuses" in entry:
                statuses = self.connection_statuses(entry["connection_statuses"], f"{path}.connection_statuses")
                statuses_ok = statuses is not None
            court = (
                self.boolean(entry["court_case_allowed"], f"{path}.court_case_allowed")
                if "court_case_allowed" in entry else None
            )
            theft = (
                self.boolean(entry["theft_case_allowed"], f"{path}.theft_case_allowed")
                if "theft_case_allowed" in entry else None
            )
            if category is None or band is None or not statuses_ok or court is None:
                continue
            entries.append(Eligibility(category, band, statuses, court, theft, date.min, path))
        return entries

    def connection_statuses(self, node: Any, path: str) -> frozenset[str] | None:
        items = self.sequence(node, path)
        if items is None:
            return None
        statuses = []
        for index, item in enumerate(items):
            status = self.choice(item, f"{path}[{index}]", CONNECTION_STATUSES)
            if status is None:
                return None
            if status in statuses:
                self.problem(f"{path}[{index}]", f"{status} is listed twice")
                return None
            statuses.append(status)
        return frozenset(statuses)

    def read_sub_categories(self, node: Any) -> list[SubCategory]:
        items = self.sequence(node, "sub_categories") or []
        sub_categories: list[SubCategory] = []
        paths: dict[str, str] = {}
        for index, item in enumerate(items):
            path = f"sub_categories[{index}]"
            entry = self.mapping(item, path, ("code", "category", "label_hi", "label_en"), ("load_band",))
            if entry is None:
                continue
            code = self.code(entry["code"], f"{path}.code") if "code" in entry else None
            if code == RESERVED_SUB_CATEGORY:
                self.problem(f"{path}.code", "ALL is reserved for the total over all sub-categories in Form 1")
                code = None
            elif code is not None and code in paths:
                self.problem(f"{path}.code", f"sub-category {code} is already defined by {paths[code]}")
                code = None
            category = self.tariff_category(entry["category"], f"{path}.category") if "category" in entry else None
            band = self.band(entry["load_band"], f"{path}.load_band", "kw") if "load_band" in entry else ANY_BAND
            label_hi = self.hindi_text(entry, path, "label_hi")
            label_en = self.text(entry["label_en"], f"{path}.label_en") if "label_en" in entry else None
            if None in (code, category, band, label_hi, label_en):
                continue
            paths[code] = path
            sub_categories.append(SubCategory(code, label_hi, label_en, category, band, index + 1))
        return sub_categories

    def read_payment_options(self, node: Any, eligible: set[str]) -> list[PaymentOptionRule]:
        items = self.sequence(node, "payment_options") or []
        options: list[PaymentOptionRule] = []
        seen: dict[tuple[str, str], str] = {}
        for index, item in enumerate(items):
            path = f"payment_options[{index}]"
            entry = self.mapping(item, path, ("option", "categories"), ("max_instalments",))
            if entry is None:
                continue
            option = self.choice(entry["option"], f"{path}.option", PAYMENT_OPTIONS) if "option" in entry else None
            max_instalments = self.max_instalments(entry, path, option)
            categories = self.categories(entry, path, eligible)
            if option is None or max_instalments is None or categories is None:
                continue
            for category in categories:
                if (category, option) in seen:
                    self.problem(
                        f"{path}.categories", f"{option} for {category} is already given by {seen[category, option]}"
                    )
                    continue
                seen[category, option] = path
                options.append(PaymentOptionRule(category, option, max_instalments))
        return options

    def max_instalments(self, entry: dict[str, Any], path: str, option: str | None) -> int | None:
        key_path = f"{path}.max_instalments"
        if option == "LUMPSUM":
            if "max_instalments" in entry and entry["max_instalments"] != 1:
                self.problem(key_path, "a lump sum is one payment: remove max_instalments or set it to 1")
                return None
            return 1
        if option == "INSTALMENT":
            if "max_instalments" not in entry:
                self.problem(key_path, "missing required key for the INSTALMENT option")
                return None
            return self.integer(entry["max_instalments"], key_path, 2)
        return None

    def categories(self, entry: dict[str, Any], path: str, eligible: set[str]) -> list[str] | None:
        """Read `categories`, a list of eligible tariff categories, each listed once; keep the valid ones."""
        if "categories" not in entry:
            return None
        items = self.sequence(entry["categories"], f"{path}.categories")
        if items is None:
            return None
        categories: list[str] = []
        for index, item in enumerate(items):
            item_path = f"{path}.categories[{index}]"
            category = self.tariff_category(item, item_path)
            if category is None:
                continue
            if category not in eligible:
                self.problem(item_path, f"{category} is not an eligible category (see eligibility)")
            elif category in categories:
                self.problem(item_path, f"{category} is listed twice")
            else:
                categories.append(category)
        return categories

    def read_deposit(self, node: Any) -> Deposit | None:
        path = "registration_deposit"
        section = self.mapping(node, path, ("kind",), ("value", "principal_as_on", "plus_current_bill"))
        if section is None or "kind" not in section:
            return None
        kind = self.choice(section["kind"], f"{path}.kind", DEPOSIT_KINDS)
        value = principal_as_on = None
        plus_current_bill = False
        if kind == "NONE":
            for key in ("value", "principal_as_on"):
                if key in section:
                    self.problem(join_key(path, key), "not allowed when kind is NONE")
                    return None
        elif kind is not None:
            if "value" not in section:
                self.problem(f"{path}.value", f"missing required key for kind {kind}")
                return None
            if kind == "FIXED":
                value = self.number(section["value"], f"{path}.value", Decimal("0.01"), places=2, what="fee")
            else:
                value = self.number(section["value"], f"{path}.value", Decimal("0.01"), Decimal(100), 2, "percent")
            if value is None:
                return None
        if "principal_as_on" in section:
            principal_as_on = self.date(section["principal_as_on"], f"{path}.principal_as_on")
            if kind == "FIXED":
                self.problem(f"{path}.principal_as_on", "only a PERCENT_OF_PRINCIPAL deposit has a principal date")
        if "plus_current_bill" in section:
            plus_current_bill = bool(self.boolean(section["plus_current_bill"], f"{path}.plus_current_bill"))
        if kind is None:
            return None
        return Deposit(kind, value, principal_as_on, plus_current_bill)

    def read_waiver_basis(self, node: Any) -> tuple[str, str]:
        if node is MISSING:
            return "REGISTRATION", "PRINCIPAL"
        section = self.mapping(node, "waiver_basis", optional=("phase", "dues_band"))
        if section is None:
            return "REGISTRATION", "PRINCIPAL"
        phase = "REGISTRATION"
        dues = "PRINCIPAL"
        if "phase" in section:
            phase = self.choice(section["phase"], "waiver_basis.phase", WAIVER_PHASE_BASES) or phase
        if "dues_band" in section:
            dues = self.choice(section["dues_band"], "waiver_basis.dues_band", DUES_BAND_BASES) or dues
        return phase, dues

    def read_waiver(
        self,
        node: Any,
        phases: list[Phase] | None,
        eligible: set[str],
        payment_options: list[PaymentOptionRule],
    ) -> list[WaiverRule]:
        """Read the waiver entries and expand each into one rule per category (and per phase)."""
        items = self.sequence(node, "waiver") or []
        phase_codes = [phase.code for phase in phases or []]
        offered = {(rule.category, rule.option) for rule in payment_options}
        rules: list[WaiverRule] = []
        for index, item in enumerate(items):
            path = f"waiver[{index}]"
            entry = self.mapping(
                item, path, ("categories",),
                ("phases", "load_band", "dues_band", "payment_option", "percent", "percent_by_phase"),
            )
            if entry is None:
                continue
            categories = self.categories(entry, path, eligible)
            load_band = self.band(entry["load_band"], f"{path}.load_band", "kw") if "load_band" in entry else ANY_BAND
            dues_band = self.band(entry["dues_band"], f"{path}.dues_band", "rs") if "dues_band" in entry else ANY_BAND
            option = None
            option_ok = True
            if "payment_option" in entry:
                option = self.choice(entry["payment_option"], f"{path}.payment_option", PAYMENT_OPTIONS)
                option_ok = option is not None
            percents = self.waiver_percents(entry, path, phase_codes if phases is not None else None)
            if categories is None or load_band is None or dues_band is None or not option_ok or percents is None:
                continue
            if option is not None and self.complete("payment_options"):
                for category in categories:
                    if (category, option) not in offered:
                        self.problem(
                            f"{path}.payment_option",
                            f"{option} is not a payment option of {category} (see payment_options)",
                        )
            for category in categories:
                for phase, percent in percents:
                    rules.append(
                        WaiverRule(len(rules) + 1, category, phase, load_band, dues_band, option, percent, path)
                    )
        return rules

    def waiver_percents(
        self, entry: dict[str, Any], path: str, phase_codes: list[str] | None
    ) -> list[tuple[str | None, Decimal]] | None:
        """Return (phase code or None for any phase, percent) pairs from `percent` or `percent_by_phase`."""
        has_single, has_by_phase = "percent" in entry, "percent_by_phase" in entry
        if has_single and has_by_phase:
            self.problem(path, "give either percent or percent_by_phase, not both")
            return None
        if not has_single and not has_by_phase:
            self.problem(f"{path}.percent", "missing required key (or give percent_by_phase)")
            return None
        if phase_codes is None:
            return None  # the phases could not be read, and that is reported already

        if has_single:
            return self.single_percent(entry, path, phase_codes)
        if "phases" in entry:
            self.problem(f"{path}.phases", "not allowed with percent_by_phase, whose keys are the phases")
            return None
        return self.percent_by_phase(entry["percent_by_phase"], f"{path}.percent_by_phase", phase_codes)

    def single_percent(
        self, entry: dict[str, Any], path: str, phase_codes: list[str]
    ) -> list[tuple[str | None, Decimal]] | None:
        percent = self.percent(entry["percent"], f"{path}.percent")
        if percent is None:
            return None
        if "phases" not in entry:
            return [(None, percent)]
        listed = self.phase_list(entry["phases"], f"{path}.phases", phase_codes)
        return None if listed is None else [(phase, percent) for phase in listed]

    def percent_by_phase(
        self, node: Any, path: str, phase_codes: list[str]
    ) -> list[tuple[str | None, Decimal]] | None:
        if not isinstance(node, dict) or not node:
            self.problem(path, f"expected a mapping of phase code to percent, got {describe(node)}")
            return None
        pairs: list[tuple[str | None, Decimal]] = []
        for key, value in node.items():
            key_path = join_key(path, key)
            if key not in phase_codes:
                self.problem(key_path, f"unknown phase {key!r}; phases are {', '.join(phase_codes)}")
                return None
            percent = self.percent(value, key_path)
            if percent is None:
                return None
            pairs.append((str(key), percent))
        return pairs

    def phase_list(self, node: Any, path: str, phase_codes: list[str]) -> list[str] | None:
        items = self.sequence(node, path)
        if items is None:
            return None
        listed: list[str] = []
        for index, item in enumerate(items):
            if item not in phase_codes:
                phases = ", ".join(phase_codes)
                self.problem(f"{path}[{index}]", f"unknown phase {describe(item)}; phases are {phases}")
                return None
            listed.append(str(item))
        return listed

    def read_monitoring(self, node: Any) -> Decimal | None:
        section = self.mapping(node, "monitoring", ("laggard_threshold_pct",))
        if section is None or "laggard_threshold_pct" not in section:
            return None
        return self.percent(section["laggard_threshold_pct"], "monitoring.laggard_threshold_pct")


def parse_scheme(text: str, source_name: str) -> Scheme:
    """Parse and validate the text of a rules file; `source_name` prefixes every message."""
    try:
        document, duplicates = load_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise RulesError([f"{source_name}: {where}: invalid YAML: {error.problem}"]) from error
    except yaml.YAMLError as error:
        raise RulesError([f"{source_name}: invalid YAML: {error}"]) from error
    reader = SchemeReader(source_name)
    for line, key in duplicates:
        reader.problem(f"line {line}", f"duplicate key {key!r} (a key may appear once in a mapping)")
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return reader.read(document, sha256)


def load_scheme(path: Path | None = None) -> Scheme:
    """Load and validate a rules file; by default the one `SAMADHAN_SCHEME_FILE` names (`ots2021.yaml`).

    Raises RulesError, listing every problem one per line, when the file is missing or invalid.
    """
    if path is None:
        from samadhan.settings import load_settings

        path = load_settings().scheme_file
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise RulesError([f"{path}: scheme rules file not found"]) from error
    except (OSError, UnicodeDecodeError) as error:
        raise RulesError([f"{path}: cannot read the scheme rules file: {error}"]) from error
    return parse_scheme(text, path.name)
