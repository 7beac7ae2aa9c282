"""Front matter of an administrative document: letterhead, number, date, type, title.

Vietnamese official documents follow one presentation rule (Nghị định 30/2020/NĐ-CP,
Phụ lục I): the issuing agency and the national motto (quốc hiệu, tiêu ngữ) side by
side, "Số: …/<type>-<agency>", the place and date, the type ("BÁO CÁO", "THÔNG BÁO"…)
with a title that may run over several lines, or for a letter (công văn) a "V/v …"
subject instead, then "Kính gửi:" and its addressee list. Readers deliver these in any
order (a two-column letterhead read row by row, or column by column, or one table cell
at a time), so each block is recognised by its own shape, not by its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.ingest.doctypes import AUTHORITY, LETTER, type_lines, type_of_number
from rag.ingest.structure import clean_markup, match_heading
from rag.periods import parse_date

_NOUNS = Path(__file__).resolve().parents[1] / "data" / "proper_nouns.txt"
DOC_TYPES = type_lines()  # the type lines, from rag/data/doc_types.tsv
_NUMBER_START = re.compile(r"^Số\s*:")
_DATE_PHRASE = r"ngày\s*[\d.…]*\s*tháng\s*[\d.…]*\s*năm\s*\d{4}"
_DATE_LINE = re.compile(_DATE_PHRASE)
_YEAR_ONLY = re.compile(r"ngày.{0,25}?năm\s*((?:19|20)\d{2})")
# the motto printed beside the agency's name, read on one line with it
_MOTTO_BESIDE = re.compile(r"CỘNG H(?:ÒA|OÀ) XÃ HỘI CHỦ NGHĨA|Độc lập\s*-\s*Tự do\s*-\s*Hạnh phúc")
_ADDRESSEE = re.compile(r"^Kính gửi\s*:?")
_SUBJECT = re.compile(r"^V/v\.?\s*:?\s*", re.IGNORECASE)
_MOTTO = re.compile(r"^(CỘNG H(?:ÒA|OÀ) XÃ HỘI CHỦ NGHĨA|Độc lập\s*-\s*Tự do|[-_=–—.\s]+$)")
# An issuing agency's name line, in capitals: "ỦY BAN NHÂN DÂN", "SỞ TÀI NGUYÊN VÀ MÔI
# TRƯỜNG", "UBND TỈNH BÌNH ĐỊNH", "BỘ CÔNG AN", "CỤC CẢNH SÁT …".
_AGENCY = re.compile(
    r"^(ỦY BAN|UỶ BAN|UBND|HỘI ĐỒNG|SỞ|BỘ|CỤC|CHI CỤC|TỔNG CỤC|BAN|VĂN PHÒNG|TỈNH|"
    r"THÀNH PHỐ|HUYỆN|THỊ XÃ|QUẬN|XÃ|PHƯỜNG|THỊ TRẤN|TRUNG TÂM|CÔNG AN|CHÍNH PHỦ|"
    r"THỦ TƯỚNG|ĐẢNG BỘ|TỈNH ỦY|TỈNH UỶ|MẶT TRẬN|KHO BẠC|CHI NHÁNH|NGÂN HÀNG)\b")
_ANNEX_NOTE = re.compile(r"^\(\s*(Kèm theo|Ban hành kèm)", re.IGNORECASE)
_ANNEX_TAIL = re.compile(r"\s*\(\s*(Kèm theo|Ban hành kèm)[^()]*\)\s*$", re.IGNORECASE)
_NUMBERED = re.compile(r"^(PHẦN|Phần|[IVXLC]+|\d+(\.\d+)*|[a-zđ])\s*[.):]\s")
# A body paragraph, never a title's next line.
_BODY_START = re.compile(r"^(Ngày \d|Căn cứ|Thực hiện|Theo |Trong |Nhằm |Qua |Để |Sau khi |Xét )")
TITLE_MAX = 300  # characters of one title line; no title line of the samples reaches 200
TITLE_LINES = 4  # a title runs over at most this many blocks
_TITLE_LINE_MAX = 200  # a sentence-case "Báo cáo tình hình … năm 2024" first line
_END = (".", ":", "!", "?")


# The lines of a heading block that state the document's own facts: its number, its date
# (place and date) and its subject; the block says them when it has one of these or an
# addressee line (the chunker's test for a heading block worth indexing on its own).
FACT_LINE = re.compile(rf"^(Số\s*:|V/v|.{{0,40}}{_DATE_PHRASE})")
_PRINTED_NUMBER = re.compile(r"(?m)^Số\s*:\s*\d")
_FACT_STARTS = ("Số", "V/v", "Kính gửi")


def states_facts(lines: list[str]) -> bool:
    """Some line of a heading block gives a number, a subject or an addressee."""
    return any(line.startswith(_FACT_STARTS) for line in lines)


def prints_number(block: str) -> bool:
    """The block prints its number: a draft's "Số: /BC-UBND" has none."""
    return bool(_PRINTED_NUMBER.search(block))


