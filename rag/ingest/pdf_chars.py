"""PDF characters -> printed lines, by position (pdfplumber/pdfminer chars).

Text is rebuilt from where each glyph is drawn, not from the order the
content stream happens to use: stream order puts a page number in the
middle of a sentence ("gồm 1.870 21 dịch vụ"), the letterhead after the body,
and pypdf's stream-order extraction breaks words at every diacritic on some
files ("Kính g ử i"). A line is the set of glyphs that overlap vertically;
glyphs are read left to right and a space is put where the gap between two
glyphs is a word space; a gap of several em splits the line into separate
segments (the two columns of a letterhead are two lines, not one).

Signed PDFs stamp the document number and date in a signature widget's
appearance stream, which no page-content extractor sees; ``widget_chars``
renders those streams with pdfminer and returns their glyphs at the
widget's place on the page, so "Số: 4580/UBND-TH" reads whole.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

WORD_GAP = 0.2  # format: a gap wider than this share of the font size is a word space
SEGMENT_GAP = 2.0  # format: a gap this many font sizes wide separates two columns
WIDGET_GAP = 0.05  # a stamped number next to printed text: spaced past this gap
STAMP_GLUE = "/-–)(.,"  # a stamp is glued to these ("4580/UBND-TH")
LINE_OVERLAP = 0.5  # a glyph overlapping a line by this share of its height is on it
MIN_SIZE = 2.0  # glyphs printed smaller than this are invisible padding (some spaces)


@dataclass
class Piece:
    text: str
    size: float = 0.0  # printed font size; 0 when unknown
    x: float | None = None  # where the piece starts on the page, in points
    y: float | None = None  # its baseline-ish bottom, PDF y (grows upwards)


@dataclass
class Line:
    """One printed line as pieces, and whether a paragraph ends with it."""

    pieces: list[Piece] = field(default_factory=list)
    para_end: bool = False
    top: float | None = None  # distance from the page top, in points
    page_height: float = 0.0

    def size(self) -> float:
        """The size most of the line's characters are printed in."""
        sizes: dict[float, int] = {}
        for piece in self.pieces:
            key = round(piece.size, 1)
            sizes[key] = sizes.get(key, 0) + len(piece.text.strip())
        sizes.pop(0.0, None)
        return max(sizes, key=sizes.get) if sizes else 0.0

    def plain(self) -> str:
        return " ".join("".join(p.text for p in self.pieces).split())

    @property
    def x(self) -> float | None:
        """Where the line starts: an indent shows here."""
        return self.pieces[0].x if self.pieces else None

    @property
    def y(self) -> float | None:
        """The line's baseline, from a piece in its main size (a superscript sits higher)."""
        size = self.size()
        return next((p.y for p in self.pieces if p.y is not None and p.size >= 0.8 * size),
                    None)


def _visible(ch: dict) -> bool:
    text = ch.get("text") or ""
    if not text or not ch.get("upright", True):
        return False
    return text.strip() != "" or ch.get("size", 0) >= MIN_SIZE


def _rows(chars: list[dict]) -> list[list[dict]]:
    """Glyphs grouped into printed lines by vertical overlap, top to bottom."""
    rows: list[list] = []  # [top, bottom, chars]
    for ch in sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2):
        height = max(ch["bottom"] - ch["top"], 0.1)
        for row in reversed(rows[-4:]):
            overlap = min(row[1], ch["bottom"]) - max(row[0], ch["top"])
            if overlap >= LINE_OVERLAP * min(height, row[1] - row[0]):
                row[0], row[1] = min(row[0], ch["top"]), max(row[1], ch["bottom"])
                row[2].append(ch)
                break
        else:
            rows.append([ch["top"], ch["bottom"], [ch]])
    rows.sort(key=lambda r: r[0])
    return [r[2] for r in rows]


def _x_key(ch: dict) -> float:
    """Reading position: a combining mark (decomposed Vietnamese) sorts by its centre, so it
    stays after the letter it sits on."""
    if unicodedata.combining((ch["text"] or " ")[0]):
        return (ch["x0"] + ch["x1"]) / 2
    return ch["x0"]


def _segments(row: list[dict]) -> list[list[dict]]:
    """A row's glyphs left to right, cut where a column gap opens."""
    row = sorted(row, key=_x_key)
    out: list[list[dict]] = [[]]
    prev = None
    for ch in row:
        size = max(ch.get("size", 0.0), prev.get("size", 0.0) if prev else 0.0, 1.0)
        if prev is not None and ch["x0"] - prev["x1"] > SEGMENT_GAP * size and out[-1]:
            out.append([])
        out[-1].append(ch)
        if ch["text"].strip():
            prev = ch
    return [s for s in out if any(c["text"].strip() for c in s)]


def _spaced(prev: dict, ch: dict) -> bool:
    """Whether a word space stands between two glyphs. A stamp's glyphs are spread to fill
    its box (one token); next to printed text a stamp is glued to "/" or "-" ("4580/UBND")
    and spaced from letters ("ngày 07 tháng")."""
    size = max(ch.get("size", 0.0), prev.get("size", 0.0))
    gap = ch["x0"] - prev["x1"]
    if ch.get("widget") and prev.get("widget"):
        return False
    if ch.get("widget") or prev.get("widget"):
        if ch["text"][0] in STAMP_GLUE or prev["text"][-1] in STAMP_GLUE:
            return False
        return gap > WIDGET_GAP * size
    return gap > WORD_GAP * size


