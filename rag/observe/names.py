"""Indicator names: the head-noun phrase before a figure, and the key its wordings share.

The name is read from the text between the previous figure (or the clause start) and
the figure: period phrases, verbs ("ước đạt", "là") and connectors ("trong đó") are
removed. The group key expands abbreviations (rag/data/abbreviations.tsv), folds
accents, drops quantity words ("tổng", "số") and scope phrases ("trên địa bàn"), then
maps listed synonyms (rag/data/indicator_synonyms.tsv) by whole key. Revenue ("thu") and
spending ("chi") keep their first word, so they never share a key.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rag.errors import BaocaoError
from rag.text import fold_accents

SYNONYMS_FILE = Path(__file__).resolve().parents[1] / "data" / "indicator_synonyms.tsv"
# Verbs and particles that end the subject of a figure sentence ("X ước đạt 5 tỷ đồng").
_CUT = re.compile(r"\s(?:phấn\s+đấu|dự\s+ước|ước|đạt|là|được|đã|khoảng|tăng|giảm|bằng|chiếm|"
                  r"thu\s+hút|xảy\s+ra|hiện\s+có|có|với|tương\s+đương|cao\s+hơn|thấp\s+hơn)(?=\s|$|[:,])",
                  re.IGNORECASE)
_LEAD_WORDS = (r"phấn\s+đấu|trong\s+đó|bao\s+gồm|gồm|cụ\s+thể|và|với|còn|riêng|tính\s+riêng|"
               r"đối\s+với|về|dự\s+ước|ước\s+tính|ước|đã|đạt|có|được|thu\s+hút|hiện\s+nay|đến\s+nay|kết\s+quả|"
               r"cơ\s+bản|tiếp\s+tục|trong|là|khoảng|tính|chung|lũy\s+kế|luỹ\s+kế|"
               r"trên\s+địa\s+bàn(?:\s+toàn)?(?:\s+tỉnh)?|toàn\s+tỉnh")
_LEAD = re.compile(rf"^(?:[\s,;:.\-–+*()]+|(?:{_LEAD_WORDS})(?=[\s,;:.]|$))+", re.IGNORECASE)
_TRAIL = re.compile(r"(?:[\s,;:.\-–]|\b(?:ước|đạt|là|được|đã|và|của|trong|trên|tại|từ|đến|với)"
                    r"(?=[\s,;:.]|$))+$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w&\-]*", re.UNICODE)
# Key words that say how much rather than what: dropped so "tổng số X" meets "X".
_QUANTITY = re.compile(r"^(?:(?:tổng\s+số|tổng|số\s+lượng|lượng|số|kết\s+quả|dự\s+ước|ước)\s+)+")
_FILLER = re.compile(r"(?<!\w)(?:các|những|nguồn)\s+")
# Where, not what: a province report is about its territory ("trên địa bàn", "tại …").
_SCOPE = re.compile(r"\s+(?:(?:trên|qua)\s+địa\s+bàn|toàn\s+tỉnh|tại\s|của\s+các\s|"
                    r"của\s+tỉnh|tính\s+riêng).*$")


def clean(phrase: str) -> str:
    """The subject of a figure from the words before it (may be empty)."""
    text = re.sub(r"\([^()]*\)", " ", phrase)
    text = re.sub(r"\s+", " ", text).strip()
    text = _LEAD.sub("", text)
    cut = _CUT.search(" " + text)
    if cut:
        text = text[:max(0, cut.start() - 1)] if cut.start() > 0 else ""
    return _TRAIL.sub("", text).strip(" ,;:")


def syllables(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def subject(gap: str) -> str:
    """The name in ``gap``: its last piece (split at ; : and commas) that names something;
    a short piece borrows the verb-free piece before it ("các khoản huy động, đóng góp");
    a one-word piece after a verb looks further back ("thu ngân sách …, ước thu được")."""
    text = re.sub(r"\([^()]*\)", " ", gap)
    single = ""
    for piece in reversed(re.split(r"[;:]", text)):
        name, single = _in_piece(piece.split(","), single)
        if name:
            return name
    return single


def _in_piece(parts: list[str], single: str) -> tuple[str, str]:
    for i in range(len(parts) - 1, -1, -1):
        name = clean(parts[i])
        if len(syllables(name)) >= 2:
            return _with_list(parts, i, name), single
        if name and _free(parts, i):
            return _with_list(parts, i, name), single
        single = single or name
    return "", single


def _free(parts: list[str], i: int, short: bool = False) -> bool:
    """Whether the comma piece before ``i`` continues a list of nouns (no verb; with
    ``short``, at most four words)."""
    if i == 0 or _CUT.search(" " + parts[i - 1]):
        return False
    before = clean(parts[i - 1])
    return bool(before) and (not short or len(syllables(before)) <= 4)


def _with_list(parts: list[str], i: int, name: str) -> str:
    """A short name joined with the verb-free short pieces before it ("các khoản huy động,
    đóng góp"; "thu BHXH, BHYT, BHTN"), up to four pieces."""
    if len(syllables(name)) > 4:
        return name
    j = i
    while j > 0 and i - j < 3 and _free(parts, j, short=j < i):
        j -= 1
    return clean(",".join(parts[j:i + 1])) if j < i else name


def expand(name: str) -> str:
    """Abbreviations written out: "thu NSNN" -> "thu ngân sách nhà nước"."""
    # imported here: rag.index.build imports this package to write observations
    from rag.index.analyzer import abbr_key, load_abbreviations

    table = load_abbreviations()

    def one(m: re.Match) -> str:
        word = m.group(0)
        if not any(c.isupper() for c in word[1:]) and not word.isupper():
            return word
        found = table.get(abbr_key(word))
        return found[0] if found else word

    return _WORD.sub(one, name)


def display(name: str) -> str:
    return re.sub(r"\s+", " ", expand(name)).strip().lower()


def group_key(name: str) -> str:
    """The key all wordings of one indicator share (accent-folded words)."""
    key = _raw_key(name)
    return synonyms().get(key, key)


@lru_cache(maxsize=1)
def synonyms() -> dict[str, str]:
    """variant key -> canonical key, from the synonyms file."""
    table: dict[str, str] = {}
    text = SYNONYMS_FILE.read_text(encoding="utf-8")
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 2 or not all(parts):
            raise BaocaoError("data.bad_line", path=str(SYNONYMS_FILE), line=lineno,
                              why="expected 'CANONICAL<TAB>variant'")
        canonical = _raw_key(parts[0])
        for variant in parts:
            table[_raw_key(variant)] = canonical
    return table


def _raw_key(name: str) -> str:
    key = re.sub(r"\([^()]*\)", " ", display(name))
    key = re.sub(r"[^\w\s]", " ", key)
    key = _SCOPE.sub("", " " + re.sub(r"\s+", " ", key).strip()).strip()
    key = _FILLER.sub("", _QUANTITY.sub("", key))
    return re.sub(r"\s+", " ", fold_accents(key)).strip()
