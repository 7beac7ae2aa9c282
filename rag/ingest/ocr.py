"""OCR for PDF pages without a text layer: poppler renders, tesseract (``-l vie``) reads.

Settings are measured (eval/BENCHMARKS.md, "Tables and OCR"): 200 dpi (the
scans provinces publish are natively 200 ppi; 300 dpi read no better and took
longer), page segmentation mode 4 (best character accuracy on running text),
``OMP_THREAD_LIMIT=1`` per tesseract process (4-5x faster per page than its
own threading on 2 cores) and 2 pages at a time. Pages are rendered to plain
grey PGM, not PNG: compressing a PNG cost pdftoppm as much CPU as tesseract's
reading of the page (1.0 of 2.4 CPU-s); tesseract is told the resolution a PGM
does not carry, and then reads exactly the same words as from the PNG. Each page's result is cached
under the user cache folder, keyed by the hash of the page image and the
settings, and written atomically, so a rebuild never reads a page twice.

The words come back as text lines in the PDF reader's conventions (two
trailing spaces at a paragraph end, a long blank line before the footnote
area, ``<sup>N</sup>``), so the same layout and structure stages read them.
A page OCR cannot read well (mean word confidence, share of unsure words,
share of the ink inside recognised words; thresholds measured on degraded
copies of a real scan) is reported and left out rather than indexed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import statistics
import subprocess
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rag.fsutil import atomic_write_text
from rag.ingest.ocr_layout import Word, layout_lines, restore_marks

DPI = 200  # measured: the scans are 200 ppi; 300 dpi gained nothing and is slower
PSM = 4  # measured: best character accuracy on running text (psm 6: same text, slower)
LANG = "vie"
WORKERS = 2  # one tesseract per core on the 2-core target machine
# measured page-quality gates (degraded copies of a scan, eval/BENCHMARKS.md)
POOR_CONF, POOR_LOW_WORDS, POOR_COVERAGE = 80.0, 0.10, 0.75
LOW_WORD_CONF = 40.0  # a word below this confidence is an unsure word
MIN_WORDS = 5
CACHE_VERSION = "ocr-v1"

OcrProgress = Callable[[int, int, int], None]  # (page, pages done, pages to read)


@dataclass
class PageOcr:
    page: int  # 1-based
    text: str  # the page's lines in the PDF reader's conventions (no \f)
    mean_conf: float
    low_words: float
    coverage: float
    n_words: int
    cached: bool = False

    @property
    def poor(self) -> bool:
        return (self.n_words < MIN_WORDS or self.mean_conf < POOR_CONF
                or self.low_words > POOR_LOW_WORDS or self.coverage < POOR_COVERAGE)


@dataclass
class OcrResult:
    texts: dict[int, str] = field(default_factory=dict)  # page -> text (poor pages: "")
    pages: tuple[int, ...] = ()
    poor: tuple[int, ...] = ()


def ocr_available() -> bool:
    """tesseract with Vietnamese data, and poppler's pdftoppm."""
    if not (shutil.which("tesseract") and shutil.which("pdftoppm")):
        return False
    return LANG in _languages()


def _languages() -> set[str]:
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {ln.strip() for ln in out.splitlines()[1:]}


def cache_dir() -> Path:
    """``$BAOCAO_CACHE_DIR``/ocr or the user cache folder (the rule of rag.embed.e5cache)."""
    env = os.environ.get("BAOCAO_CACHE_DIR")
    if env:
        return Path(env).expanduser() / "ocr"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("baocao")) / "ocr"


def render_page(path: Path, page: int, dpi: int = DPI) -> bytes:
    """A grey PGM image of one page (poppler's pdftoppm; uncompressed: see above)."""
    out = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-gray",
                          "-singlefile", str(path)], capture_output=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.decode(errors="replace")[:200])
    return out.stdout


def _tesseract(image: bytes) -> str:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    out = subprocess.run(["tesseract", "stdin", "stdout", "-l", LANG, "--psm", str(PSM),
                          "--dpi", str(DPI), "-c", "preserve_interword_spaces=1", "tsv"],
                         input=image, capture_output=True, env=env, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.decode(errors="replace")[:200])
    return out.stdout.decode("utf-8", errors="replace")


