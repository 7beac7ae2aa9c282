"""The library's front door: what the CLI, the app and the evaluation call.

Holds the defaults (bundled sample corpus, default embedder, analyzer
settings) in one place so every front end agrees.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rag.config import AnalyzerConfig, RetrievalConfig
from rag.embed import DEFAULT_EMBEDDER, DeferredEmbedder, Embedder, get_embedder
from rag.errors import BaocaoError
from rag.index.store import IndexStore
from rag.records import Answer, DocInfo, Period, SearchResult

# The stages below are imported where they are used, so a command that only lists
# or removes reports never loads the chunker (langchain), scipy, FAISS or a model.
if TYPE_CHECKING:
    from rag.index import BuildReport, Index, Progress
    from rag.query import Retriever

DEFAULT_ANALYZER = AnalyzerConfig(bigrams=True)  # eval/RESULTS.md: analyzer comparison
_EMBEDDERS: dict[str, Embedder] = {}
_LOCK = threading.Lock()

__all__ = ["DEFAULT_ANALYZER", "SAMPLE_CORPUS", "Engine", "add", "build",  # noqa: F822
           "embedder", "list_documents", "list_report_files", "remove"]  # noqa: F822


def embedder(name: str | None = None) -> Embedder:
    """One shared instance per embedder name (the model is large)."""
    name = name or DEFAULT_EMBEDDER
    with _LOCK:
        if name not in _EMBEDDERS:
            _EMBEDDERS[name] = get_embedder(name)
        return _EMBEDDERS[name]


def __getattr__(name: str):
    """``SAMPLE_CORPUS`` and ``list_report_files``, re-exported on first use."""
    if name in ("SAMPLE_CORPUS", "list_report_files"):
        import rag.index

        return getattr(rag.index, name)
    raise AttributeError(f"module 'rag.service' has no attribute {name!r}")


def _root(index_dir) -> Path:
    from rag.index.load import default_index_dir

    return Path(index_dir) if index_dir else default_index_dir()


def _index_embedder(root: Path) -> str:
    """The embedder the live index was built with (the default for a new index)."""
    try:
        return IndexStore(root).manifest().embedder.name
    except (BaocaoError, OSError, ValueError, KeyError):
        return DEFAULT_EMBEDDER  # no index yet, or unreadable: the write itself will say so


def build(folder: Path | None = None, index_dir=None, embedder_name: str | None = None,
          progress: Progress | None = None, force: bool = False) -> BuildReport:
    """Index every report of ``folder`` (default: the bundled sample corpus), dropping others.
    ``force`` replaces an index that cannot be read instead of stopping."""
    from rag.index import SAMPLE_CORPUS, list_report_files, update_index

    root = _root(index_dir)
    files = list_report_files(folder or SAMPLE_CORPUS)
    emb = embedder(embedder_name or _index_embedder(root))
    return update_index(files, emb, DEFAULT_ANALYZER, root, replace_all=True,
                        progress=progress, force=force)


def add(files: list[Path], index_dir=None, embedder_name: str | None = None,
        progress: Progress | None = None) -> BuildReport:
    from rag.index import update_index

    root = _root(index_dir)
    emb = embedder(embedder_name or _index_embedder(root))
    return update_index(files, emb, DEFAULT_ANALYZER, root, progress=progress)


def remove(doc_ids: list[str], index_dir=None) -> BuildReport:
    from rag.index import update_index

    root = _root(index_dir)
    return update_index([], _deferred_embedder(root), DEFAULT_ANALYZER, root, remove=doc_ids)


def _deferred_embedder(root: Path) -> Embedder:
    """The index's embedder, loaded only if a kept report must be re-parsed."""
    try:
        info = IndexStore(root).manifest().embedder
    except (BaocaoError, OSError, ValueError, KeyError):
        return embedder(_index_embedder(root))  # the write itself will say what is wrong
    return DeferredEmbedder(info.name, info.dim, lambda: embedder(info.name))


def list_documents(index_dir=None) -> list[DocInfo]:
    return list(IndexStore(_root(index_dir)).manifest().documents)


@dataclass
class Engine:
    """A loaded index with its embedder and retriever; reload() picks up new versions."""

    root: Path
    index: Index
    retriever: Retriever

    @classmethod
    def open(cls, index_dir=None, config: RetrievalConfig = RetrievalConfig()) -> Engine:
        from rag.index import load_index
        from rag.query import Retriever

        root = _root(index_dir)
        index = load_index(root)
        emb = embedder(index.embedder_name)
        return cls(root, index, Retriever(index, emb, config))

    def reload(self) -> None:
        from rag.index import load_index
        from rag.query import Retriever

        index = load_index(self.root)
        self.index = index
        self.retriever = Retriever(index, self.retriever.embedder, self.retriever.config)

    def search(self, query: str, k: int = 10, doc_ids=None, period=None,
               mode: str | None = None) -> SearchResult:
        return self.retriever.search(query, k=k, doc_ids=doc_ids, period=period, mode=mode)

    def ask(self, question: str, k: int = 10, doc_ids=None, period=None) -> Answer:
        from rag.answer import compose
        from rag.observe.across import answer_across_periods

        result = self.search(question, k=k, doc_ids=doc_ids, period=period)
        across = answer_across_periods(question, self.index, result, doc_ids, period,
                                       self.places)
        return across or compose(question, result, self.places, available=self.periods)

    @property
    def periods(self) -> tuple[Period, ...]:
        """The periods the indexed reports cover (results parts), for "kỳ gần nhất"."""
        found = {p for d in self.index.docs.values() for p in d.periods}
        return tuple(sorted(found, key=lambda p: (p.year or 0, p.start_month, p.end_month,
                                                  p.kind)))

    @property
    def places(self) -> set[str]:
        """Every province some indexed text names (a question about another one abstains)."""
        docs = self.index.docs.values()
        return {p for d in docs for p in (d.places or (d.province,)) if p}
