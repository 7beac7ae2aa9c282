"""Web app (Gradio) over the ``rag`` library: ask, read cited reports, add reports.

``ui.app.serve`` is what ``baocao serve`` runs; ``ui.app.build_app`` returns the
Blocks for tests and embedding. Rendering lives in ``ui.render`` (answers,
passages, report list) and ``ui.reader`` (the full report view); every piece of
document text goes through ``html.escape`` there and nowhere else.
"""
