"""Every tunable of the pipeline, one frozen dataclass per stage, each value with its origin.

"dev" means chosen on the gold dev split (eval/RESULTS.md says how); "format"
means a property of how Vietnamese reports are printed or extracted; "model"
a limit of the embedder. A value without a measured origin says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.serialize import Record


@dataclass(frozen=True)
class LayoutConfig(Record):
    """Layout stage (``rag.ingest.layout``): lines -> paragraphs."""

    # format: lines shorter than this (titles, page numbers) say nothing about wrapping
    body_line_min: int = 25
    # format: PDF-extracted body lines of A4 reports are 60-120 characters; p90 above
    # this means one paragraph per line
    wrapped_p90_max: int = 130
    # format: in hard-wrapped text most body lines stop mid-sentence
    wrapped_open_share: float = 0.5
    # format: a whitespace-only line this long is the extractor's "footnotes follow" rule
    note_rule_min: int = 20
    # format: narrowest plausible text width, for files with very few body lines
    min_width: int = 60
    # format: a line this full (share of the text width) ran to the margin and wraps on
    join_full_line: float = 0.75
    # format: a line ending a sentence that is this full may still continue (justified text)
    join_sentence_full: float = 0.85
    # format: a heading line shorter than this share of the width is complete
    heading_full_line: float = 0.9


@dataclass(frozen=True)
class HeadingConfig(Record):
    """Heading detection (``rag.ingest.structure``), shared by the text, PDF and DOCX paths."""

    # format: the longest numbered heading in the sample reports is ~190 characters
    max_numbered: int = 220
    # format: unnumbered headings (markdown, all caps) are shorter; body lines are longer
    max_unnumbered: int = 160
    # format: a bold line longer than this is an emphasised sentence, not a heading
    max_bold: int = 120
    # format: a numbered line ending in "." and longer than this is a sentence item
    max_dotted: int = 90
    # format: "1." … "30." are section numbers; larger numbers start a sentence ("2024 …")
    max_section_number: int = 30
    # format: share of upper-case letters of an all-caps heading ("TÌNH HÌNH KINH TẾ")
    caps_share: float = 0.85


@dataclass(frozen=True)
class ChunkConfig(Record):
    """Chunk stage (``rag.chunk``)."""

    # model: ~290 multilingual-e5 tokens of Vietnamese (3.5 characters per token), so a
    # chunk with its section path and footnotes stays inside the 512-token window
    chars: int = 1000
    # no measurement: enough to carry one comparison clause across a split
    overlap: int = 150


@dataclass(frozen=True)
class AnalyzerConfig(Record):
    """BM25 analyzer (``rag.index.analyzer``); dev: eval/compare_analyzers.py."""

    fold: str = "both"  # dev: folded and accented syllables both (MRR 0.920 without)
    bigrams: bool = False  # dev: the product turns bigrams on (hybrid MRR 0.971 -> 0.980)
    segment: str = "none"  # dev: pyvi changed nothing and tokenizes 5-7x slower
    abbreviations: bool = True  # dev: MRR 0.930 without


@dataclass(frozen=True)
class RetrievalConfig(Record):
    """Fusion weights and boosts (``rag.query``)."""

    mode: str = "hybrid"  # "hybrid" | "bm25" | "dense"
    dense_weight: float = 0.3  # dev: eval/sweep_fusion.py (0.1-0.3 within one item)
    rrf_k: int = 60  # the RRF paper's constant; not tuned
    candidates: int = 100  # per retriever before fusion; not tuned
    partial_period_boost: float = 1.5  # dev: chunks whose period overlaps the asked one
    plan_penalty: float = 0.5  # dev: next-period task lists below results
    rewrite_dense_query: bool = True  # dev: dense Hit@5 0.38 -> 0.93 without diacritics
    # realdocs (development): a table row whose own label the question does not name ranks
    # below its parent row (penalty 0.3/0.5/0.7: MRR@10 0.871/0.874/0.877); see
    # fusion.unnamed_row_factor
    unnamed_row_penalty: float = 0.5


@dataclass(frozen=True)
class AnswerConfig(Record):
    """Answer composer (``rag.answer``)."""

    # dev: below this share of the question's topic words in the best sentence, abstain
    min_coverage: float = 0.34
    # dev: a second sentence only when it adds a figure; more made answers noisy
    max_sentences: int = 2
    # dev: sentences are taken from the best few hits
    top_hits: int = 5
    # dev: bonus for a sentence with a figure, and 0.3/rank for the hit it comes from
    figure_bonus: float = 0.3
    rank_bonus: float = 0.3
    # dev: a footnote text ranks just below an equally good sentence of its chunk
    footnote_penalty: float = 0.05
    # dev: a question word found only in the section path counts half
    section_weight: float = 0.5
    # dev: a second sentence must score at least this share of the best one
    close_ratio: float = 0.8
    # dev: the clause right after the best one in its sentence joins it above this share
    clause_ratio: float = 0.7
    # dev: bonus per number of the question (a plan year, a resolution number) in a unit
    number_bonus: float = 0.05
    # dev: bonus when a unit states the asked kind of period (the month, the cumulative)
    kind_bonus: float = 0.1


@dataclass(frozen=True)
class LimitsConfig(Record):
    """What one request may cost (``rag.service``, ``rag.ingest``)."""

    # gold set: the longest of 114 questions is 117 characters; 4x leaves room for a pasted
    # sentence, while a 1 MB "question" took 25.5 s of server CPU (issue 14)
    max_question_chars: int = 500
