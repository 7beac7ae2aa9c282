"""Table rows: cell numbers in the table's own convention, and the STT/roman/letter hierarchy.

Indicator tables number their rows with mixed schemes (``A``, ``I``, ``1``,
``1.1``, ``a)``, ``-``, ``+``), often generated ones that repeat a letter
(``AA``, ``HHH``) and restart inside sections; the row label path ("B Diện
tích trồng trọt > II Diện tích cây trồng lâu năm > 1 Cà phê") is what tells
"Cà phê" under areas from "Cà phê" under outputs. Numbers follow the table's
own decimal mark, voted over its cells (``2.100,00`` vs ``2790.5``).
"""

from __future__ import annotations

import re
import unicodedata

from rag.records import TableCell


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s or "").replace("\u00a0", " ")


def squash(s: str) -> str:
    return re.sub(r"\s+", " ", nfc(s)).strip()


def key(s: str) -> str:
    """Spacing- and case-insensitive form, for comparing header texts across pages."""
    return re.sub(r"\s+", "", nfc(s)).casefold()


_VI_NUM = re.compile(r"^[-+]?\d{1,3}(?:\.\d{3})*(?:,\d+)?$|^[-+]?\d+(?:,\d+)?$")
_PT_NUM = re.compile(r"^[-+]?\d+(?:\.\d+)?$|^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def parse_number(text: str, decimal: str = ",") -> tuple[float | None, bool]:
    """'2.100,00' -> (2100.0, False); '95,24 %' -> (95.24, True); '2790.5' with '.' -> 2790.5."""
    t = squash(text).replace(" ", "")
    pct = t.endswith("%")
    t = t.rstrip("%")
    if not t or not re.search(r"\d", t):
        return None, pct
    if decimal == "," and _VI_NUM.match(t):
        return float(t.replace(".", "").replace(",", ".")), pct
    if decimal == "." and _PT_NUM.match(t):
        return float(t.replace(",", "")), pct
    return None, pct


def numeric(text: str) -> bool:
    return parse_number(text)[0] is not None or parse_number(text, ".")[0] is not None


def detect_decimal(texts: list[str]) -> str:
    """Vote over a table's cells: comma decimals (0,00 / 2.100,00) or point decimals (2790.5)."""
    comma = point = 0
    for t in texts:
        t = squash(t).rstrip("% ").replace(" ", "")
        if re.fullmatch(r"\d+,\d+|\d{1,3}(\.\d{3})+,\d+", t):
            comma += 1
        elif re.fullmatch(r"\d+\.\d{1,2}|\d+\.\d{4,}", t):  # 3 digits after '.' is ambiguous
            point += 1
    return "." if point > comma else ","


def make_cell(text: str, decimal: str, is_value: bool) -> TableCell:
    value, pct = parse_number(text, decimal) if is_value else (None, False)
    return TableCell(text, value, pct)


# ----------------------------------------------------------------- row codes

_ROMAN = re.compile(r"^(?=[IVXLCDM])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_LABEL_CODE = re.compile(
    r"^\s*(?:(?P<dec>\d+(?:\.\d+)+)\.?|(?P<arabic>\d+)[.)]|(?P<roman>[IVXLC]+)[.)]|"
    r"(?P<letter>[A-ZĐ])[.)]|(?P<lower>[a-zđ])\)|(?P<dash>[-–—•])|(?P<plus>\+))\s*")
RANK = {"letter": 0, "roman": 1, "arabic": 2, "dec": 3, "lower": 7, "dash": 8, "plus": 9,
        "none": 10}
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _roman_value(s: str) -> int:
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=True):
        v = _ROMAN_VALUES[a]
        total += -v if b != " " and _ROMAN_VALUES.get(b, 0) > v else v
    return total


def _letter_next(code: str) -> str | None:
    """A->B, Z->AA, HHH->III (generated tables repeat the letter)."""
    if not code or len(set(code)) != 1 or not code.isalpha():
        return None
    c = code[0]
    return (chr(ord(c) + 1) * len(code)) if c != "Z" else "A" * (len(code) + 1)


