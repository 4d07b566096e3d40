"""Indian digit grouping and Hindi date text for the people's copies of the forms.

Indian reports group the integer part as thousands, then lakhs, then crores:
the last three digits, then pairs (1,23,45,678). Amounts keep their paise.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from numbers import Integral


def group_indian(digits: str) -> str:
    """Insert Indian grouping commas into a string of integer digits ("1234567" -> "12,34,567")."""
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    pairs = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    pairs.insert(0, head)
    return ",".join(pairs) + "," + tail


def format_indian(value: Decimal, places: int = 2) -> str:
    """Format an amount with Indian grouping and `places` decimals, rounding half away from zero.

    1234567.5 -> "12,34,567.50", 0 -> "0.00", -1234.5 -> "-1,234.50".
    Raises TypeError for a float, because a float has already lost the paise it should carry.
    """
    if isinstance(value, bool) or not isinstance(value, (Decimal, Integral)):
        raise TypeError(f"format_indian expects a Decimal or an int, got {type(value).__name__} {value!r}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"format_indian cannot format {amount}")
    quantum = Decimal(1).scaleb(-places)
    rounded = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    integer_part, _, fraction = f"{abs(rounded):f}".partition(".")
    text = sign + group_indian(integer_part)
    return f"{text}.{fraction}" if places > 0 else text


def format_count(value: int) -> str:
    """Format a count with Indian grouping: 123456 -> "1,23,456"."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"format_count expects an int, got {type(value).__name__} {value!r}")
    number = int(value)
    sign = "-" if number < 0 else ""
    return sign + group_indian(str(abs(number)))


def integer_digit_count(value: Decimal | int, places: int) -> int:
    """Count the digits of the integer part of `value` once rounded to `places` decimals."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    return len(str(abs(int(rounded))))


def excel_indian_format(integer_digits: int, places: int) -> str:
    """Build an Excel number format that shows a number of `integer_digits` digits with Indian grouping.

    Excel's own grouping is by thousands. Literal commas (`\\,`) placed for exactly this many digits
    give lakh and crore groups whatever the reader's locale, so each digit count needs its own format.
    7 digits, 2 places -> `00\\,00\\,000.00;-00\\,00\\,000.00`.
    """
    if integer_digits < 1:
        raise ValueError(f"integer_digits must be at least 1, got {integer_digits}")
    grouped = group_indian("0" * integer_digits).replace(",", "\\,")
    positive = grouped + ("." + "0" * places if places > 0 else "")
    return f"{positive};-{positive}"


def format_date_hi(day: date) -> str:
    """Format a date the way UPPCL's orders print it: 25.10.2021."""
    return day.strftime("%d.%m.%Y")
