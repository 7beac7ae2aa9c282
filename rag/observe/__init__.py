"""Observations: every printed figure as a typed record (indicator, period, value, unit,
comparisons), so questions across periods can be answered from a series, not one passage.

Stages: ``mentions`` (numbers with units), ``when`` (the period a clause names),
``names`` (indicator names and the keys that group their wordings), ``compare``
(comparisons next to a figure), ``sentence`` (one sentence -> drafts), ``extract``
(chunks -> observations), ``store`` (``observations.jsonl`` in an index version),
``series`` (one indicator across reports), ``across`` (cross-period answers).
"""
