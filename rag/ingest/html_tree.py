"""Saved web pages -> a small element tree, with the page chrome cut away.

Portal news pages wrap one article in menus, breadcrumbs, share buttons,
related-links lists and footers, and carry scripts. Nothing here executes or
keeps markup: the standard library's ``html.parser`` tokenizes, this module
builds a forgiving tree (unclosed ``<p>``/``<li>``/``<td>`` closed the way
browsers do, nesting capped so a hostile page cannot exhaust the stack),
removes what is never article text, and picks the element that holds the
article (``rag.ingest.html`` renders it).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

from rag.errors import InputError

MAX_DEPTH = 200  # format: real pages nest < 60 deep; deeper elements are flattened into
# their ancestor (text kept, structure lost) so a hostile page cannot exhaust the stack
VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr"
})
# never article text: code, embedded objects, forms, site navigation and sidebars
DROP = frozenset({
    "script", "style", "noscript", "iframe", "svg", "math", "form", "nav", "aside", "template",
    "object", "canvas", "button", "select", "textarea", "footer", "head", "title", "frame",
    "frameset"
})
_CLOSES_P = frozenset({
    "p", "div", "ul", "ol", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "section", "article", "figure", "pre", "dl", "header", "footer", "nav", "aside", "form",
    "hr", "main"
})
# class/id words of page chrome (VN portals: "tin-lien-quan", "quang-cao")
_CHROME_WORDS = frozenset({
    "menu", "navbar", "nav", "breadcrumb", "breadcrumbs", "sidebar", "share", "social",
    "comment", "comments", "related", "lienquan", "banner", "advert", "ads", "quangcao", "tags",
    "toolbar", "pagination", "logo"
})
_CHROME_JOINED = re.compile(r"lien[-_]?quan|quang[-_]?cao|tin[-_]?khac|cung[-_]?chuyen[-_]?muc")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
# WHATWG: a page labelled latin-1/ascii is windows-1252; utf-16 without a BOM is utf-8
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
            "us-ascii": "cp1252", "ascii": "cp1252", "utf-16": "utf-8", "utf-16le": "utf-8",
            "utf-16be": "utf-8"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_FOREIGN = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
EXPLICIT_SHARE = 0.5  # no measurement: an <article> holding half the page's text is the article
DENSE_SHARE = 0.6  # no measurement: else the smallest element holding most of the text
CLIMB_SHARE = 0.25  # no measurement: a parent adding this little (lead, byline) is included
LINK_SHARE = 0.5  # a block whose text is mostly link text is a menu or a related-links list


@dataclass(eq=False)
class Node:
    """An element: tag, attributes, children (``Node`` or text), parent."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list = field(default_factory=list)
    parent: Node | None = None

    def iter(self):
        """Elements below (and including) this one, in document order, without recursion."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed([c for c in node.children if isinstance(c, Node)]))

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def inside(self, *tags: str) -> bool:
        node = self.parent
        while node is not None:
            if node.tag in tags:
                return True
            node = node.parent
        return False


class _Builder(HTMLParser):
    """Tokens -> ``Node`` tree; comments, declarations and processing instructions vanish.

    Below ``MAX_DEPTH`` elements are not nested further: their text goes to the deepest
    element kept, unless one of them is chrome (a script, hidden text), whose text is
    dropped as it would be at any depth."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]
        self.overflow: list[tuple[str, bool]] = []  # (tag, dropped) of elements too deep
        self.deep_open: Counter = Counter()  # tags open in ``overflow``: a miss costs nothing
        self.open: Counter = Counter()  # tags open in ``stack``, likewise

    def handle_starttag(self, tag: str, attrs) -> None:
        self._auto_close(tag)
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1])
        if tag in VOID:
            self.stack[-1].children.append(node)
        elif len(self.stack) < MAX_DEPTH:
            self.stack[-1].children.append(node)
            self.stack.append(node)
            self.open[tag] += 1
        else:
            dropped = is_chrome(node) or bool(self.overflow and self.overflow[-1][1])
            self.overflow.append((tag, dropped))
            self.deep_open[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":  # "</br>" is a line break in every browser
            self.handle_starttag("br", [])
            return
        if self.deep_open[tag]:  # the scan ends at a match and drops what it scanned
            i = next(i for i in range(len(self.overflow) - 1, -1, -1)
                     if self.overflow[i][0] == tag)
            self._close_deep(i)
            return
        if self.open[tag]:
            i = next(i for i in range(len(self.stack) - 1, 0, -1) if self.stack[i].tag == tag)
            self._close(i)
            self._close_deep(0)

    def _close(self, start: int) -> None:
        for node in self.stack[start:]:
            self.open[node.tag] -= 1
        del self.stack[start:]

    def _close_deep(self, start: int) -> None:
        for name, _ in self.overflow[start:]:
            self.deep_open[name] -= 1
        del self.overflow[start:]

    def handle_data(self, data: str) -> None:
        if self.overflow and self.overflow[-1][1]:
            return
        # text that spells a footnote tag stays text, never becomes a marker
        self.stack[-1].children.append(data.replace("<sup>", "<sup >"))

    def _auto_close(self, tag: str) -> None:
        """Close what a browser closes implicitly, stopping at the enclosing container."""
        rules = {"li": ("li", ("ul", "ol")), "td": ("td th", ("tr", "table")),
                 "th": ("td th", ("tr", "table")), "tr": ("tr td th", ("table",)),
                 "dt": ("dt dd", ("dl",)), "dd": ("dt dd", ("dl",))}
        closes, stops = rules.get(tag, ("p", ("div", "td", "th", "li", "table", "body")))
        if tag not in rules and tag not in _CLOSES_P:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            name = self.stack[i].tag
            if name in stops:
                return
            if name in closes.split():
                self._close(i)
                return


def decode_html(data: bytes, name: str) -> str:
    """BOM, else the page's ``<meta charset>``/http-equiv, else strict UTF-8; NFC."""
    if data.lstrip()[:8].startswith(_FOREIGN):
        raise InputError("html.not_html", name=name)
    charset = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if charset != "utf-16" and data[:4000].count(b"\x00") > 10:
        raise InputError("file.binary", name=name)
    if charset is None:
        m = _META_CHARSET.search(data[:4096])
        label = m.group(1).decode("ascii", "replace").lower() if m else "utf-8"
        charset = _ALIASES.get(label, label)
    try:
        text = data.decode(charset)
    except LookupError:
        raise InputError("html.charset", name=name, charset=charset) from None
    except UnicodeError as exc:
        raise InputError("html.encoding", name=name, charset=charset,
                         byte=getattr(exc, "start", 0)) from None
    controls = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > 20:
        raise InputError("file.binary", name=name)
    if not re.search(r"<[a-zA-Z!/]", text):
        raise InputError("html.not_html", name=name)
    return unicodedata.normalize("NFC", text)


def parse_tree(text: str, name: str) -> Node:
    builder = _Builder()
    try:
        builder.feed(text)
        builder.close()
    except Exception as exc:  # html.parser is forgiving; this is a last resort
        raise InputError("html.damaged", name=name, why=str(exc)[:80]) from None
    return builder.root


def is_chrome(node: Node) -> bool:
    """Never article text: a dropped tag, hidden, or a class/id naming page chrome."""
    if node.tag in DROP or (node.tag == "header" and not node.inside("article")):
        return True
    attrs = node.attrs
    if "hidden" in attrs or attrs.get("aria-hidden") == "true" or \
            _HIDDEN_STYLE.search(attrs.get("style", "")):
        return True
    names = f"{attrs.get('class', '')} {attrs.get('id', '')}".lower()
    return bool(_CHROME_JOINED.search(names)) or \
        any(w in _CHROME_WORDS for w in re.split(r"[\s_-]+", names))


def prune(root: Node) -> None:
    """Remove chrome, then link lists (menus, related news), from the tree, in place."""
    _remove(root, is_chrome)
    lengths = _lengths(root)
    _remove(root, lambda n: n.tag in _LIST_TAGS and _link_list(lengths[id(n)]))


def _remove(root: Node, drop) -> None:
    """Cut every element ``drop`` accepts; their subtrees are not visited."""
    stack = [root]
    while stack:
        node = stack.pop()
        kids = [c for c in node.children if isinstance(c, str) or not drop(c)]
        node.children = kids
        stack.extend(c for c in kids if isinstance(c, Node))


_LIST_TAGS = frozenset({
    "ul", "ol", "div", "p", "li", "table", "section", "dl"
})


def _link_list(lengths: tuple[int, int]) -> bool:
    total, linked = lengths
    return total > 0 and linked >= LINK_SHARE * total


def _lengths(root: Node) -> dict[int, tuple[int, int]]:
    """(characters of text, characters of link text) in each element's subtree, bottom-up."""
    out: dict[int, tuple[int, int]] = {}
    for node in reversed(list(root.iter())):
        own = sum(len(c.strip()) for c in node.children if isinstance(c, str))
        total = own + sum(out[id(c)][0] for c in node.children if isinstance(c, Node))
        linked = total if node.tag == "a" else \
            sum(out[id(c)][1] for c in node.children if isinstance(c, Node))
        out[id(node)] = (total, linked)
    return out


def text_scores(root: Node) -> dict[int, int]:
    """Characters of text, not counting link text, in each element's subtree."""
    return {k: total - linked for k, (total, linked) in _lengths(root).items()}


def main_content(root: Node) -> Node:
    """The article: ``[itemprop=articleBody]`` or the ``<article>`` holding most of the
    text, else the smallest element holding most of it; then its parent while that adds
    only a lead paragraph or a byline."""
    scores = text_scores(root)
    total = scores[id(root)] or 1
    marked = [n for n in root.iter() if n.attrs.get("itemprop") == "articleBody"
              or n.tag in ("article", "main")]
    best = max(marked, key=lambda n: scores[id(n)], default=None)
    if best is None or scores[id(best)] < EXPLICIT_SHARE * total:
        best = root
        while True:
            kids = [c for c in best.children if isinstance(c, Node)]
            dense = [c for c in kids if scores[id(c)] >= DENSE_SHARE * total]
            if not dense:
                break
            best = dense[0]
    base = scores[id(best)]
    while best.parent is not None and best.parent.tag not in ("#root", "html", "body") and \
            scores[id(best.parent)] <= (1 + CLIMB_SHARE) * base:
        best = best.parent
    return best
