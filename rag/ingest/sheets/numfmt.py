"""A cell's value as the sheet displays it, in Vietnamese notation.

An official quotes the figure the sheet shows ("109,2"), not the stored double
(109.20052847988514): the number format decides the decimals, the grouping, the percent
sign and the text around it. Excel's format grammar (ECMA-376 Part 1, 18.8.31): up to four
";" sections (positive; negative; zero; text), "[...]" colours, conditions and locales,
"..." and \\x literals, "_x" padding, "*x" fill, digit placeholders 0 # ?, "." decimal
point, "," grouping (or, after the last digit, thousands scaling), "%" (×100), "E+00".
Output uses the Vietnamese marks: decimal comma, thousands dot ("1.234,5"). Rounding is
Excel's: half away from zero on the value's 15 significant digits, so 100,05 shows "100,1".
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

_BRACKET = re.compile(r"\[[^\]]*\]")
_DIGITS = frozenset("0#?")
_DATE_CODES = re.compile(r"(?<![\\\"])[dmyhs]", re.IGNORECASE)


def split_sections(fmt: str) -> list[str]:
    """The ";"-separated sections, quotes and escapes respected."""
    out, cur, quoted, escaped = [], [], False, False
    for ch in fmt:
        if escaped:
            cur.append(ch)
            escaped = False
        elif ch == "\\":
            cur.append(ch)
            escaped = True
        elif ch == '"':
            cur.append(ch)
            quoted = not quoted
        elif ch == ";" and not quoted:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def _tokens(section: str) -> list[tuple[str, str]]:
    """("lit", text) for literal text and ("code", char) for format characters."""
    out: list[tuple[str, str]] = []
    s = _BRACKET.sub("", section)
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == '"':
            j = s.find('"', i + 1)
            j = len(s) if j < 0 else j
            out.append(("lit", s[i + 1:j]))
            i = j + 1
        elif ch == "\\" and i + 1 < len(s):
            out.append(("lit", s[i + 1]))
            i += 2
        elif ch in "_*" and i + 1 < len(s):
            out.append(("lit", " " if ch == "_" else ""))  # padding to a glyph's width; fill
            i += 2
        else:
            out.append(("code", ch))
            i += 1
    return out


def general(value: float) -> str:
    """Excel's General format for a number: up to 10 significant digits, no grouping."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10g}"
    if "e" in text:
        mant, exp = text.split("e")
        return f"{mant.replace('.', ',')}E{int(exp):+03d}"
    return text.replace(".", ",")


def _group(digits: str) -> str:
    out = []
    for i, ch in enumerate(reversed(digits)):
        if i and i % 3 == 0:
            out.append(".")
        out.append(ch)
    return "".join(reversed(out))


def _number(value: float, codes: str) -> str:
    """The digits of ``value`` by one section's placeholders (no sign)."""
    int_part, _, frac_part = codes.partition(".")
    scale = len(int_part) - len(int_part.rstrip(","))
    int_part = int_part.rstrip(",")
    grouping = "," in int_part
    decimals = sum(ch in _DIGITS for ch in frac_part)
    required = len(frac_part.rstrip("#?").replace(",", ""))
    d = Decimal(f"{abs(value):.15g}") / (Decimal(1000) ** scale)
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{q:f}".partition(".")
    frac = frac[:decimals]
    while len(frac) > required and frac.endswith("0"):
        frac = frac[:-1]
    min_int = int_part.count("0")
    whole = whole.lstrip("0") or ""
    whole = whole.rjust(min_int, "0")
    if grouping:
        whole = _group(whole)
    return whole + ("," + frac if frac else "")


def _scientific(value: float, codes: str) -> str:
    mant_codes = codes.split("E")[0].split("e")[0]
    decimals = sum(ch in _DIGITS for ch in mant_codes.partition(".")[2])
    text = f"{abs(value):.{decimals}E}"
    mant, exp = text.split("E")
    return f"{mant.replace('.', ',')}E{int(exp):+03d}"


def format_number(value: float, fmt: str) -> str:
    """A number by an Excel number format, in Vietnamese notation."""
    fmt = (fmt or "General").strip()
    sections = split_sections(fmt)
    section, sign = sections[0], "-" if value < 0 else ""
    if value < 0 and len(sections) > 1 and sections[1].strip():
        section, sign = sections[1], ""
    elif value == 0 and len(sections) > 2 and sections[2].strip():
        section = sections[2]
    tokens = _tokens(section)
    codes = "".join(t for k, t in tokens if k == "code")
    if not codes.strip() or codes.strip().lower() in ("general", "@"):
        lits = "".join(t for k, t in tokens if k == "lit")
        return (sign + general(abs(value)) if "general" in codes.lower() or not lits
                else lits.strip())
    if not any(ch in _DIGITS for ch in codes):
        return "".join(t for _, t in tokens).strip()  # a section of text only ("-")
    percent = codes.count("%")
    number = abs(value) * (100 ** percent)
    first = next(i for i, (k, t) in enumerate(tokens) if k == "code" and t in _DIGITS | {"."})
    last = max(i for i, (k, t) in enumerate(tokens) if k == "code" and t in _DIGITS | {".", ",",
                                                                                     "E", "e",
                                                                                     "+", "-"})
    num_codes = "".join(t for k, t in tokens[first:last + 1] if k == "code")
    if "E" in num_codes.upper():
        body = _scientific(number, num_codes)
    else:
        body = _number(number, num_codes)
    before = "".join(t for k, t in tokens[:first])
    after = "".join(t for k, t in tokens[last + 1:])
    text = f"{before}{body}{after}".strip()
    if body.strip("0,.") == "" and not sign:
        return text
    return (sign + text) if sign else text


def is_date_format(fmt: str) -> bool:
    """A format that shows a date or time (d, m, y, h, s outside quotes and brackets)."""
    core = _BRACKET.sub("", fmt or "")
    core = re.sub(r'"[^"]*"', "", core)
    return core.lower() not in ("general", "@") and bool(_DATE_CODES.search(core))


def format_date(value: date | datetime | time) -> str:
    """Dates as Vietnamese write them: dd/mm/yyyy (with hh:mm when a time is set)."""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    text = f"{value.day:02d}/{value.month:02d}/{value.year}"
    if isinstance(value, datetime) and (value.hour or value.minute):
        text += f" {value.hour:02d}:{value.minute:02d}"
    return text


def display(value, fmt: str = "General") -> str:
    """What a cell shows: text as typed (spacing squashed), numbers by their format,
    dates as dd/mm/yyyy, TRUE/FALSE, "" for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (datetime, date, time)):
        return format_date(value)
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return format_number(float(value), fmt)
    return re.sub(r"\s+", " ", str(value)).strip()
