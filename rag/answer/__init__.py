"""Answer stage: a read question and its ranked hits -> a cited ``Answer``, or an
abstention.

``sentences`` splits and scores candidate units and footnotes; ``statements`` finds the
statements (figures with their own periods) a unit quotes; ``pick`` chooses the units;
``write`` writes the headline, the cited lines and the sources; ``compose`` runs them and
abstains when no unit states what was asked; ``across`` answers across periods;
``cells`` answers from a table cell.
"""

from rag.answer.compose import FigureCheckError, compose, figure_check, related_hits
from rag.answer.labels import period_label
from rag.answer.sentences import content_terms, split_sentences

__all__ = ["FigureCheckError", "compose", "content_terms", "figure_check", "period_label",
           "related_hits", "split_sentences"]
