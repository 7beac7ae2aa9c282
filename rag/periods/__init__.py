"""Periods: one grammar for the time phrases of reports and questions (``grammar``), the
``Period`` records made of them, and the pure functions that match periods (``match``).

Ingestion (report periods), the observe stage (each figure's period) and the question
(the asked period) all read time through ``find_periods``.
"""

from rag.periods.grammar import find_periods
from rag.periods.match import best_period_match, covers, period_overlap
from rag.periods.mention import Mention, fold_same_length
from rag.periods.read import (
    cutoff_periods,
    make_period,
    mention_period,
    parse_date,
    parse_periods,
    parse_query_periods,
)

__all__ = ["Mention", "best_period_match", "covers", "cutoff_periods", "find_periods",
           "fold_same_length", "make_period", "mention_period", "parse_date", "parse_periods",
           "parse_query_periods", "period_overlap"]