@dataclass
class FrontMatter:
    doc_type: str | None = None
    title: str | None = None
    date: str | None = None
    count: int = 0  # number of leading blocks that are front matter
    title_lines: int = 0  # blocks the title was read from; 0 while none
    addressees: bool = False  # inside the "Kính gửi:" list
    open_title: bool = False  # the type line stood alone: the next block is the title
    agency: bool = False  # inside the agency's name (its lines before the number)


def read_front_matter(blocks: list[str]) -> FrontMatter:
    """Leading blocks that are front matter, and what they say."""
    front = FrontMatter()
    for text in (clean_markup(b) for b in blocks):
        if not text or not _read_block(front, text):
            break
        front.count += 1
    front.title = title_case(front.title.rstrip(" ,;")) if front.title else None
    return front


@lru_cache(maxsize=1)
def _proper_nouns() -> tuple[str, ...]:
    from rag.places import provinces

    lines = _NOUNS.read_text(encoding="utf-8").splitlines()
    names = [x.strip() for x in lines if x.strip() and not x.startswith("#")]
    names += [p for p in provinces() if p.lower() != p]
    return tuple(sorted(set(names), key=lambda n: (-len(n), n)))


def title_case(title: str) -> str:
    """A title printed in capitals in sentence case, its names given back their capitals
    ("PHÁT TRIỂN … TỈNH BẮC NINH" -> "Phát triển … tỉnh Bắc Ninh"); another title as it is."""
    if not _is_caps(title):
        return title
    text = " ".join(w if any(c.isdigit() for c in w) else w.lower() for w in title.split(" "))
    for name in _proper_nouns():  # "40/2024/QĐ-UBND" keeps its capitals, as the names do
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", name, text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:]


def _read_block(front: FrontMatter, text: str) -> bool:
    if front.open_title:
        front.open_title = False
        if len(text) >= TITLE_MAX:
            return False  # the body: a type line is not followed by another type line
        front.title, front.title_lines = text, 1
        return True
    if _continues_title(front, text):
        front.title = f"{front.title} {_subject_line(text)}"
        front.title_lines += 1
        return True
    if front.addressees and text.startswith(("-", "+", "•")) and len(text) < TITLE_MAX:
        return True
    front.addressees, closed = False, front.title_lines > 0
    if front.title_lines:
        front.title_lines = TITLE_LINES  # anything else closes the title
    return _letterhead(front, text, closed) or _title_block(front, text)


def _letterhead(front: FrontMatter, text: str, closed: bool) -> bool:
    agency, front.agency = front.agency, False
    if _NUMBER_START.match(text):
        if front.doc_type is None:
            front.doc_type = type_of_number(text)
        front.date = front.date or _date(text)  # "Số: …/UBND-TH  Hà Nội, ngày …" side by side
        return True
    if _ADDRESSEE.match(text):
        front.addressees = True
        return True
    if _DATE_LINE.search(text) and len(text) < 120 and not _BODY_START.match(text):
        front.date = front.date or _date(text)  # the first: later ones are cited acts
        return True
    if AUTHORITY.match(text) and _is_caps(text) and front.title:
        return True  # "ỦY BAN NHÂN DÂN TỈNH …" under a decision's title
    if _MOTTO.match(text) or _ANNEX_NOTE.match(text) or _MOTTO_BESIDE.search(text):
        front.agency = not front.title  # the agency's name goes on below the motto
        return True
    if not closed and (_agency_line(text) or agency and _is_caps(text) and len(text) <= 80
                       and _doc_type(text) is None):
        front.agency = True  # "CỤC CẢNH SÁT ĐIỀU TRA" / "TỘI PHẠM VỀ MA TÚY": one name
        return True
    return _stamp_noise(text)


