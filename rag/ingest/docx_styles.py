"""Word styles read once per document, so reading a paragraph costs the same at any length.

python-docx resolves ``paragraph.style`` by scanning every style of the
package on each call (``styles.default()``: ~2.5 ms per lookup with a normal
styles part), and a paragraph needs several lookups (heading level, bold, list
numbering): a 13,000-paragraph file took over 200 s. Here the styles part is
indexed by id once and each style's answers are cached, from the raw XML.
"""

from __future__ import annotations

import functools

from rag.ingest.wordml import VAL, w

_STYLE_ID, _TYPE, _DEFAULT = w("styleId"), w("type"), w("default")
MAX_CHAIN = 12  # basedOn hops; a cycle must not hang us
_FALSE = ("0", "false", "off", "none")


def on_off(el) -> bool | None:
    """A WordprocessingML toggle (``<w:b/>``, ``<w:b w:val="0"/>``); None when absent."""
    if el is None:
        return None
    return (el.get(VAL) or "true").lower() not in _FALSE


class StyleTable:
    """Paragraph and character styles by id, with their based-on chains."""

    def __init__(self, doc) -> None:
        root = doc.styles.element
        self.by_id = {s.get(_STYLE_ID): s for s in root.findall(w("style"))}
        self.defaults = {s.get(_TYPE): s.get(_STYLE_ID) for s in root.findall(w("style"))
                         if on_off_attr(s.get(_DEFAULT))}
        self.chain = functools.cache(self._chain)
        self.bold = functools.cache(self._bold)

    def _chain(self, style_id: str | None, kind: str = "paragraph") -> tuple:
        """The style elements from ``style_id`` (the default style of ``kind`` when none
        or unknown) up its ``basedOn`` chain."""
        if style_id not in self.by_id:
            style_id = self.defaults.get(kind)
        out, seen = [], set()
        while style_id in self.by_id and style_id not in seen and len(out) < MAX_CHAIN:
            seen.add(style_id)
            el = self.by_id[style_id]
            out.append(el)
            based = el.find(w("basedOn"))
            style_id = based.get(VAL) if based is not None else None
        return tuple(out)

    def _bold(self, style_id: str | None, kind: str) -> bool | None:
        for el in self.chain(style_id, kind):
            value = on_off(el.find(f"{w('rPr')}/{w('b')}"))
            if value is not None:
                return value
        return None

    @staticmethod
    def name(el) -> str:
        node = el.find(w("name"))
        return (node.get(VAL, "") if node is not None else "").strip().lower()


def on_off_attr(value: str | None) -> bool:
    return value is not None and value.lower() not in _FALSE


def paragraph_style_id(p) -> str | None:
    node = p.find(f"{w('pPr')}/{w('pStyle')}")
    return node.get(VAL) if node is not None else None


def run_style_id(r) -> str | None:
    node = r.find(f"{w('rPr')}/{w('rStyle')}")
    return node.get(VAL) if node is not None else None
