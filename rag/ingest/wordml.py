"""WordprocessingML names shared by the DOCX reader and its list numbering."""

from __future__ import annotations

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def w(tag: str) -> str:
    """Clark notation for a ``w:`` element or attribute."""
    return f"{{{W_NS}}}{tag}"


VAL = w("val")


def child_val(el, tag: str, default: str) -> str:
    child = el.find(w(tag))
    return child.get(VAL, default) if child is not None else default


def int_or(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def style_chain(style):
    """The style and the styles it is based on (bounded: a cycle must not hang us)."""
    for _ in range(12):
        if style is None:
            return
        yield style
        style = style.base_style
