"""Names of sentence subjects: before the figure, after it, or inherited; completed heads.

"1.094,1 nghìn lượt khách du lịch" names its subject after the figure; "tổng chi" after
"tổng chi ngân sách địa phương" is that indicator again (an elision); "tính riêng tại
Hải quan tỉnh" is only a scope and inherits the previous subject measured in the same
unit; "doanh thu" after "khách du lịch" is "doanh thu du lịch"; a count ("29 doanh
nghiệp") names what it counts ("số doanh nghiệp …").
"""

from __future__ import annotations

import re

from rag.observe import names
from rag.observe.draft import Context, Draft, Subject
from rag.observe.mentions import Mention, same_family
from rag.observe.when import Cue

# Bare heads that need the sentence's topic ("doanh thu" after "khách du lịch").
GENERIC_HEADS = frozenset({"doanh thu", "sản lượng", "diện tích", "giá trị", "tổng vốn",
                           "số vốn", "kim ngạch", "tổng số vốn"})
MEASURE_UNITS = frozenset({"tỷ đồng", "triệu đồng", "nghìn đồng", "đồng", "tỷ USD", "triệu USD",
                           "nghìn USD", "USD", "%", "ha", "nghìn ha", "tấn", "nghìn tấn",
                           "triệu tấn", "m3", "nghìn m3", "km", "triệu kWh", "lượt",
                           "nghìn lượt", "triệu lượt", "con", "nghìn con", "triệu con",
                           "triệu cây", "nghìn cây", "cây", "triệu viên", "viên"})
_QUALIFIER = re.compile(r"\s+(?:tất\s+cả|qua|tại|trên\s+địa\s+bàn|của|thuộc|\().*$",
                        re.IGNORECASE)


def name_of(text: str, subj: Subject, m: Mention | None, cues: list[Cue], done: list[Draft],
          ctx: Context) -> str:
    """The subject's name: from the words before the figure, else after it, else the
    previous subject of the same unit (an elided name); completed when bare."""
    gap = without_cues(subj.gap, subj.gap_start, cues)
    name = names.subject(gap)
    scope = ""
    if name and not names.group_key(name):  # only a scope: "tính riêng tại Hải quan tỉnh"
        scope, name = name, ""
    name = _elided(name, m, done) if name else name
    tail = re.split(r"[,;:]", gap)[-1]
    if m is not None and tail.strip() and not names.clean(tail) and _after(text, m.end):
        name = ""  # "…, còn 358,9 tỷ đồng vốn NSTW chưa phân bổ": the name follows
    if not name and m is not None:
        name = _after(text, m.end)
        extra = names.syllables(m.text[len(m.num):])[len(names.syllables(m.unit)):]
        if name and extra:  # "nghìn lượt khách du lịch": "khách" starts the name
            name = " ".join(extra) + " " + name
    if not name:
        name = _inherit(m, done, ctx)
        name = f"{name} {scope}".strip() if name else ""
    if name.lower() in GENERIC_HEADS:
        name = f"{name} {_topic(done, ctx)}".strip()
    counted = m is not None and m.unit not in MEASURE_UNITS and name
    if counted and not set(names.syllables(m.unit)) <= set(names.syllables(name)):
        name = f"số {m.unit} {name}"
    return name


def with_head(name: str, parent: str) -> str:
    """A bare component takes its parent's measure: "xuất khẩu" under "tổng kim ngạch xuất
    nhập khẩu" is "kim ngạch xuất khẩu"; "rau" under "diện tích gieo trồng" is "diện tích
    gieo trồng rau". When they share a word the head is the parent's first two words;
    when they share none, the whole (short) parent."""
    own = names.syllables(name)
    if len(own) > 3:
        return name
    words = names.syllables(_QUALIFIER.sub("", parent))
    while words and words[0] in ("tổng", "số", "lượng", "các"):
        words = words[1:]
    if words[:2] == ["kết", "quả"]:
        words = words[2:]
    shared = set(words) & set(own)
    head = words[:2] if shared else words
    if not head or set(head) & set(own) or len(head) > 4:
        return name
    return " ".join(head) + " " + name


def _elided(name: str, m: Mention | None, done: list[Draft]) -> str:
    """"tổng chi" after "tổng chi ngân sách địa phương" (same unit): the short form."""
    key = names.group_key(name).split()
    if not key:
        return name
    unit = m.unit if m is not None else "%"
    for d in reversed(done):
        longer = d.key.split()
        if same_family(d.unit, unit) and len(longer) > len(key) and longer[:len(key)] == key:
            return d.name
    return name


def without_cues(gap: str, offset: int, cues: list[Cue]) -> str:
    chars = list(gap)
    for c in cues:
        for i in range(max(c.start, offset), min(c.end, offset + len(gap))):
            chars[i - offset] = " "
    return "".join(chars)


_AFTER = re.compile(r"\s*([^,;.()\d:]+)")
_AFTER_CUT = re.compile(r"\s(?:tăng|giảm|so\s+với|bằng|với|ước|là|trong\s+đó|do|vì)\b",
                        re.IGNORECASE)


def _after(text: str, end: int) -> str:
    """A name printed after its figure: "1.094,1 nghìn lượt khách du lịch"."""
    m = _AFTER.match(text, end)
    if not m:
        return ""
    words = m.group(1)
    cut = _AFTER_CUT.search(" " + words)
    words = words[:max(0, cut.start() - 1)] if cut else words
    words = names.clean(words + " đạt") if words.strip() else ""
    return words


def _inherit(m: Mention | None, done: list[Draft], ctx: Context) -> str:
    unit = m.unit if m is not None else "%"
    for d in reversed(done):
        if same_family(d.unit, unit):
            return _QUALIFIER.sub("", d.name)
    return _QUALIFIER.sub("", ctx.parent.name) if ctx.parent is not None else ""


def _topic(done: list[Draft], ctx: Context) -> str:
    first = done[0] if done else ctx.parent
    if first is None:
        return ""
    words = names.syllables(_QUALIFIER.sub("", first.name))
    return " ".join(words[-2:]) if len(words) > 2 else ""


def after_end(text: str, end: int) -> int:
    """Where a name printed after its figure ends (the figure's subject runs to there)."""
    m = _AFTER.match(text, end)
    if not m:
        return end
    cut = _AFTER_CUT.search(" " + m.group(1))
    return m.start(1) + (cut.start() - 1 if cut else len(m.group(1)))


