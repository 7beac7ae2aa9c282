"""Answer stage: ranked hits -> a cited extractive ``Answer``, or an abstention.

``sentences`` splits and scores candidate sentences and footnotes; ``compose``
picks them, labels their period, attaches footnotes and checks every figure.
"""

from rag.answer.compose import (
    FigureCheckError,
    asks_breakdown,
    compose,
    figure_check,
    related_hits,
)
from rag.answer.labels import period_label
from rag.answer.sentences import content_terms, split_sentences

__all__ = ["FigureCheckError", "asks_breakdown", "compose", "content_terms", "figure_check",
           "related_hits",
           "period_label", "split_sentences"]