def parse_tsv(tsv: str) -> list[Word]:
    words = []
    for r in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if r.get("level") != "5":
            continue
        text = unicodedata.normalize("NFC", r.get("text") or "").strip()
        conf = float(r.get("conf") or -1)
        if text and conf >= 0:
            words.append(Word(text, conf, int(r["left"]), int(r["top"]), int(r["width"]),
                              int(r["height"]), (int(r["block_num"]), int(r["par_num"]),
                                                 int(r["line_num"]))))
    return words


def ink_coverage(image: bytes, words: list[Word], pad: int = 3) -> float:
    """Share of dark pixels inside recognised word boxes: catches a region tesseract dropped
    silently (a dark fold shadow: the words it read are confident, the rest is missing)."""
    from PIL import Image, ImageDraw

    mask = Image.open(io.BytesIO(image)).convert("L").point(lambda v: 255 if v < 128 else 0)
    total = mask.histogram()[255]
    if not total:
        return 1.0
    draw = ImageDraw.Draw(mask)
    for wd in words:
        draw.rectangle([wd.left - pad, wd.top - pad, wd.left + wd.width + pad,
                        wd.top + wd.height + pad], fill=0)
    return round(1 - mask.histogram()[255] / total, 3)


def _key(image: bytes) -> str:
    h = hashlib.sha256(f"{CACHE_VERSION}|{DPI}|{LANG}|{PSM}|{_version()}|".encode())
    h.update(image)
    return h.hexdigest()


_VERSION: list[str] = []


def _version() -> str:
    if not _VERSION:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
        _VERSION.append((out.stdout or out.stderr).split("\n")[0].strip())
    return _VERSION[0]


def _cached(folder: Path, key: str) -> PageOcr | None:
    try:
        data = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        return PageOcr(**{**data, "cached": True})
    except (OSError, ValueError, TypeError):
        return None


def ocr_page(path: Path, page: int, folder: Path | None) -> PageOcr:
    """One page, from the cache when this image was read before with these settings."""
    image = render_page(path, page)
    key = _key(image)
    if folder is not None and (hit := _cached(folder, key)) is not None:
        return PageOcr(**{**asdict(hit), "page": page})
    words = parse_tsv(_tesseract(image))
    confs = [wd.conf for wd in words]
    result = PageOcr(page, "\n".join(layout_lines(words, page)),
                     round(statistics.mean(confs), 1) if confs else 0.0,
                     round(sum(c < LOW_WORD_CONF for c in confs) / len(confs), 3) if confs
                     else 1.0, ink_coverage(image, words), len(words))
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(folder / f"{key}.json",
                          json.dumps({**asdict(result), "cached": False}, ensure_ascii=False))
    return result


def ocr_pages(path: Path, pages: list[int], on_page: OcrProgress | None = None,
              folder: Path | None = None) -> OcrResult:
    """OCR ``pages`` (1-based), 2 at a time; ``on_page`` hears of each finished page."""
    folder = folder if folder is not None else cache_dir()
    done: dict[int, PageOcr] = {}
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for result in pool.map(lambda p: ocr_page(path, p, folder), pages):
            done[result.page] = result
            if on_page is not None:
                on_page(result.page, len(done), len(pages))
    texts, next_no = {}, 1
    for p in pages:
        text = "" if done[p].poor else done[p].text
        texts[p], next_no = restore_marks(text, next_no)
    poor = tuple(p for p in pages if done[p].poor)
    return OcrResult(texts, tuple(pages), poor)


OCR_STAGE = ": OCR"  # suffix of the progress label while a file's pages are OCR'd


def ocr_progress(progress, doc_id: str) -> OcrProgress | None:
    """OCR page progress through a build's ``progress(label, done, total)`` callback; the
    label is ``doc_id + OCR_STAGE`` so a front end can say "pages" instead of "chunks"."""
    if progress is None:
        return None
    return lambda page, done, total: progress(doc_id + OCR_STAGE, done, total)


def poor_pages_warning(name: str, pages: tuple[int, ...]):
    from rag.errors import BaocaoError

    return BaocaoError("pdf.ocr_poor_pages", name=name, pages=", ".join(map(str, pages)))
