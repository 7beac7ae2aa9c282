"""Observe stage (between chunking and indexing): every printed figure as a statement,
an ``Observation`` with its indicator, period, place, scope, value, unit and comparisons.

``mentions`` (numbers with units), ``when`` (the period a clause names, read with
``rag.periods``), ``names`` (indicator names and the keys that group their wordings),
``compare`` (comparisons next to a figure), ``sentence`` (one sentence -> drafts),
``extract`` (chunks -> observations), ``table`` (table rows -> observations).
The index stage stores them (``rag.index.observations``); the answer stage reads them
(``rag.answer.across``, ``rag.answer.series``).
"""