def _pieces(segment: list[dict]) -> list[Piece]:
    """Runs of glyphs of one size and baseline; a space wherever a word gap opens."""
    pieces: list[Piece] = []
    prev = None
    for ch in segment:
        text = ch["text"]
        size = round(ch.get("size", 0.0), 1)
        if prev is not None and text.strip() and prev["text"].strip() and _spaced(prev, ch):
            text = " " + text
        same = (pieces and abs(pieces[-1].size - size) < 0.05
                and abs((pieces[-1].y or 0) - ch["y0"]) < 0.2 * max(size, 1.0))
        if same:
            pieces[-1].text += text
        else:
            pieces.append(Piece(text, size, ch["x0"], ch["y0"]))
        prev = ch
    for piece in pieces:
        piece.text = unicodedata.normalize("NFC", piece.text)
    return pieces


def page_lines(chars: list[dict], page_height: float) -> list[Line]:
    """The page's printed lines, top to bottom (columns of one row left to right)."""
    lines = []
    for row in _rows([c for c in chars if _visible(c)]):
        for segment in _segments(row):
            line = Line(_pieces(segment), top=min(c["top"] for c in segment),
                        page_height=page_height)
            if line.plain():
                lines.append(line)
    return lines


# ---------------------------------------------------------------- signature widgets


def widget_chars(page) -> list[dict]:
    """Glyphs drawn by the page's widget annotations (signature stamps), placed on the page.

    Rendering an appearance stream can fail on odd files; a widget that cannot be read
    adds nothing rather than stopping the whole document.
    """
    try:
        from pdfminer.pdftypes import resolve1

        annots = resolve1(page.page_obj.annots) or []
    except Exception:  # noqa: BLE001 - a damaged annotation list: no widget text
        return []
    out: list[dict] = []
    for annot in annots:
        try:
            out += _widget_glyphs(resolve1(annot), page.height)
        except Exception:  # noqa: BLE001 - see above
            continue
    return out


def _under(ch: dict, w: dict, x0: float, x1: float) -> bool:
    """The glyph ``ch`` has its middle inside [x0, x1] and shares a line with ``w``."""
    mid = (ch["x0"] + ch["x1"]) / 2
    return x0 <= mid <= x1 and w["top"] < ch["bottom"] and ch["top"] < w["bottom"]


def with_widgets(chars: list[dict], widgets: list[dict]) -> list[dict]:
    """Page glyphs plus stamped ones; the blank placeholder spaces a stamp covers are dropped
    (they would split "4580" into "4 5 8 0"). A stamp drawn over printed text is left out:
    its glyphs would interleave with the text's ("ngày 0n7hận được")."""
    if not widgets:
        return chars
    printed = [c for c in chars if c["text"].strip()]
    hits: dict[tuple, list[bool]] = {}
    for w in widgets:
        if w["text"].strip():
            hits.setdefault(w["box"], []).append(
                any(_under(c, w, w["x0"], w["x1"]) for c in printed))
    # most of a stamp's glyphs on printed ones: drawn over text (a stamp filling a blank
    # may touch the text after it with one glyph: "4580" and the "/" of "/UBND-TH")
    over = {box for box, h in hits.items() if sum(h) > len(h) / 2}
    kept = [w for w in widgets if w["box"] not in over]
    return [c for c in chars if c["text"].strip()
            or not any(_under(c, w, *w["box"]) for w in widgets)] + kept


def _widget_glyphs(annot, page_height: float) -> list[dict]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdftypes import PDFStream, resolve1
    from pdfminer.psparser import LIT

    if not isinstance(annot, dict) or resolve1(annot.get("Subtype")) != LIT("Widget"):
        return []
    appearance = resolve1(resolve1(annot.get("AP") or {}).get("N"))
    if not isinstance(appearance, PDFStream):
        return []
    rect = [float(resolve1(v)) for v in resolve1(annot["Rect"])]
    bbox = [float(resolve1(v)) for v in resolve1(appearance.attrs.get("BBox", [0, 0, 0, 0]))]
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager)
    interpreter = PDFPageInterpreter(manager, device)
    device.begin_page(_FormPage(bbox), (1, 0, 0, 1, 0, 0))
    interpreter.init_resources({"XObject": {"AP": appearance}})
    interpreter.init_state((1, 0, 0, 1, min(rect[0], rect[2]) - bbox[0],
                            min(rect[1], rect[3]) - bbox[1]))
    interpreter.do_Do(LIT("AP"))
    device.end_page(_FormPage(bbox))
    box = (min(rect[0], rect[2]), max(rect[0], rect[2]))
    return [{**_glyph(ch, page_height), "box": box} for ch in _layout_chars(device.get_result())]


class _FormPage:
    """The few page attributes pdfminer's aggregator reads, for rendering one form."""

    def __init__(self, bbox: list[float]) -> None:
        self.pageid, self.attrs, self.rotate = 0, {}, 0
        self.mediabox = self.cropbox = bbox


def _layout_chars(item) -> list:
    from pdfminer.layout import LTChar

    if isinstance(item, LTChar):
        return [item]
    if hasattr(item, "__iter__"):
        return [ch for child in item for ch in _layout_chars(child)]
    return []


def _glyph(ch, page_height: float) -> dict:
    return {"text": ch.get_text(), "size": float(ch.size), "x0": float(ch.x0),
            "x1": float(ch.x1), "top": page_height - float(ch.y1),
            "bottom": page_height - float(ch.y0), "y0": float(ch.y0), "upright": True,
            "widget": True}