def _plain_kind(c: str) -> str | None:
    if not c:
        return "none"
    if re.fullmatch(r"\d+(\.\d+)+", c):
        return "dec"
    if c.isdigit():
        return "arabic"
    if re.fullmatch(r"[a-zđ]", c):
        return "lower"
    if c in "-–—•":
        return "dash"
    return None


def _roman_or_letter(c: str, nxt: str, last_letter: str | None, last_roman: int) -> str:
    """I, V, X, CC… are roman numerals or letters; the neighbours decide (I after H is a
    letter, I after a letter section's end that restarts at 1 is roman)."""
    roman = bool(_ROMAN.match(c))
    letter = bool(c) and c.isalpha() and c.isupper() and len(set(c)) == 1
    if not (roman and letter):
        return "roman" if roman else "letter" if c.isalpha() else "none"
    v = _roman_value(c)
    if last_letter and _letter_next(last_letter) == c and v != last_roman + 1:
        return "letter"
    if v == last_roman + 1 or (v == 1 and _letter_next(c) != nxt):
        return "roman"
    if _letter_next(c) == nxt or (last_letter and _letter_next(last_letter) == c):
        return "letter"
    return "roman"


def classify_codes(codes: list[str]) -> list[str]:
    """Kind of each STT code, with roman/letter ambiguity resolved from neighbours."""
    kinds: list[str] = []
    last_letter: str | None = None
    last_roman = 0
    clean = [c.strip().rstrip(".") for c in codes]
    for i, c in enumerate(clean):
        kind = _plain_kind(c)
        if kind is None:
            nxt = next((x for x in clean[i + 1:] if x), "")
            kind = _roman_or_letter(c, nxt, last_letter, last_roman)
            if kind == "letter":
                last_letter, last_roman = c, 0
            elif kind == "roman":
                last_roman = _roman_value(c)
        kinds.append(kind)
    return kinds


def split_label_code(label: str) -> tuple[str, str, str]:
    """'3.1.Rau các loại' -> ('3.1', 'dec', 'Rau các loại'); '- Diện tích' -> ('-', 'dash', …)."""
    m = _LABEL_CODE.match(label)
    if not m:
        return "", "none", label.strip()
    kind = m.lastgroup
    return m.group(kind), kind, label[m.end():].strip()


def is_serial(codes: list[str]) -> bool:
    """An STT column counting 1, 2, 3, … is a serial number, not a hierarchy."""
    nums = [c for c in codes if c.strip()]
    if len(nums) < 5 or not all(c.strip().isdigit() for c in nums):
        return False
    ints = [int(c) for c in nums]
    return sum(b == a + 1 for a, b in zip(ints, ints[1:], strict=False)) >= 0.9 * (len(ints) - 1)


def display(code: str, kind: str, label: str) -> str:
    """How a row is named in a label path: 'II Diện tích cây trồng lâu năm', 'a) …', '- …'."""
    if kind in ("dash", "plus", "none") or not code:
        return label
    return f"{code}) {label}" if kind == "lower" else f"{code} {label}"


def _dec_parent(stack: list[tuple], code: str) -> int | None:
    """1.1.2 goes under the nearest 1.1 or 1 above it, when there is one."""
    parts = code.split(".")
    for k in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:k])
        idx = next((j for j in range(len(stack) - 1, -1, -1) if stack[j][1] == prefix), None)
        if idx is not None:
            return idx
    return None


def build_hierarchy(items: list[tuple[str, str, str]]) -> list[tuple[int, tuple[str, ...]]]:
    """(code, kind, label) per row -> (level, label path) per row."""
    stack: list[tuple[int, str, str]] = []  # (rank, code, display)
    out = []
    for code, kind, label in items:
        rank = RANK.get(kind, 10) + (code.count(".") - 1 if kind == "dec" else 0)
        parent = _dec_parent(stack, code) if kind == "dec" else None
        if parent is not None:
            del stack[parent + 1:]
        else:
            while stack and stack[-1][0] >= rank:
                stack.pop()
        stack.append((rank, code, display(code, kind, label)))
        out.append((len(stack) - 1, tuple(s[2] for s in stack)))
    return out
