"""One sentence -> draft observations: subjects, their figures, comparisons and periods.

A sentence is read left to right as a chain of subjects. Each number+unit is either a
figure or a comparison (``rag.observe.compare``). Text with content words between two
numbers starts a new subject whose name is that text (``rag.observe.names``); a
comparison with no content before it qualifies the current subject's figure, or the
next figure when the subject has none yet ("tổng chi tăng 14,5% …, ước đạt 4.056 tỷ
đồng"). A subject with comparisons but no figure is a growth-only figure (IIP, CPI):
its rate is the value. "trong đó", "gồm" make the next subjects components, which
inherit their parent's plan flag and, when their name is a bare word, its head.
"""

from __future__ import annotations

import re

from rag.observe import names
from rag.observe.compare import basis, comparison, denominator, same_as_last_year
from rag.observe.draft import Context, Draft, Subject, parent_of
from rag.observe.mentions import Mention, find_mentions, same_family
from rag.observe.naming import after_end, name_of, with_head, without_cues
from rag.observe.when import Cue, carried, find_cues, is_plan_year, resolve
from rag.records import Comparison, Period

__all__ = ["Context", "Draft", "cue_before", "paragraph_cues", "read_sentence"]

_CONNECT = frozenset([
    "ước", "đạt", "thực", "hiện", "là", "được", "khoảng", "trên", "dưới", "gần", "hơn",
    "với", "và", "trong", "đó", "so", "cùng", "kỳ", "năm", "trước", "tương", "đương",
    "bằng", "tăng", "giảm", "cao", "thấp", "ở", "mức", "còn", "thêm", "đến", "nay", "lên",
    "xuống", "kế", "hoạch", "dự", "toán", "giao", "chi", "tiết", "trung", "ương", "địa",
    "phương", "tỉnh", "tính", "riêng", "chung", "khoảng",
])
_COMPONENT = re.compile(r"\b(?:trong\s+đó|(?<!chưa )(?<!không )bao\s+gồm|(?<!bao )gồm|cụ\s+thể)\b",
                        re.IGNORECASE)
# "(chưa) đạt mục tiêu", "so với mục tiêu": a result measured against its target, no target
_PLAN_WORDS = re.compile(r"\b(?:phấn\s+đấu|dự\s+kiến|(?<!chương trình )(?<!đạt )(?<!so với )"
                         r"mục\s+tiêu(?!\s+quốc)|"
                         r"chỉ\s+tiêu\s+(?:giao|kế\s+hoạch))\b", re.IGNORECASE)
# an allocation, not a result: "tổng nguồn vốn đầu tư công năm 2021 là …", "dự toán …"
_PLAN_NAME = re.compile(r"^(?:tổng\s+)?nguồn\s+vốn\s+đầu\s+tư|^kế\s+hoạch\s+vốn|^dự\s+toán",
                        re.IGNORECASE)
# "tính riêng tại Hải quan tỉnh Lạng Sơn là 1.934,5 triệu USD": the figure is a part of the
# whole the subject names; the qualifier goes wherever the figure goes (a template phrase of
# provincial reports and statistics releases: "riêng …", "tính riêng …")
_SCOPE = re.compile(r"(?<!\w)(?:tính\s+)?riêng\s+[^,;:()]{2,80}?(?=\s+(?:là|đạt|ước|được|có|"
                    r"chiếm|tăng|giảm)\b|\s*[,;:]|\s*$)", re.IGNORECASE)