def _date(text: str) -> str | None:
    """The date of a place-and-date line; its year alone when a scan left the day and month
    unreadable ("Hà Nội, ngày #Ÿ nóng Ÿ_ năm 2025")."""
    found = parse_date(text)
    if found is None:
        m = _YEAR_ONLY.search(text)
        found = m.group(1) if m else None
    return found


def _stamp_noise(text: str) -> bool:
    """A scrap of a stamp or handwriting in the letterhead ("| Ngự gàyÐ2//,..."): short,
    and mostly no letters or opened by a column rule."""
    letters = sum(c.isalpha() for c in text)
    return 6 <= len(text) <= 40 and (text.startswith("|") or letters < 0.6 * len(text))


def _subject_line(text: str) -> str:
    """A subject line without the right column's text a scan put on it: after a column
    rule (" | "), and a run of capitals in a sentence-case line ("… triển khai URND TÍN Â
    Ổ", "… ma tuý T HLÂM ĐỒNG đến năm 2030": the received stamp's "UBND TỈNH LÂM ĐỒNG")."""
    words = text.split(" | ")[0].split()
    if _is_caps(" ".join(words)):
        return " ".join(words)
    caps = [w.isalpha() and w.isupper() for w in words]
    keep = [w for i, w in enumerate(words)
            if not (caps[i] and (i > 0 and caps[i - 1] or i + 1 < len(words) and caps[i + 1]))]
    return " ".join(keep)


def _title_block(front: FrontMatter, text: str) -> bool:
    """The type line (with the title on it or on the next block), a letter's subject, or
    an annex's capitalised caption ("MỘT SỐ KẾT QUẢ CHỦ YẾU THỰC HIỆN NĂM 2019 …")."""
    if front.title:
        return False
    subject = _SUBJECT.match(text)
    if subject:
        rest = _subject_line(text[subject.end():])
        front.title, front.title_lines = rest[:1].upper() + rest[1:], 1
        front.doc_type = front.doc_type or LETTER
        return True
    doc_type = _doc_type(text)
    if doc_type is not None:
        front.doc_type = doc_type.lower()
        rest = text[len(doc_type):].strip(" :")
        if rest:
            front.title, front.title_lines = rest[:1].upper() + rest[1:], 1
        else:
            front.open_title = True
        return True
    caption = _ANNEX_TAIL.sub("", text)
    if _caption(caption):
        front.title, front.title_lines = _sentence_case(caption), TITLE_LINES
        return True
    return False


def _doc_type(text: str) -> str | None:
    """"BÁO CÁO", "THÔNG BÁO …" in capitals, or "Báo cáo tình hình … năm 2024" as a plain
    text's first line: the type word in sentence case with the title on a short line that
    names a year and does not end like a sentence, so body text never matches."""
    found = next((t for t in DOC_TYPES if text == t or text.startswith(t + " ")
                  or text.startswith(t + ":")), None)
    if found:
        return found
    if len(text) > _TITLE_LINE_MAX or text.endswith(_END + (";",)):
        return None
    if not re.search(r"\b(?:19|20)\d{2}\b", text):
        return None
    head = text[:20].upper()
    found = next((t for t in DOC_TYPES if head.startswith(t + " ")), None)
    return text[:len(found)] if found else None


def _continues_title(front: FrontMatter, text: str) -> bool:
    """A title wraps onto the next block when it has not ended (no full stop) and the next
    block is short, does not end like a sentence, and is no heading or body opening."""
    if not front.title or not 0 < front.title_lines < TITLE_LINES:
        return False
    if front.title.endswith(_END) or len(text) >= TITLE_MAX or text.endswith(_END):
        return False
    if _BODY_START.match(text) or _ADDRESSEE.match(text) or _NUMBER_START.match(text):
        return False
    if AUTHORITY.match(text) or _stamp_noise(text):
        return False
    return match_heading(text) is None or not _NUMBERED.match(text) and _is_caps(front.title)


def _agency_line(text: str) -> bool:
    return len(text) <= 120 and _is_caps(text) and bool(_AGENCY.match(text))


def _caption(text: str) -> bool:
    return (len(text) <= TITLE_MAX and _is_caps(text) and not _NUMBERED.match(text)
            and not text.endswith(_END))


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _sentence_case(text: str) -> str:
    low = text.lower()
    return low[:1].upper() + low[1:]
