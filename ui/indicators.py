"""The indicators the "Số liệu theo kỳ" tab offers: those worth a series.

An indicator is listed when at least two periods give it with a unit, under a name the
reports themselves use for the figure: the name stands in the sentence before the figure
with nothing but verbs and particles between ("Tổng thu ngân sách … ước thực hiện 418,1 tỷ
đồng"); it is more than a dimension word ("diện tích 13,08 ha": of what?) and more than the
noun before another one ("… tổ chức, cá nhân với số tiền 82,5 triệu đồng": the figure is the
money, not the persons); a percentage is named as a ratio ("tỷ lệ …", "chỉ số …"). The
words are a table (rag/data/indicator_heads.tsv). A figure narrowed to part of the whole
("tính riêng tại …") is not a period of its indicator's series. Any name can still be typed
into the tab: this is the list, not the limit.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from rag.observe.mentions import same_family
from rag.records import Observation

HEADS_FILE = Path(__file__).resolve().parents[1] / "rag" / "data" / "indicator_heads.tsv"
_QUANTITY = re.compile(r"^(?:(?:tổng\s+số|tổng|số)\s+)+", re.IGNORECASE)
# what may stand between a name and its figure: verbs, particles, a period word, a colon
_LINK = re.compile(r"^[\s,:()]*(?:(?:ước|dự\s+ước|thực\s+hiện|đạt|là|được|có|khoảng|ước\s+tính|"
                   r"ước\s+đạt|lên|xuống|còn|tăng|giảm|tháng|quý|năm|lũy\s+kế|luỹ\s+kế|\d+|"
                   r"đầu|cuối|[IVX]+|đến|hết|ngày|/|trong|kỳ)[\s,:()]*)*$", re.IGNORECASE)


# a noun phrase does not end in a preposition or a conjunction ("điều trị ngoại trú cho")
_OPEN_ENDS = frozenset(["cho", "của", "với", "tại", "từ", "đến", "về", "và", "tiếp", "là"])


@lru_cache(maxsize=1)
def heads() -> dict[str, str]:
    """word -> kind (measure | ratio), from the table."""
    out = {}
    for line in HEADS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, kind = line.split("\t")
            out[word.strip().lower()] = kind.strip()
    return out


def _syllables(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.lower())


def named(o: Observation) -> bool:
    """The report names the figure with ``o.indicator`` (or, in a list of parts, with its
    last words: "trong đó xuất khẩu 980 triệu USD" for "kim ngạch xuất khẩu"): the name
    stands before the figure with only linking words between, does not end in a
    preposition, and is neither a bare dimension word nor, for a percentage, anything but
    a ratio's name."""
    name = o.indicator.strip().lower()
    words = name.split()
    if len(_syllables(name)) < 2 or words[-1] in _OPEN_ENDS:
        return False
    if "," in name and len(_syllables(name.rsplit(",", 1)[1])) < 2:
        return False  # "khám và chữa bệnh công lập cả 3 tuyến, khám": a verb after a comma
    if not any(_before_figure(" ".join(words[-k:]), o) for k in range(len(words), 1, -1)):
        return False
    bare = _QUANTITY.sub("", name).strip()
    table = heads()
    if table.get(bare) == "measure":
        return False
    if (o.unit or "").strip() == "%":
        return any(bare.startswith(w) and table[w] == "ratio" for w in table)
    return True


def _before_figure(name: str, o: Observation) -> bool:
    quote = o.quote.lower()
    figure = (o.figure or o.value_text).lower()
    at = quote.find(name)
    while at >= 0:
        fig = quote.find(figure, at + len(name))
        if fig >= 0 and _LINK.match(quote[at + len(name):fig]):
            return True
        at = quote.find(name, at + 1)
    return False


def indicator_list(observations: list[Observation]) -> list[tuple[str, str, int]]:
    """(key, the reports' most used name, number of periods) of every indicator that at
    least two periods give with a unit, under a name the reports use; most periods first."""
    rows: dict[str, list[Observation]] = {}
    for o in observations:
        if o.group and o.unit and not o.is_plan and not o.scope and named(o):
            rows.setdefault(o.group, []).append(o)
    out = []
    for key, found in rows.items():
        unit = Counter(o.unit for o in found).most_common(1)[0][0]
        same = [o for o in found if same_family(o.unit, unit)]
        periods = {(o.period.kind, o.period.year, o.period.start_month, o.period.end_month)
                   for o in same}
        if len(periods) < 2:
            continue
        names = Counter(o.indicator for o in same)
        name = max(names, key=lambda w: (names[w], len(w)))
        out.append((key, name[:1].upper() + name[1:], len(periods)))
    return sorted(out, key=lambda x: (-x[2], x[1]))
