"""Answers from table cells: the cell a question asks for, named by its column header.

A table row chunk carries its row's cells and column names (``TableRef``). The
column is chosen by what the question says about columns: the years it names
(a column for another year is wrong, "ƯTH2020/ƯTH2019" holds both), the
column words after the usual abbreviations are spelled out (TH, KH, ƯTH, MT),
and whether it asks for a ratio ("bao nhiêu %", "so với", "tỷ lệ", "lần").
The answer states the cell as printed with its header and unit
("… — Thực hiện 2019: 2.100,00 Ha") and cites the table, its caption and
page; every number in it must stand in the cited row (``cell_check``).
"""

from __future__ import annotations

import re

from rag.records import Answer, Citation, Hit, SearchResult, TableRef
from rag.text import fold_accents

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# column abbreviations of indicator tables, spelled out (folded)
_ABBR = {"th": "thuc hien", "kh": "ke hoach", "uth": "uoc thuc hien", "ukh": "uoc ke hoach",
         "mt": "muc tieu", "ss": "so sanh", "bq": "binh quan", "tt": "thuc hien"}
_RATIO_Q = re.compile(r"%|\bphan tram\b|\bso voi\b|\bty le\b|\blan\b|\bso sanh\b|\bdat bao "
                      r"nhieu\b")
_RATIO_COL = re.compile(r"%|so sanh|so voi|/|danh gia|ty le|ghi chu")
_WORDS = re.compile(r"[a-z]+|\d{4}")
_FILLER = frozenset({"nam", "cua", "va", "cac", "ca", "so", "uoc"})
SCANNED_NOTE = "trích từ bản quét, cần đối chiếu"
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
    ratio_c = bool(_RATIO_COL.search(fold_accents(column.lower())))
    if ratio_q:
        score += RATIO_BONUS if ratio_c else -RATIO_BONUS
    elif ratio_c:
        score -= RATIO_BONUS
    return score


def pick_column(question: str, ref: TableRef) -> int | None:
    """Index (into ``ref.columns``) of the cell the question asks for; None for no cell."""
    filled = [k for k, text in enumerate(ref.cells) if text]
    if not filled:
        return None
    label = " ".join(ref.label_path)
    return max(filled, key=lambda k: (column_score(question, ref.columns[k], label), -k))


def cell_sentence(ref: TableRef, k: int) -> str:
    """"B Diện tích trồng trọt > … > 1 Cà phê — Thực hiện 2019: 2.100,00 Ha"."""
    cell = ref.cells[k]
    unit = "" if not ref.unit or cell.endswith("%") or ref.unit == "%" and "%" in cell \
        else f" {ref.unit}"
    return f"{' > '.join(ref.label_path)} — {ref.columns[k]}: {cell}{unit}"


def cell_check(text: str, ref: TableRef) -> list[str]:
    """Numbers in ``text`` that stand in none of the cited row's cells, label, headers,
    caption or page number: an answer from a table states nothing else."""
    sources = [*ref.cells, *ref.label_path, *ref.columns, ref.caption, ref.unit, str(ref.page)]
    return [m.group(0) for m in _NUMBER.finditer(text)
            if not any(m.group(0) in s for s in sources)]


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


def best_row(question: str, hits: tuple[Hit, ...], top: int = ROW_WINDOW) -> Hit | None:
    """The table row among the first ``top`` hits whose label path fits the question best:
    retrieval ranks a parent row and its "- Diện tích" child alike, the label decides."""
    rows = [h for h in hits[:top] if h.chunk.table is not None]
    terms = _terms(question)
    return max(rows, key=lambda h: row_score(terms, h), default=None)


def table_answer(question: str, result: SearchResult, hit: Hit) -> Answer | None:
    """The answer from the cell of ``hit``'s row the question asks for (None: no cell)."""
    ref = hit.chunk.table
    k = pick_column(question, ref) if ref is not None else None
    if k is None:
        return None
    scanned = hit.doc.ocr
    where = f"bảng «{ref.caption}»" + (f", trang {ref.page}" if ref.page else "")
    text = f"{cell_sentence(ref, k)} [1] (Nguồn: {where}" \
        + (f"; {SCANNED_NOTE}" if scanned else "") + ")."
    bad = cell_check(text.replace("[1]", ""), ref)
    if bad:
        from rag.answer.compose import FigureCheckError

        raise FigureCheckError(f"figures not found in the cited table row: {bad}")
    cite = Citation(n=1, chunk_id=hit.chunk.chunk_id, doc_id=hit.chunk.doc_id, title=hit.doc.title,
                    period=hit.chunk.period_label, section=ref.caption, page=ref.page,
                    quote=hit.chunk.text, span=None, figures=(ref.cells[k],), scanned=scanned,
                    table_id=ref.table_id, row=ref.row, columns=(ref.col_index[k],))
    return Answer(question, text, False, None, (cite,), result)
