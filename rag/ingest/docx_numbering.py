"""Word's generated list numbers ("1.", "1.2.", "a)"): the paragraph text lacks them.

Counters belong to the abstract list, so two list instances of one list
continue each other's numbering unless one restarts it (a start override),
as in Word.
"""

from __future__ import annotations

import re

from rag.ingest.docx_styles import StyleTable, paragraph_style_id
from rag.ingest.wordml import VAL, child_val, int_or, w


class Numbering:

    def __init__(self, doc, styles: StyleTable) -> None:
        self.styles = styles
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # fmt, lvlText, start
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # abstract id, start overrides
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        root = _numbering_root(doc)
        if root is not None:
            self._load(root)

    def _load(self, root) -> None:
        for abstract in root.findall(w("abstractNum")):
            levels = {}
            for lvl in abstract.findall(w("lvl")):
                levels[int_or(lvl.get(w("ilvl")), 0)] = (
                    child_val(lvl, "numFmt", "decimal"), child_val(lvl, "lvlText", ""),
                    int_or(child_val(lvl, "start", "1"), 1))
            self.levels[abstract.get(w("abstractNumId"), "")] = levels
        for num in root.findall(w("num")):
            overrides = {}
            for over in num.findall(w("lvlOverride")):
                start = over.find(w("startOverride"))
                if start is not None:
                    overrides[int_or(over.get(w("ilvl")), 0)] = int_or(start.get(VAL), 1)
            self.nums[num.get(w("numId"), "")] = (child_val(num, "abstractNumId", ""), overrides)

    def label(self, par) -> tuple[str, int] | None:
        """The number Word shows before ``par`` and its list level, or None."""
        num_id, ilvl = _num_pr(par, self.styles)
        abstract, overrides = self.nums.get(num_id, ("", {}))
        levels = self.levels.get(abstract, {})
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.started:
            self.started.add(num_id)
            counters.update({lvl: start - 1 for lvl, start in overrides.items()})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        return _format_label(levels, counters, ilvl), ilvl


def _numbering_root(doc):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for rel in doc.part.rels.values():
        if rel.reltype == RT.NUMBERING and not rel.is_external:
            return getattr(rel.target_part, "element", None)
    return None


def _num_pr(par, styles: StyleTable) -> tuple[str, int]:
    """List id and level from the paragraph, else from its style; id "" when none."""
    chain = styles.chain(paragraph_style_id(par._p))
    pprs = [par._p.pPr] + [s.find(w("pPr")) for s in chain]
    for ppr in pprs:
        num_pr = ppr.find(w("numPr")) if ppr is not None else None
        if num_pr is not None:
            num_id = child_val(num_pr, "numId", "")
            return ("" if num_id == "0" else num_id), int_or(child_val(num_pr, "ilvl", "0"), 0)
    return "", 0


def _format_label(levels: dict, counters: dict[int, int], ilvl: int) -> str:
    """Fill ``%1.%2.`` with the counters in each level's number format."""
    fmt, template, _ = levels[ilvl]
    if fmt == "bullet":
        return "-"

    def number(m: re.Match) -> str:
        k = int(m.group(1)) - 1
        k_fmt, _, k_start = levels.get(k, ("decimal", "", 1))
        return _format_number(counters.get(k, k_start), k_fmt)

    return re.sub(r"%([1-9])", number, template).strip()


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{n:02d}"
    return "" if fmt == "none" else str(n)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                          (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                          (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(digits * count)
    return "".join(out)


