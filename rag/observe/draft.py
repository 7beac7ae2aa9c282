"""The records a sentence is read into: its context, its subjects, its draft figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.observe import names
from rag.observe.mentions import Mention
from rag.observe.when import Cue, ReportTime
from rag.records import Comparison, Period


@dataclass
class Context:
    """What a sentence inherits: its report's time, plan flag, the paragraph's last period
    cue, and (for a footnote) the draft of the clause that cites it."""

    time: ReportTime
    is_plan: bool = False
    cue_before: Cue | None = None
    parent: Draft | None = None
    breakdown: bool = False  # a footnote opening "Trong đó:" / "Gồm:" lists components


@dataclass
class Draft:
    name: str
    value_text: str
    value: float
    unit: str | None
    figure: str
    start: int
    comps: list[Comparison] = field(default_factory=list)
    period: Period | None = None
    as_of: str | None = None
    is_plan: bool = False
    component: bool = False
    cue_at: int | None = None  # offset of the period cue it was read from
    stated: bool = True  # the text states its period (else: the report's, for want of a cue)
    scope: str = ""  # "tính riêng tại …": the part of the named whole the figure is

    @property
    def key(self) -> str:
        return names.group_key(self.name)


@dataclass
class Subject:
    gap: str
    gap_start: int
    component: bool
    depth: int = 0  # parentheses open at its start
    value: Mention | None = None
    # (offset, comparison, its mention; None for a worded one such as "bằng cùng kỳ")
    comps: list[tuple[int, Comparison, Mention | None]] = field(default_factory=list)



def parent_of(subj: Subject, done: list[Draft], ctx: Context) -> Draft | None:
    """The figure a component belongs to: the last non-component one, or the citing one."""
    return next((d for d in reversed(done) if not d.component), ctx.parent)
