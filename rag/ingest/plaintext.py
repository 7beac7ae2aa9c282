"""Plain-text and Markdown report files: a saved web page's chrome removed, then the
Markdown reader where the file needs it (tables, footnotes, no blank line between
paragraphs); any other text goes to the layout stage as it is.
"""

from __future__ import annotations

from rag.ingest.doctypes import title_type
from rag.ingest.files import FileContent, decode_text
from rag.ingest.layout import normalize
from rag.ingest.markdown import needs_reading, read_markdown
from rag.ingest.webtext import read_saved_page

PAGE_TYPE = "tin bài"  # a published page whose title names no document type


def read_text_content(data: bytes, name: str) -> FileContent:
    raw = decode_text(data, name)
    text = normalize(raw)
    page = read_saved_page(text)
    body = page.text if page is not None else text
    if page is None and not needs_reading(body):
        return FileContent(raw)
    md = read_markdown(body)
    if page is None or page.title is None:
        return FileContent(md.text, md.tables, fmt="paragraph")
    kind = title_type(page.title) or PAGE_TYPE
    return FileContent(md.text, md.tables, title=page.title, date=page.date, doc_type=kind,
                       fmt="paragraph")