# "do sản lượng … thấp hơn tháng trước": a reason, not a new subject
_CAUSE = re.compile(r"\b(?:do|vì|nhờ)\s[^,;]*", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\b(?:trường\s+hợp|nếu)\b.*\bthì\b", re.IGNORECASE)
# Stocks (balances at a date) take the month of their cut-off, not the report's span.
_STOCK = re.compile(r"\b(?:dư\s+nợ|huy\s+động|số\s+dư|tỷ\s+lệ|tổng\s+đàn|tổng\s+số\s+hội)\b",
                    re.IGNORECASE)
def read_sentence(text: str, ctx: Context) -> list[Draft]:
    """Draft observations of one sentence (or footnote text), in order."""
    if _CONDITIONAL.search(text):
        return []
    cues = find_cues(text)
    subjects = _subjects(text, cues, ctx.breakdown)
    drafts: list[Draft] = []
    spans = [(a, a + len(c.text)) for subj in subjects for a, c, _ in subj.comps]
    for subj in subjects:
        draft = _draft(text, subj, cues, spans, drafts, ctx)
        if draft is not None:
            drafts.append(draft)
    return drafts


def _subjects(text: str, cues: list[Cue], in_breakdown: bool) -> list[Subject]:
    subjects: list[Subject] = []
    cur: Subject | None = None
    prev, consumed = 0, (0, 0, None)  # the last comparison's span and basis
    for m in find_mentions(text):
        if m.start < consumed[1]:  # "(tăng 150 tỷ đồng)" inside a comparison's basis
            _nested(text, m, consumed, cur)
            continue
        comp, c_start, c_end = comparison(text, m, prev)
        if comp is None and m.is_percent and cur is not None and cur.comps:
            comp, c_start, c_end = _bare_rate(text, m, prev, cues, cur)
        at = c_start if comp else m.start
        gap = text[prev:at]
        in_breakdown = in_breakdown or bool(_COMPONENT.search(re.sub(r"\([^()]*\)", " ", gap)))
        depth = _depth(text, at)
        if comp is not None and cur is not None and depth < cur.depth:
            cur = next((s for s in reversed(subjects) if s.depth <= depth), cur)
        if cur is None or _has_content(gap, prev, cues) or (comp is None and cur.value) \
                or _new_period(gap, prev, cues, cur):
            cur = Subject(gap, prev, in_breakdown, depth)
            subjects.append(cur)
        if comp is not None:
            cur.comps.append((c_start, comp, m))
            prev, consumed = c_end, (c_start, c_end, comp)
        else:
            cur.value = m
            named = names.subject(without_cues(gap, at - len(gap), cues))
            prev = m.end if named else after_end(text, m.end)
    for at, comp in same_as_last_year(text, 0, len(text)):
        owner = next((s for s in reversed(subjects) if s.gap_start <= at), None)
        if owner is not None:
            owner.comps.append((at, comp, None))
    _move_absolute(subjects)
    _inherit_bases(subjects)
    return subjects


def _bare_rate(text: str, m: Mention, prev: int, cues: list[Cue], cur: Subject):
    """"đạt 66,27% kế hoạch trung ương giao; 76,52% địa phương giao chi tiết": a rate with
    no verb right after a comparison repeats that comparison's verb."""
    if _has_content(text[prev:m.start], prev, cues):
        return None, m.start, m.end
    last = max(cur.comps, key=lambda x: x[0])[1]
    base, end = basis(text, m.end)
    kind = "plan_pct" if base == "plan" else last.kind
    return Comparison(text[m.start:end].strip(), kind, m.value, last.basis), m.start, end


def _new_period(gap: str, offset: int, cues: list[Cue], cur: Subject) -> bool:
    """"CPI tháng 5 tăng 3,95%, tính chung 5 tháng đầu năm tăng 2,75%": a period phrase
    between two figures of one subject starts a new figure (same name)."""
    if cur.value is None and not cur.comps:
        return False
    return any(offset <= c.start < offset + len(gap) for c in cues)


def _depth(text: str, at: int) -> int:
    return max(0, text.count("(", 0, at) - text.count(")", 0, at))


def _nested(text: str, m: Mention, consumed, cur: Subject | None) -> None:
    """A number inside a comparison's parenthesis takes that comparison's basis."""
    start, _, outer = consumed
    comp, c_start, _ = comparison(text, m, start + 1)
    if comp is None or cur is None or outer is None:
        return
    basis = (outer.basis or "").replace("_pct", "_abs") or None
    kind = "other" if outer.kind == "other" else comp.kind
    text_of = text[c_start:m.end]
    cur.comps.append((c_start, Comparison(text_of, kind, comp.value, basis), m))


def _inherit_bases(subjects: list[Subject]) -> None:
    """"tăng 3,4% so với 31/12/2020; dư nợ …, tăng 6,7%": an elided basis is that of the
    change printed just before (only a start-of-year or month-on-month basis carries)."""
    last = None
    for subj in subjects:
        for item in sorted(subj.comps, key=lambda x: x[0]):
            at, comp, m = item
            if m is None or not m.is_percent or comp.kind not in ("yoy_pct", "other"):
                continue
            elided = comp.kind == "yoy_pct" and not re.search(r"\bso\b|cùng\s+kỳ", comp.text)
            if elided and last is not None and last.basis in ("vs_start_of_year", "mom"):
                subj.comps[subj.comps.index(item)] = (
                    at, Comparison(comp.text, last.kind, comp.value, last.basis), m)
                continue
            last = comp


def _move_absolute(subjects: list[Subject]) -> None:
    """"19 vụ cháy rừng, diện tích 28,8 ha (tăng 10 vụ, tăng 16,6 ha)": an absolute
    change goes to the nearest subject measured in its unit."""
    for i, subj in enumerate(subjects):
        for item in list(subj.comps):
            m = item[2]
            if m is None or m.is_percent or subj.value is None:
                continue
            if same_family(m.unit, subj.value.unit):
                continue
            owner = next((s for s in reversed(subjects[:i])
                          if s.value is not None and same_family(s.value.unit, m.unit)), None)
            if owner is not None:
                subj.comps.remove(item)
                owner.comps.append(item)


def _has_content(gap: str, offset: int, cues: list[Cue]) -> bool:
    """Whether ``gap`` names something (beyond verbs, connectors and period phrases)."""
    chars = list(gap)
    for c in cues:
        for i in range(max(c.start, offset), min(c.end, offset + len(gap))):
            chars[i - offset] = " "
    text = re.sub(r"\([^()\d]*\)", " ", "".join(chars))
    text = _CAUSE.sub(" ", text)
    return any(w not in _CONNECT for w in names.syllables(text))


def _draft(text: str, subj: Subject, cues: list[Cue], spans: list[tuple[int, int]],
           done: list[Draft], ctx: Context) -> Draft | None:
    comps = [c for _, c, _ in sorted(subj.comps, key=lambda x: x[0])]
    m = subj.value
    if m is not None:
        den = denominator(m)
        comps = ([den] if den else []) + comps
        value_text, value, unit, figure, at = m.num, m.value, m.unit, m.text, m.start
    else:
        promoted = _promote(subj)
        if promoted is None:
            return None
        (value_text, value, figure, at), comps = promoted
        unit = "%"
    name = name_of(text, subj, m, cues, done, ctx)
    if not name:
        return None
    parent = parent_of(subj, done, ctx)
    if subj.component and parent is not None:
        name = with_head(name, parent.name)
    gap = subj.gap
    if subj.component and parent is not None:
        is_plan = parent.is_plan or bool(_PLAN_WORDS.search(gap))
    else:
        is_plan = ctx.is_plan or bool(_PLAN_WORDS.search(gap) or _PLAN_NAME.match(name))
    if is_plan and any(c.kind in ("now", "to_now") and c.start < at for c in cues):
        is_plan = False  # "Hiện nay … đạt khoảng 61%" states what stands, in a task section too
    stock = bool(_STOCK.search(name) or _STOCK.search(gap)) or any(
        c.basis == "vs_start_of_year" for c in comps)
    period, as_of, stated = _own_period(text, subj, cues, spans, at, done, ctx, is_plan, stock)
    scope = _SCOPE.search(gap)
    return Draft(names.display(name), value_text, value, unit, figure, at, comps, period,
                 as_of, is_plan, subj.component, _cue_at(cues, spans, at), stated,
                 scope.group(0).strip() if scope else "")


def _promote(subj: Subject):
    """A subject with a rate but no figure: the rate is the figure (growth-only: IIP, CPI;
    or a share: "tỷ lệ … đạt 99,87%"). Absolute changes alone are not figures."""
    rated = [(c, mm) for _, c, mm in sorted(subj.comps, key=lambda x: x[0])
             if mm is not None and mm.is_percent]
    if not rated:
        return None
    comp, mm = next(((c, x) for c, x in rated if c.kind == "yoy_pct"), rated[0])
    comps = [c for _, c, _ in subj.comps]
    if comp.kind == "plan_pct":
        comps.remove(comp)
    return (mm.num, comp.value, mm.text, mm.start), comps


def _own_period(text: str, subj: Subject, cues: list[Cue], spans: list[tuple[int, int]],
                at: int, done: list[Draft], ctx: Context, is_plan: bool,
                stock: bool) -> tuple[Period, str | None, bool]:
    """A cue in the subject's own words decides; else a component takes its parent's period
    and a subject reusing a cue already read in the sentence takes that reading; a plan
    names its year after the figure ("phấn đấu 10 xã … năm 2021"). The flag says whether
    the text states the period (False: the report's own period, for want of any cue)."""
    own = [c for c in cues if subj.gap_start <= c.start < at]
    parent = parent_of(subj, done, ctx)
    if not own and subj.component and parent is not None and parent.period is not None:
        return parent.period, parent.as_of, parent.stated
    if not own and is_plan:
        stop = re.search(r"[,;.]|$", text[at:]).start() + at
        after = [c for c in cues if at < c.start < stop and c.kind in ("year", "quarter")]
        if after:
            return (*resolve(after[0], ctx.time, stock), True)
    period, as_of, stated = _period(cues, spans, at, ctx, is_plan, stock)
    for d in done:  # the same cue already read for an earlier figure of the sentence
        if d.cue_at is not None and d.cue_at == _cue_at(cues, spans, at) and d.period:
            return d.period, d.as_of, d.stated
    return period, as_of, stated


def _cue_at(cues: list[Cue], spans: list[tuple[int, int]], at: int) -> int | None:
    usable = [c for c in cues if c.start < at and not any(a <= c.start < b for a, b in spans)]
    return usable[-1].start if usable else None


def _period(cues: list[Cue], spans: list[tuple[int, int]], at: int, ctx: Context,
            is_plan: bool, stock: bool) -> tuple[Period, str | None, bool]:
    """The nearest usable cue before the figure; a capital-plan year before a cut-off in a
    later year names the plan year; none: the citing clause's, the paragraph's, the report's."""
    usable = [c for c in cues if c.start < at and not any(a <= c.start < b for a, b in spans)]
    plan_years = [c for c in usable if is_plan_year(c)]
    cue = next((c for c in reversed(usable)
                if not (is_plan_year(c) and not is_plan and c.year == ctx.time.year)), None)
    if cue is None and ctx.parent is not None and ctx.parent.period is not None:
        return ctx.parent.period, ctx.parent.as_of, ctx.parent.stated
    if cue is None:
        cue = ctx.cue_before
    if cue is None and is_plan and ctx.time.plan() is not None:
        return ctx.time.plan(), None, True  # a target of a plan whose title gives its year
    period, as_of = resolve(cue, ctx.time, stock)
    stated = cue is not None
    earlier = [c for c in plan_years if cue is not None and _closes(cue)
               and c.start < cue.start and c.year and cue.year and c.year < cue.year]
    if earlier:
        from rag.observe.when import period as make

        y = earlier[-1].year
        return make("year", y, 1, 12), as_of or f"{cue.year}-{cue.last:02d}", True
    return period, as_of, stated


def _closes(cue: Cue) -> bool:
    """A cut-off date or "(đến) hết tháng N": what was done up to a date."""
    return cue.role == "asof" or cue.kind == "cumulative" and cue.lead


def paragraph_cues(text: str) -> list[Cue]:
    """The cues of a paragraph that carry to the sentences after them."""
    return [c for c in find_cues(text) if carried(c)]


def cue_before(cues: list[Cue], at: int) -> Cue | None:
    return next((c for c in reversed(cues) if c.end <= at), None)
