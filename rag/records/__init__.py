"""Typed records passed between pipeline stages.

Every stage takes and returns these dataclasses so that stages can be tested,
persisted (as JSON, by ``rag.serialize``) and replaced one at a time. One module per
stage that makes them (``ingest``, ``observe``, ``index``, ``answer``), re-exported here.
"""

from __future__ import annotations

from rag.records.answer import (  # noqa: F401
    Across,
    Answer,
    AnswerItem,
    Citation,
    Headline,
    Hit,
    Question,
    SearchResult,
)
from rag.records.index import (  # noqa: F401
    DocInfo,
    EmbedderInfo,
    Manifest,
)
from rag.records.ingest import (  # noqa: F401
    FACT_SECTIONS,
    FRONT_SECTION,
    NOTES_SECTION,
    SIGN_SECTION,
    Chunk,
    Document,
    Figure,
    Footnote,
    Paragraph,
    Period,
    Section,
    Table,
    TableCell,
    TableColumn,
    TableRef,
    TableRow,
    footnotes_in_span,
)
from rag.records.observe import (  # noqa: F401
    Comparison,
    Observation,
)
