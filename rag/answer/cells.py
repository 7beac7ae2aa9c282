"""Answers from table cells: the cell a question asks for, named by its column header.

A table row chunk carries its row's cells and column names (``TableRef``). The
column is chosen by what the question says about columns: the years it names
(a column for another year is wrong, "ƯTH2020/ƯTH2019" holds both), the
column words after the usual abbreviations are spelled out (TH, KH, ƯTH, MT),
and whether it asks for a ratio ("bao nhiêu %", "so với", "tỷ lệ", "lần").
A workbook's row carries its columns as read (period, basis, unit, measure): there the
cell is the one of the asked period (a month is not its cumulative figure, a quarter
not six months), of the comparison the question asks ("so với cùng kỳ", "so với tháng
trước", "so với kế hoạch", none: the level) and of the measure it names ("lượng",
"trị giá"); without a column of the asked period there is no cell.
The answer states the cell as printed with its header and unit, with the other cells of
the row whose headers the question names, and cites the table (``rag.answer.cell_write``).
"""

from __future__ import annotations

import re

from rag.answer.cell_write import (
    SCANNED_NOTE,
    cell_check,
    cell_citation,
    cell_headline,
    cell_text,
    cell_unit,
)
from rag.periods.match import answers
from rag.query.question import asked_units
from rag.records import Answer, Hit, Period, SearchResult, TableRef
from rag.text import fold_accents

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# column abbreviations of indicator tables, spelled out (folded)
_ABBR = {"th": "thuc hien", "kh": "ke hoach", "uth": "uoc thuc hien", "ukh": "uoc ke hoach",
         "mt": "muc tieu", "ss": "so sanh", "bq": "binh quan", "tt": "thuc hien"}
_RATIO_Q = re.compile(r"%|\bphan tram\b|\bso voi\b|\bty le\b|\blan\b|\bso sanh\b|\bdat bao "
                      r"nhieu\b")
_RATIO_COL = re.compile(r"%|so sanh|so voi|/|danh gia|ty le|ghi chu")
# a unit in brackets ("Năng suất (Tạ/ha)") is no ratio of periods as "ƯTH2019/TH2018" is
_UNIT_IN_BRACKETS = re.compile(r"\((?![^()]*%)[^()]*\)")
_WORDS = re.compile(r"[a-z]+|\d{4}")
_FILLER = frozenset({"nam", "cua", "va", "cac", "ca", "so", "uoc"})
RATIO_BONUS = 2.5  # dev (realdocs items): asking "bao nhiêu %" outweighs a matching year
PATH_WEIGHT = 1.0  # dev (realdocs items): a row path with unasked words ranks lower
RANK_COST = 0.001  # retrieval's order breaks near-ties only
DEPTH_BONUS = 0.01  # the more specific row, when the words fit equally
ROW_WINDOW = 10  # rows of the first hits compared (a search returns 10)


def _words(text: str) -> list[str]:
    """Folded words with abbreviations spelled out; "ƯTH2020" -> "uoc thuc hien 2020"."""
    text = fold_accents(text.lower()).replace("đ", "d")
    text = re.sub(r"([a-z])(\d{4})", r"\1 \2", text)
    out = []
    for w in _WORDS.findall(text):
        out += _ABBR.get(w, w).split()
    return out


def column_score(question: str, column: str, label: str = "") -> float:
    """How well a column header matches what the question says about columns; ``label``
    (the row's own words, "Giảm tỷ lệ hộ nghèo") does not count as asking for a ratio."""
    q_words, c_words = set(_words(question)), _words(column)
    q_years, c_years = set(_YEAR.findall(question)), set(_YEAR.findall(column))
    score = 0.0
    if q_years and c_years:
        score += 2.0 if c_years <= q_years else 1.0 if c_years & q_years else -3.0
    content = [w for w in c_words if not w.isdigit() and w not in _FILLER]
    if content:
        found = sum(w in q_words for w in content)
        score += 2.0 * found / len(content) + 0.2 * found
    folded_q = " ".join(w for w in fold_accents(question.lower()).split()
                        if w not in set(fold_accents(label.lower()).split()))
    ratio_q = bool(_RATIO_Q.search(folded_q))
    ratio_c = bool(_RATIO_COL.search(fold_accents(_UNIT_IN_BRACKETS.sub(" ", column).lower())))
    if ratio_q:
        score += RATIO_BONUS if ratio_c else -RATIO_BONUS
    elif ratio_c:
        score -= RATIO_BONUS
    return score


def pick_column(question: str, ref: TableRef, among=None) -> int | None:
    """Index (into ``ref.columns``) of the cell the question asks for, of the filled cells
    ``among(k)`` keeps; None for no cell."""
    filled = [k for k, text in enumerate(ref.cells) if text and (among is None or among(k))]
    if not filled:
        return None
    label = " ".join(ref.label_path)
    return max(filled, key=lambda k: (column_score(question, ref.columns[k], label), -k))


