"""``observations.jsonl`` in an index version: written with the version, read once.

One observation per line by the one conversion rule (``Record.to_dict``). Every write
of a version extracts the observations of all its reports again: extraction is cheap
next to embedding (eval/observe_bench.py measures it) and always matches the stored
chunks. An index written before observations existed gets them extracted from its
chunks at load time, so nothing has to be rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from rag.observe.extract import extract_all
from rag.records import Chunk, DocInfo, Observation

FILE = "observations.jsonl"
META = "observations.meta.json"  # the extractor fingerprint the file was written with
_CODE = Path(__file__).resolve().parent
_DATA = _CODE.parent / "data"
_CACHE: OrderedDict[Path, list[Observation]] = OrderedDict()
_CACHE_SIZE = 4  # the live version and the ones a long-running search may still hold
_LOCK = threading.Lock()


def write_observations(folder: Path, chunks: Iterable[Chunk],
                       docs: dict[str, DocInfo]) -> int:
    """Extract and write the observations of a version folder; returns how many."""
    observations = extract_all(chunks, docs)
    with open(Path(folder) / FILE, "w", encoding="utf-8") as fh:
        for o in observations:
            fh.write(json.dumps(o.to_dict(), ensure_ascii=False) + "\n")
    meta = {"extractor": extractor_version(), "count": len(observations)}
    (Path(folder) / META).write_text(json.dumps(meta), encoding="utf-8")
    return len(observations)


def extractor_version() -> str:
    """Hash of the extractor's code and data files: a changed rule re-extracts at load."""
    h = hashlib.sha256()
    paths = sorted(_CODE.glob("*.py")) + [_DATA / "observation_units.tsv",
                                          _DATA / "indicator_synonyms.tsv",
                                          _DATA / "abbreviations.tsv"]
    for path in paths:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def read_observations(folder: Path) -> list[Observation] | None:
    """The stored observations, or None when the version has none or older ones."""
    path, meta = Path(folder) / FILE, Path(folder) / META
    if not path.is_file() or not meta.is_file():
        return None
    if json.loads(meta.read_text(encoding="utf-8")).get("extractor") != extractor_version():
        return None
    with open(path, encoding="utf-8") as fh:
        return [Observation.from_dict(json.loads(line)) for line in fh if line.strip()]


def observations_of(index) -> list[Observation]:
    """The observations of a loaded ``Index`` (read once per version folder)."""
    folder = Path(index.folder)
    with _LOCK:
        if folder in _CACHE:
            _CACHE.move_to_end(folder)
            return _CACHE[folder]
    found = read_observations(folder)
    if found is None:
        found = extract_all(index.chunks, index.docs)
    with _LOCK:
        _CACHE[folder] = found
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return found
