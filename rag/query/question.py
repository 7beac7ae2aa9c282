"""The front door of a question: its text read once into a ``Question`` record.

Everything later stages need is read here, by one set of rules: the asked periods (the
one period grammar, ``rag.periods``), the places, the indicator it names, revenue or
spending, what it asks for (a figure, all the parts, a date, a signer, a document's
number), and whether it asks across periods. Officials phrase questions as
"<indicator> <place> <period>", with or without diacritics and abbreviations.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from rag.periods.words import typed_without_diacritics
from rag.places import canonical, provinces
from rag.query.asked import NOT_ASKED, YEAR, across, asked_periods, cutoff, dated_base
from rag.records import Question
from rag.text import accent_key, fold_accents

_DATA = Path(__file__).resolve().parents[1] / "data"
# Where the indicator phrase ends: a place or entity word, a period or number, a question word
# ("cho" of a beneficiary, not of "cho vay", lending: "lãi suất cho vay", "dư nợ cho vay").
_BOUNDARY = re.compile(
    r"\b(?:tinh|huyen|xa|phuong|thi tran|thi xa|thanh pho|tp|quan|tren dia ban|dia ban|tai|o|"
    r"cua|du an|cong trinh|tuyen|thang|quy|nam|ngay|den|theo|cho(?!\s+vay)|"
    r"la|dat|bao nhieu|nhu the nao|the nao|ra sao|gom|trong do|so voi|nao|gi|may|"
    r"hien nay|den nay|tinh den|luy ke|chia|rieng|tung)\b|\b\d")
# Leading question wrappers, periods and breakdown words that precede the indicator.
_LEAD = re.compile(
    r"^(?:(?:xin |cho (?:toi )?biet |hay cho biet |toi muon biet |trong |tinh den |den het |"
    r"den |co cau |chi tiet |thanh phan |so luong |so |(?:toan )?tinh |da |co |bao nhieu |"
    r"nhung |cac |muc |gia tri |tinh chung |cong don |luy ke |(?:dat|de ra) muc tieu )|"
    r"(?:thang \d{1,2}(?:[/ -]\d{4})?|\d{1,2} thang(?: dau nam)?|quy [ivx\d]+(?:[/ -]\d{4})?|"
    r"nam \d{4}|t\d{1,2}/\d{4}|\d{1,2}/\d{4}|\d{4})[ ,:]*)+")
_ALTERNATIVES = re.compile(r"\s+va\s+|\s*,\s*|\s+hoac\s+")
# the part of a cited document a question names ("Phụ lục II", "PL I"): no indicator
_DOC_PART = re.compile(r"\b(?:phu\s+luc|pl)(?:\s+(?:so\s+)?(?:[ivx]+|\d{1,2}))?\b")
_UNIT_WORDS = frozenset(fold_accents(u) for u in (
    "tỉnh", "huyện", "xã", "phường", "thị trấn", "thị xã", "thành phố", "tp", "tp.", "quận"))
_REVENUE = re.compile(r"\b(?:thu ngan sach|tong (?:so )?thu|thu noi dia|thu nsnn|thu tu|"
                      r"nguon thu|thu thue)\b")
_SPENDING = re.compile(r"\b(?:chi ngan sach|tong chi|chi thuong xuyen|chi dau tu|chi nsnn|"
                       r"chi nsdp|chi can doi)\b")
# the doc_fact phrases of rag/data/question_words.tsv that ask for what a heading block
# prints: the document's number ("số mấy") and its date of issue ("ban hành ngày nào",
# "ký ngày nào", "ngày ký"), not another date its body states ("có hiệu lực từ ngày nào")
_ASKS_OWN = re.compile(r"\bso (?:may|hieu|bao nhieu|van ban)\b|\bngay (?:ban hanh|ky)\b|"
                       r"\b(?:ban hanh|ky)(?: vao)? (?:ngay|khi nao|luc nao)\b")
_SIGNER = re.compile(r"\b(ai|nguoi|ai la nguoi|ai da)\s+ky\b|\bky boi\b")
_WHEN_START = re.compile(r"^ngay\b")
MAX_INDICATOR = 6  # the longest indicator names ("giải ngân vốn đầu tư công") have 6 syllables
_SYLLABLE = re.compile(r"[a-z0-9]+")
_WORD_RUN = re.compile(r"[^\W_]+")
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b")
# A document cited by its number: "2639/QĐ-TTg", "245/2025/QH15", or its kind and number
# ("QĐ 2639", "Thông báo số 627", "CV 4580"): Nghị định 30/2020 Phụ lục III codes.
CODED = re.compile(r"(?<![\d/])(\d{1,5})\s*/\s*(?:(?:19|20)\d{2}\s*/\s*)?[A-ZĐ][A-ZĐa-zđ0-9]*"
                   r"(?:\s*[-–]\s*[A-ZĐ][A-ZĐa-zđ0-9]*)*")
_KIND_NUMBER = re.compile(r"\b(?:qd|tb|nq|kh|cv|bc|ct|ttr|quyet\s+dinh|thong\s+bao|nghi\s+quyet|"
                          r"ke\s+hoach|cong\s+van|bao\s+cao|chi\s+thi|van\s+ban|to\s+trinh)"
                          r"\s*(?:so\s*)?(\d{2,5})\b(?!\s*/\s*\d)")


def folded(text: str) -> str:
    return fold_accents(text.lower())


def read(text: str, period: str | None = None) -> Question:
    """The question record; ``period`` is a period filter (the question's own period wins)."""
    text = unicodedata.normalize("NFC", text.strip())
    low = folded(text)
    words = _classes(text)
    own = asked_periods(text, plans="tasks" in words)  # a task question picks its plan part
    periods, overridden = own, None
    if period:
        chosen = asked_periods(period)
        if own:
            overridden = None if set(chosen) == set(own) else period
        else:
            periods = chosen
    figure = tuple(asked_periods(NOT_ASKED.sub(" ", low), plans=True)) if own or \
        asked_periods(text, plans=True) else ()
    places, refs = named_places(text), cited_numbers(text)
    base = dated_base(NOT_ASKED.sub(" ", low))
    return Question(
        text=text, folded=low, periods=tuple(periods), figure_periods=figure, period_filter=period,
        overridden=overridden, dates=_dates(low), as_of=cutoff(text), places=places,
        place_label=named_place_label(text), indicator=(heads := indicator_terms(text, places)),
        indicator_marks=indicator_marks(text, heads),
        term=known_term(text), direction=direction(text), wants=_wants(low, words),
        asks_date="when" in words and "bao lau" not in low, asks_own=bool(_ASKS_OWN.search(low)),
        breakdown=bool(words & {"breakdown", "parts"}), tasks="tasks" in words,
        plan="plan" in words, basis=next((b for b in ("mom", "yoy", "vs_plan") if b in words),
                                         None),
        compared_to=base,
        numeric="number" in words or "%" in text, numbers=_numbers(low),
        refs=refs, asks_of_document=without_document_name(text) if refs else "",
        units=asked_units(text),
        extreme=_extreme(words),
        across=across(text, low, base))


@cache
def _phrases() -> dict[str, tuple[tuple[str, re.Pattern, re.Pattern], ...]]:
    """class -> (phrase, accented pattern, folded pattern) from question_words.tsv."""
    out: dict[str, list] = {}
    for line in (_DATA / "question_words.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "phrase\t")):
            continue
        phrase, cls, *flags = line.split("\t")
        phrase = unicodedata.normalize("NFC", phrase)
        low = phrase.lower()  # "QĐ", "HĐND": matched on the lowercased question
        bare = None if "accented" in flags else re.compile(
            rf"\b{re.escape(fold_accents(low))}\b")
        out.setdefault(cls, []).append(
            (phrase, re.compile(rf"(?<!\w){re.escape(low)}(?!\w)"), bare))
    return {k: tuple(v) for k, v in out.items()}


def _classes(text: str) -> frozenset[str]:
    """The classes of question_words.tsv the question has a phrase of. A question written
    with its diacritics must have them ("mỗi" is each, "mới" is new)."""
    bare = typed_without_diacritics(text)
    low, fold = text.lower(), folded(text)
    found = set()
    for cls, phrases in _phrases().items():
        if any((folded_rx is not None and folded_rx.search(fold)) if bare else rx.search(low)
               for _, rx, folded_rx in phrases):
            found.add(cls)
    if _WHEN_START.match(fold.strip()):
        found.add("when")
    return frozenset(found)


def _extreme(words: frozenset[str]) -> str | None:
    """"… nào … nhiều nhất / thấp nhất": the row with the largest or smallest value."""
    if "which" not in words:
        return None
    return "max" if "most" in words else "min" if "least" in words else None


def _wants(low: str, words: frozenset[str]) -> str:
    if _SIGNER.search(low):
        return "signer"
    if "doc_fact" in words and "doc_word" in words:
        return "facts"
    if "parts" in words and "per" not in words:
        return "parts"
    if "when" in words and "bao lau" not in low:
        return "when"
    return "text" if "text" in words else "figure"


def cited_numbers(text: str) -> tuple[str, ...]:
    """The numbers of the documents a text cites ("2639" of "QĐ 2639" or "2639/QĐ-TTg")."""
    found = [m.group(1) for m in CODED.finditer(text)]
    found += [m.group(1) for m in _KIND_NUMBER.finditer(folded(text))
              if not YEAR.fullmatch(m.group(1))]  # "KH 2020" is a plan's year
    return tuple(dict.fromkeys(n.lstrip("0") or "0" for n in found))


def _dates(low: str) -> tuple[tuple[int, int, int], ...]:
    return tuple((int(d), int(m), int(y)) for d, m, y in _DATE.findall(low))


def _numbers(low: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(re.findall(r"\d+(?:[.,/]\d+)*", low)))


def spelled(text: str) -> list[str]:
    """Folded syllables with abbreviations written out ("XNK" -> xuat nhap khau), so an
    abbreviated question and a spelled-out report (or the reverse) read the same."""
    from rag.index.analyzer import load_abbreviations

    table = load_abbreviations()
    out: list[str] = []
    for syl in _SYLLABLE.findall(folded(text)):
        expansion = table.get(syl)
        out.extend(_SYLLABLE.findall(folded(expansion[0])) if expansion else [syl])
    return out


@cache
def indicator_names() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """The known indicators (rag/data/indicators.txt), each as its names, spelled out."""
    out = []
    for line in (_DATA / "indicators.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(tuple(tuple(spelled(n)) for n in line.split("|") if n.strip()))
    return tuple(out)


def name_positions(words: list[str], name: tuple[str, ...]) -> list[int]:
    """Every position where ``name`` (spelled syllables) stands in ``words``."""
    n = len(name)
    return [i for i in range(len(words) - n + 1) if tuple(words[i:i + n]) == name]


def find_name(words: list[str], name: tuple[str, ...]) -> int:
    return next(iter(name_positions(words, name)), -1)


def known_term(question: str) -> tuple[tuple[str, ...], ...]:
    """The first known indicator the question names (the longest name where several
    start at the same word), as all of its names. A name does not run over a comma: "nước
    sạch nông thôn, mỗi chương trình" names no "nông thôn mới"."""
    best: tuple[int, int, tuple] | None = None
    pos = 0
    for clause in _CLAUSE_BREAK.split(question):
        words = spelled(clause)
        for names in indicator_names():
            for name in names:
                at = find_name(words, name)
                if at >= 0 and (best is None or (pos + at, -len(name)) < (best[0], -best[1])):
                    best = (pos + at, len(name), names)
        pos += len(words)
    return best[2] if best else ()


_CLAUSE_BREAK = re.compile(r"[,;:?()]")


def without_document_name(text: str) -> str:
    """The question without the words that name a document it cites by number: its kind,
    its number or code and its issuer ("Nghị quyết 48/2025/NQ-HĐND của HĐND TP Hà Nội có
    hiệu lực từ ngày nào?" -> "… có hiệu lực từ ngày nào?"). Passages that merely name the
    document (an annex caption, the heading block) repeat those words; they do not answer."""
    from rag.periods import fold_same_length

    low = fold_same_length(text).lower()
    spans = [m.span() for m in CODED.finditer(text)]
    spans += [m.span() for m in _KIND_NUMBER.finditer(low)]
    for cls in ("doc_word", "issuer"):
        for phrase, _, _ in _phrases().get(cls, ()):
            rx = rf"(?<!\w){re.escape(fold_accents(phrase).lower())}(?!\w)"
            spans += [m.span() for m in re.finditer(rx, low)]
    keep = [c if not any(a <= i < b for a, b in spans) else " " for i, c in enumerate(text)]
    return "".join(keep)


def indicator_terms(question: str, places: tuple[str, ...] = ()) -> tuple[tuple[str, ...], ...]:
    """The phrase the question opens with, up to its first boundary, as alternatives (a
    document it cites, "QĐ 2639" or "627/TB-VPCP", names no indicator)."""
    text = _KIND_NUMBER.sub(" ", folded(_not_ends(CODED.sub(" ", question)))).strip(" ?.!")
    text = _DOC_PART.sub(" ", text)
    for place in places:  # its syllables may carry _not_ends' mark ("Sơn La_")
        name = r"\s+".join(re.escape(w) + "_?" for w in place.split())
        text = re.sub(rf"\b{name}(?!\w)", " ", text)
    out: list[tuple[str, ...]] = []
    # "chăn nuôi 9 tháng: đàn trâu, bò …", "tạo việc làm quý I và tổng thu BHXH" name two
    for segment in re.split(r":|\s+va\s+", text):
        segment = _without_lead(re.sub(r"\s+", " ", segment).strip())
        m = _BOUNDARY.search(segment, 1)
        head = segment[:m.start()] if m else segment
        out += [tuple(spelled(part)[:MAX_INDICATOR]) for part in _ALTERNATIVES.split(head)]
    out = [a for a in out if a]
    longer = [a for a in out if len(a) > 1]
    return tuple(dict.fromkeys(longer or out))  # "bò" alone would match "bộ", "bổ sung"…


def indicator_marks(text: str, heads: tuple[tuple[str, ...], ...]
                    ) -> tuple[tuple[str | None, ...], ...]:
    """The accent key of each syllable of ``heads`` where the question typed it with its
    diacritics ("lãi suất mới" is not "môi trường"): the run of the question's own
    syllables that folds to the head; None where there is none (an abbreviation spelled
    out) or the question was typed without diacritics."""
    syllables = _WORD_RUN.findall(text.lower())
    bare = [fold_accents(s) for s in syllables]
    out = []
    for head in heads:
        n = len(head)
        at = None if typed_without_diacritics(text) else next(
            (i for i in range(len(bare) - n + 1) if tuple(bare[i:i + n]) == head), None)
        out.append((None,) * n if at is None else tuple(map(accent_key, syllables[at:at + n])))
    return tuple(out)


def _without_lead(segment: str) -> str:
    """``segment`` without its lead-in words (``_LEAD``), read without ``_not_ends``' marks
    ("đặt_ mục tiêu" leads in as "đặt mục tiêu" does)."""
    m = _LEAD.match(segment.replace("_", ""))
    if m is None:
        return segment
    i = seen = 0
    while i < len(segment) and seen < m.end():
        seen += segment[i] != "_"
        i += 1
    return segment[i:].lstrip("_")


def _not_ends(text: str) -> str:
    """Syllables typed with other diacritics than a phrase-ending word of the same letters
    ("đất", "quan trắc" beside "đạt", "quận") get a mark that keeps ``_BOUNDARY`` off them;
    ``spelled`` drops it. A question typed without diacritics is left as typed."""
    if typed_without_diacritics(text):
        return text
    ends = {p.lower() for p, _, _ in _phrases().get("ends_phrase", ())}
    bare = {fold_accents(w) for w in ends}

    def mark(m: re.Match) -> str:
        word = m.group(0)
        return word + "_" if fold_accents(word.lower()) in bare and word.lower() not in ends \
            else word

    return _WORD_RUN.sub(mark, text)


def _names_after_units(question: str) -> list[str]:
    """Capitalized words after an administrative word: "xã Đắk Hòa", "huyen Don Duong",
    "thành phố Thủ Đức" (a unit word may be two words)."""
    words = question.replace("–", " ").split()
    names = []
    for i, w in enumerate(words):
        pair = fold_accents(" ".join(words[i:i + 2]).lower())
        if pair in _UNIT_WORDS:
            after = i + 2
        elif fold_accents(w.lower()) in _UNIT_WORDS and (i == 0 or fold_accents(
                " ".join(words[i - 1:i + 1]).lower()) not in _UNIT_WORDS):
            after = i + 1
        else:
            continue
        name = []
        for nxt in words[after:after + 4]:
            core = nxt.strip(",.?:;()")
            # names are title-cased: "TH", "KH", "ƯTH" after one are column abbreviations
            if not core or not core[0].isupper() or core.isdigit() or (
                    len(core) > 1 and core.isupper()):
                break
            name.append(core)
            if nxt.rstrip(".?)").endswith((",", ";", ":")):
                break  # "tỉnh Sơn La, Lai Châu": a comma ends the name
        if name:
            names.append(" ".join(name))
    return names


def _bare(text: str) -> str:
    return f" {' '.join(_SYLLABLE.findall(folded(text)))} "


def named_places(question: str) -> tuple[str, ...]:
    """Names after an administrative word, and provinces however typed, each province by
    its own name ("TP.HCM" -> "thanh pho ho chi minh")."""
    names = [folded(canonical(n) or n) for n in _names_after_units(question)]
    low = _bare(question)
    names += [folded(canonical(p) or p) for p in provinces() if _bare(p) in low]
    return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


def province_spans(text: str) -> list[tuple[int, int]]:
    """Where the question names a province, however typed (offsets in ``text``)."""
    from rag.periods import fold_same_length

    low = fold_same_length(text)
    spans = []
    for name in sorted(provinces(), key=len, reverse=True):
        words = _SYLLABLE.findall(folded(name))
        rx = r"(?<![a-z0-9])" + r"[\s.\-–]*".join(map(re.escape, words)) + r"(?![a-z0-9])"
        spans += [(m.start(), m.end()) for m in re.finditer(rx, low)
                  if not any(a <= m.start() < b for a, b in spans)]
    return spans


def named_place_label(question: str) -> str:
    """The first place the question names, as typed (for the message of an abstention)."""
    found = _names_after_units(question)
    if found:
        return found[0]
    low = _bare(question)
    return next((p for p in provinces() if _bare(p) in low), "")


def direction(text: str) -> str | None:
    low = folded(text)
    has_thu, has_chi = bool(_REVENUE.search(low)), bool(_SPENDING.search(low))
    if has_thu == has_chi:
        return None
    return "thu" if has_thu else "chi"


def asked_units(question: str) -> tuple[str, ...]:
    """Units the question asks its figure in (folded, sorted): after "bao nhiêu" or "mấy"
    ("bao nhiêu triệu USD"); elsewhere a unit's letters may be a word of the indicator
    ("tăng trưởng" folds to the unit "trường") or of a name after a number ("KH 552 Dong
    Thap")."""
    from rag.ingest.tables.words import report_units

    low = f" {folded(question)} "
    found = {fold_accents(u) for u in report_units() if len(u) > 2 and re.search(
        rf"(?:bao nhieu|may)\s+{re.escape(fold_accents(u))}(?!\w)", low)}
    return tuple(sorted(u for u in found if not any(u != o and u in o for o in found)))