def _terms(text: str) -> set[str]:
    """Topic words (folded); row codes ("1.3", "3.1.1") are not words of the label."""
    from rag.answer.sentences import content_terms

    return {t for t in content_terms(text) if not any(c.isdigit() for c in t)}


def row_score(question_terms: set[str], hit: Hit) -> float:
    """How well a row's label path says what the question asks: the question's words found
    in the path (the caption counting half), the share of the row's own label the question
    names ("Heo nái" when "heo" is asked: half), the share of the whole path it names
    ("Rau khác" when "khác" is not asked), a little for a deeper row ("- Diện tích" under
    "Rau các loại"), and retrieval's order for near-ties. Words that name the table's
    columns (a commune, "TH", "KH") and not its path say which cell, not which row, and
    are left out."""
    ref = hit.chunk.table
    leaf = _terms(ref.label_path[-1]) if ref.label_path else set()
    path = _terms(" ".join(ref.label_path))
    columns = set(_words(" ".join(ref.columns))) | _terms(" ".join(ref.columns))
    terms = {t for t in question_terms if t in path or t not in columns}
    if not terms:
        return -RANK_COST * hit.rank
    context = _terms(" ".join(hit.chunk.section_path))
    found = sum(1.0 if t in path else 0.5 if t in context else 0.0 for t in terms)
    precision = len(leaf & terms) / len(leaf) if leaf else 0.0
    named = len(path & terms) / len(path) if path else 0.0
    return (found / len(terms) + precision + PATH_WEIGHT * named
            + DEPTH_BONUS * len(ref.label_path) - RANK_COST * hit.rank)


TOTAL_ROW = 0.5  # a whole-table row ("TỔNG SỐ") when the question names no part
LEAF_WORD = 0.05  # of two rows whose labels it names, the one naming more of the question
MEASURE_NAMED = 2.0  # dev (workbook items): a table whose column the question names in words
# ("vốn FDI đăng ký cấp mới": "Vốn đăng ký cấp mới") over one whose row label is near it


def read_row_score(question_terms: set[str], hit: Hit, asked: list[str] | None = None) -> float:
    """How well a workbook row's name (the table's subject and the row's part labels)
    says what the question asks: the share of the question it covers and of itself the
    question names. A part row ("Bán lẻ hàng hóa" under "Tổng mức bán lẻ hàng hóa và
    doanh thu dịch vụ tiêu dùng") is the answer when the question names its label; it
    loses to the whole when the question also names the rest of the subject and its
    label adds nothing the subject lacks ("Hà Nội" adds; "Bán lẻ hàng hóa" does not).
    Words of the column headers say which cell, not which row, but a table whose column
    the question names (``asked``: the question's folded words) is the one asked."""
    from rag.observe.cells import _parts, subject

    ref = hit.chunk.table
    parts = _parts(ref.label_path)
    subj = _terms(subject(ref.caption))
    path = set().union(*(_terms(p) for p in parts)) if parts else set()
    columns = set(_words(" ".join(ref.columns))) | _terms(" ".join(ref.columns))
    terms = {t for t in question_terms if t in path or t in subj or t not in columns}
    name = subj | path
    if not terms or not name:
        return -RANK_COST * hit.rank
    said = len(terms & name)
    score = (said / len(terms) + said / len(name)
             + MEASURE_NAMED * _measure_named(ref, asked or []) - RANK_COST * hit.rank)
    if not parts:
        return score + TOTAL_ROW
    leaf = _terms(parts[-1])
    named = len(leaf & terms) / len(leaf) if leaf else 0.0
    adds = bool((leaf & terms) - subj)
    rest = subj - leaf
    rest_named = 0.0 if adds or not rest else len(rest & terms) / len(rest)
    return score + named - rest_named - (1 - named) + LEAF_WORD * len(leaf & terms)


def _measure_named(ref: TableRef, asked: list[str]) -> float:
    """The share of a filled column's measure the question (``asked``: its folded words in
    order) says, word pairs in order ("đăng ký cấp mới" of "Vốn đăng ký cấp mới"), the
    best column's; 0 without measures."""
    pairs = set(zip(asked, asked[1:], strict=False))
    best = 0.0
    for k, spec in enumerate(ref.specs):
        words = _words(spec.measure)
        if not words or ref.values[k] is None:
            continue
        own = list(zip(words, words[1:], strict=False))
        found = (sum(p in pairs for p in own) / len(own) if own
                 else float(words[0] in asked))
        best = max(best, found)
    return best


