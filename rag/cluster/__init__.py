"""Past one machine: a write's per-report work on a Ray cluster (``index``, ``work``),
the connection and its failures (``connect``). Ray is an optional extra
(``pip install 'baocao[cluster]'``); nothing here is imported on one machine.
"""
