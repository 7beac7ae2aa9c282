"""Query stage: a question -> ranked ``Hit`` records (hybrid, period-aware).

``retrieve`` runs the search, ``fusion`` combines rankings, ``filters`` match
periods, ``rewrite`` prepares the query the embedder sees, ``places`` finds
place names in a question.
"""

from rag.query.retrieve import Retriever, asks_about_tasks

__all__ = ["Retriever", "asks_about_tasks"]