def unit_fits(question: str, ref: TableRef) -> bool:
    """A unit the question names ("bao nhiêu triệu USD", "tỷ đồng") is the unit of one of
    the row's filled cells (a row in % does not answer a question in triệu USD)."""
    asked = set(asked_units(question))
    if not asked:
        return True
    units = {fold_accents(cell_unit(ref, k).lower()) for k, text in enumerate(ref.cells)
             if text} - {""}
    return not units or bool(asked & units)


def answering_row(question: str, result: SearchResult, hit: Hit) -> tuple[Hit, int] | None:
    """(row, cell) of the best workbook row that has a cell for the question: ``hit`` when
    it has one, else the next best read row of the first hits that has (a row naming the
    indicator in full but without the asked period or comparison does not answer)."""
    terms, asked = _terms(question), _words(question)
    rows = [h for h in result.hits[:ROW_WINDOW] if h.chunk.table is not None
            and h.chunk.table.specs and h is not hit and unit_fits(question, h.chunk.table)]
    rows.sort(key=lambda h: -read_row_score(terms, h, asked))
    for h in [hit, *rows]:
        k = pick_read_column(question, result.periods, h.chunk.table)
        if k is not None:
            return h, k
    return None


def best_row(question: str, hits: tuple[Hit, ...], top: int = ROW_WINDOW) -> Hit | None:
    """The table row among the first ``top`` hits whose label path fits the question best:
    retrieval ranks a parent row and its "- Diện tích" child alike, the label decides."""
    rows = [h for h in hits[:top] if h.chunk.table is not None]
    terms, asked = _terms(question), _words(question)
    read = [h for h in rows if h.chunk.table.specs and unit_fits(question, h.chunk.table)]
    rows = read + [h for h in rows if not h.chunk.table.specs] if read or not rows else rows
    return max(rows, key=lambda h: read_row_score(terms, h, asked) if h.chunk.table.specs
               else row_score(terms, h), default=None)


def table_answer(question: str, result: SearchResult, hit: Hit) -> Answer | None:
    """The answer from the cell of ``hit``'s row the question asks for (None: no cell)."""
    ref = hit.chunk.table if hit is not None else None
    if ref is None:
        return None
    if ref.specs:
        found = answering_row(question, result, hit)
        if found is None:
            return no_cell(question, result, hit)
        hit, k = found
        ref = hit.chunk.table
    else:
        k = pick_column(question, ref)
    if k is None:
        return None
    rows = [hit] if ref.specs else named_rows(question, result.hits, hit)
    said, cites = [], []
    for row in rows:
        j = k if row is hit else pick_column(question, row.chunk.table)
        if j is None:
            continue
        more = named_columns(question, row.chunk.table, j) if not ref.specs else ()
        said.append(cell_text(row, j, len(cites) + 1, more))
        cites.append(cell_citation(row, j, len(cites) + 1, more))
    return Answer(question, " ".join(said), False, None, tuple(cites), result,
                  headline=cell_headline(ref, k))


_PART = re.compile(r"^\W*trong\s+do\W*")


def named_rows(question: str, hits, hit: Hit) -> list[Hit]:
    """``hit``'s row and its sibling rows among the hits (same table, same parent) whose label
    the question names word for word ("mầm non …: khu vực đô thị, khu vực còn lại và chi khác
    tối thiểu" names the row "Mầm non" and its part "Trong đó: chi khác tối thiểu"; "diện
    tích và sản lượng rau" the two rows under "Rau các loại"), in table order."""
    asked, ref = set(_words(question)), hit.chunk.table
    out = {ref.row: hit}
    for h in hits[:ROW_WINDOW]:
        other = h.chunk.table
        if other is None or other.table_id != ref.table_id or h.chunk.doc_id != hit.chunk.doc_id \
                or other.row in out or other.label_path[:-1] != ref.label_path[:-1]:
            continue  # a row under another parent ("Lúa > Diện tích" beside "Rau > Diện tích")
        label = _PART.sub("", fold_accents(re.sub(r"\([^()]*\)", " ",  # "(MN)": its short form
                                                  other.label_path[-1]).lower()))
        if _names_all(asked, label):
            out[other.row] = h
    heads = {r for r, h in out.items() if not _is_part(h)}  # a part goes with its own row
    return [out[r] for r in sorted(out) if out[r] is hit or not _is_part(out[r])
            or any(r - d in heads for d in (1, 2, 3))]


def _is_part(hit: Hit) -> bool:
    return bool(_PART.match(fold_accents(hit.chunk.table.label_path[-1].lower())))


