"""Ingest stage: a report file (txt, md, pdf, docx, html) -> a ``Document``.

``files`` checks and decodes files, ``pdf`` / ``docx`` / ``html`` read their formats into
the text conventions that ``layout`` (lines -> paragraphs, footnote blocks)
understands, ``structure`` finds headings and section paths, ``footnotes`` the
markers, ``metadata`` the title, date, province and periods, ``figures`` the
numbers with units; ``parse`` chains them.
"""

from rag.ingest.files import MAX_BYTES, SUFFIXES, check_file, read_document_text
from rag.ingest.parse import doc_id_for, parse_file, parse_text

__all__ = ["MAX_BYTES", "SUFFIXES", "check_file", "doc_id_for", "parse_file", "parse_text",
           "read_document_text"]