def named_columns(question: str, ref: TableRef, k: int) -> tuple[int, ...]:
    """Besides cell ``k``, the filled cells whose header the question names word for word
    and whose years it asks ("đơn vị nào thực hiện, thời gian, sản phẩm đầu ra"; "khu vực
    đô thị, khu vực còn lại"): an official asks several columns of one row at once."""
    asked, years = set(_words(question)), set(_YEAR.findall(question))
    return tuple(j for j, text in enumerate(ref.cells) if j != k and text
                 and _names_all(asked, ref.columns[j])
                 and set(_YEAR.findall(ref.columns[j])) <= years)


def _names_all(asked: set[str], header: str) -> bool:
    """The question has every content word (two at least) of a header or a row label."""
    content = [w for w in _words(header) if not w.isdigit() and w not in _FILLER]
    return len(content) >= 2 and all(w in asked for w in content)


_ASKED_BASIS = (
    ("plan", re.compile(r"\bke hoach\b|\bkh\b|\bdu toan\b")),
    ("prev", re.compile(r"\b(?:thang|quy|ky) truoc\b")),
    ("start_of_year", re.compile(r"\bthang 12 nam truoc\b|\bcuoi nam truoc\b")),
    ("base_year", re.compile(r"\bky goc\b|\bnam goc\b")),
    ("share", re.compile(r"\bco cau\b|\bty trong\b|\bchiem\b")),
    ("yoy", re.compile(r"\bcung ky\b|\bnam truoc\b|\bso voi\b|\btang truong\b|"
                       r"\b(?:tang|giam) bao nhieu\b|%|\bphan tram\b")),
)
BASIS_MATCH = 3.0  # the comparison asked outweighs any word of the header
LEVEL_FOR_INDEX = 1.0  # an index row asked for no comparison: its year-on-year column


def asked_basis(question: str) -> str:
    """"" (the level itself) or the basis the question compares with."""
    folded = fold_accents(question.lower()).replace("đ", "d")
    return next((b for b, rx in _ASKED_BASIS if rx.search(folded)), "")


def pick_read_column(question: str, asked: tuple[Period, ...], ref: TableRef) -> int | None:
    """The cell of a row whose columns were read: of an asked period, the asked comparison
    and the named measure. None when no filled column is of an asked period (a column for
    another period is never the answer)."""
    filled = [k for k, v in enumerate(ref.values) if v is not None and not ref.specs[k].plan]
    if asked:
        dated = [k for k in filled if ref.specs[k].period is not None]
        filled = [k for k in dated if any(answers(a, ref.specs[k].period) for a in asked)]
        if not filled and not dated:  # the table states no period: its report's decides
            filled = [k for k, v in enumerate(ref.values) if v is not None]
    basis, q_words = asked_basis(question), set(_words(question))
    if basis:  # the comparison asked, or none: never another comparison's figure
        filled = [k for k in filled if ref.specs[k].basis == basis]
    if not filled:
        return None

    def score(k: int) -> tuple[float, int]:
        spec = ref.specs[k]
        s = BASIS_MATCH if spec.basis == basis else 0.0
        if not basis and spec.basis == "yoy":
            s += LEVEL_FOR_INDEX
        measure = [w for w in _words(spec.measure) if w not in _FILLER]
        s += sum(w in q_words for w in measure) / max(len(measure), 1)
        return s, -k

    return max(filled, key=score)


def no_cell(question: str, result: SearchResult, hit: Hit) -> Answer:
    """A workbook row is the best passage but has no cell of the asked period (or of the
    asked comparison): say so and what the row has, never quote another cell."""
    ref = hit.chunk.table
    basis = asked_basis(question)
    asked = ", ".join(p.label for p in result.periods)
    have = ", ".join(dict.fromkeys(s.period.label for s, v in zip(ref.specs, ref.values,
                                                                   strict=True)
                                   if v is not None and s.period is not None))
    what = f"số liệu {asked}".strip() if asked else "số liệu"
    has_period = any(p.label in have for p in result.periods)  # then the comparison lacks
    if basis and (basis != "yoy" or has_period):
        what += f" {BASIS_WORDS.get(basis, 'theo cách so sánh được hỏi')}"
    text = (f"Không tìm thấy {what} của «{' > '.join(ref.label_path)}» trong biểu "
            f"«{ref.caption}»" + (f"; biểu có: {have}" if have else "") + ".")
    return Answer(question, text, True, "no_cell", (), result)


BASIS_WORDS = {"plan": "so với kế hoạch", "prev": "so với kỳ trước", "yoy": "so với cùng kỳ",
               "start_of_year": "so với tháng 12 năm trước", "base_year": "so với kỳ gốc",
               "share": "(cơ cấu)"}


__all__ = ["SCANNED_NOTE", "best_row", "cell_check", "cell_citation", "cell_text",
           "column_score", "pick_column", "table_answer"]
