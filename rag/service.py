"""The library's front door: what the CLI, the app and the evaluation call.

Holds the defaults (bundled sample corpus, default embedder, analyzer
settings) and the limits every front end shares, so they all agree. Writes
(``build``, ``add``, ``remove``, ``rollback``) log who made them in the
index's ``changes.jsonl``; whether a caller may write at all is the front
end's decision (the app is read-only without an admin token).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rag.config import AnalyzerConfig, LimitsConfig, RetrievalConfig
from rag.embed import DEFAULT_EMBEDDER, DeferredEmbedder, Embedder, get_embedder
from rag.errors import BaocaoError, IndexStoreError, InputError
from rag.index.store import IndexStore
from rag.records import Answer, DocInfo, Period, Question, SearchResult

# The stages below are imported where they are used, so a command that only lists
# or removes reports never loads the chunker (langchain), scipy, FAISS or a model.
if TYPE_CHECKING:
    from rag.index import BuildReport, Index, Progress
    from rag.index.build import Replace
    from rag.index.history import Rollback
    from rag.index.plan import PlannedFile
    from rag.query import Retriever

DEFAULT_ANALYZER = AnalyzerConfig(bigrams=True)  # eval/RESULTS.md: analyzer comparison
LIMITS = LimitsConfig()
_EMBEDDERS: dict[str, Embedder] = {}
_LOCK = threading.Lock()

__all__ = ["DEFAULT_ANALYZER", "LIMITS", "SAMPLE_CORPUS", "Engine", "add",  # noqa: F822
           "build", "check_question", "embedder", "list_documents", "read_question",
           "list_report_files", "preview", "remove", "rollback"]  # noqa: F822


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
    """The embedder the live index was built with (the default for a new index). A damaged
    index stops here, before the model is loaded for a write that would be refused."""
    store = IndexStore(root)
    if not store.exists():
        return DEFAULT_EMBEDDER
    folder = store.live_folder()
    manifest = store.manifest(folder)
    store.verify(folder, manifest)
    return manifest.embedder.name


def build(folder: Path | None = None, index_dir=None, embedder_name: str | None = None,
          progress: Progress | None = None, force: bool = False,
          who: str | None = None, read=None) -> BuildReport:
    """Index every report of ``folder`` (default: the bundled sample corpus), dropping others.
    ``force`` replaces an index that cannot be read instead of stopping; ``read`` reads
    each report elsewhere (``rag.cluster.index.ClusterReader``)."""
    from rag.index import SAMPLE_CORPUS, list_report_files, update_index

    root = _root(index_dir)
    files = list_report_files(folder or SAMPLE_CORPUS)
    name = embedder_name or (DEFAULT_EMBEDDER if force else _index_embedder(root))
    return update_index(files, embedder(name), DEFAULT_ANALYZER, root, replace_all=True,
                        progress=progress, force=force, who=who, read=read)


def add(files: list[Path], index_dir=None, embedder_name: str | None = None,
        progress: Progress | None = None, replace: Replace = True,
        who: str | None = None, read=None) -> BuildReport:
    """Add reports; ``replace`` says which indexed reports they may replace (all, none, or
    {doc_id: content hash shown to the user})."""
    from rag.index import update_index

    root = _root(index_dir)
    emb = embedder(embedder_name or _index_embedder(root))
    return update_index(files, emb, DEFAULT_ANALYZER, root, progress=progress,
                        replace=replace, who=who, read=read)


def remove(doc_ids: list[str], index_dir=None, who: str | None = None) -> BuildReport:
    from rag.index import update_index

    root = _root(index_dir)
    if not IndexStore(root).exists():  # nothing to remove from (and no folder is made)
        raise IndexStoreError("index.missing", root=str(root))
    return update_index([], _deferred_embedder(root), DEFAULT_ANALYZER, root,
                        remove=doc_ids, who=who)


def _deferred_embedder(root: Path) -> Embedder:
    """The index's embedder, loaded only if a kept report must be re-parsed."""
    try:
        info = IndexStore(root).manifest().embedder
    except (BaocaoError, OSError, ValueError, KeyError):
        return embedder(_index_embedder(root))  # the write itself will say what is wrong
    return DeferredEmbedder(info.name, info.dim, lambda: embedder(info.name))


def rollback(index_dir=None, who: str | None = None) -> Rollback:
    """Make the previous loadable version live again (``baocao index rollback``)."""
    from rag.index.history import rollback as _rollback

    return _rollback(_root(index_dir), who)


def preview(files: list[Path], index: Index | None, progress=None) -> list[PlannedFile]:
    """What ``add`` would do with ``files`` (parsed, nothing written): for confirmations;
    ``progress`` as in ``plan_add``."""
    from rag.index.plan import plan_add

    return plan_add(files, index, progress)


def list_documents(index_dir=None) -> list[DocInfo]:
    store = IndexStore(_root(index_dir))
    folder = store.live_folder()
    manifest = store.manifest(folder)
    store.verify(folder, manifest)
    return list(manifest.documents)


def check_question(question: str | None) -> str:
    """The question stripped; empty or over-long ones are a user error, never a search."""
    text = (question or "").strip()
    if not text:
        raise InputError("query.empty")
    if len(text) > LIMITS.max_question_chars:
        raise InputError("query.too_long", n=len(text), limit=LIMITS.max_question_chars)
    return text


def read_question(text: str | None, period: str | None = None) -> Question:
    """The question record (``rag.query.question.read``) of a checked question. A period
    filter that names no period ("tháng 13/2024") is a user error, never silently ignored;
    an over-long filter is cut in the message."""
    from rag.query.question import asked_periods, read

    text = check_question(text)
    if period and not asked_periods(period):
        shown = period if len(period) <= 60 else period[:57] + "…"
        raise InputError("query.bad_period", period=shown)
    impossible = _IMPOSSIBLE.search(text)
    if impossible:  # "tháng 13/2024" would be dropped and another period answered
        raise InputError("query.impossible_period", period=impossible.group(0))
    return read(text, period)


# a month or quarter number no calendar has ("tháng 13/2024", "quý V")
_IMPOSSIBLE = re.compile(r"(?<!\w)(?:tháng|thang)\s+(?:0+|1[3-9]|[2-9]\d)(?:\s*/\s*\d{4})?(?!\w)"
                         r"|(?<!\w)(?:quý|quy)\s+(?:[5-9]|v|vi{1,3})(?:\s*/\s*\d{4})?(?!\w)",
                         re.IGNORECASE)


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
        from rag.batching import QueryBatcher

        emb = QueryBatcher(embedder(index.embedder_name))  # concurrent searches share passes
        return cls(root, index, Retriever(index, emb, config))

    def reload(self) -> None:
        from rag.index import load_index
        from rag.query import Retriever

        index = load_index(self.root)
        retriever = Retriever(index, self.retriever.embedder, self.retriever.config)
        self.index, self.retriever = index, retriever

    def live_version(self) -> str | None:
        """The version ``CURRENT`` names now (None if it cannot be read): cheap, so a
        server can poll it and reload when another process published."""
        try:
            return (self.root / "CURRENT").read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def search(self, query: str, k: int = 10, doc_ids=None, period=None,
               mode: str | None = None) -> SearchResult:
        """The question's own period wins over the ``period`` filter (the result says
        which filter it overrode in ``period_overridden``)."""
        return self.retrieve(read_question(query, period), k, doc_ids, mode)

    def retrieve(self, q: Question, k: int = 10, doc_ids=None,
                 mode: str | None = None) -> SearchResult:
        """``search`` for a question already read."""
        return self.retriever.search(q, k=k, doc_ids=doc_ids, mode=mode)

    def ask(self, question: str, k: int = 10, doc_ids=None, period=None) -> Answer:
        """A cited answer; with a report filter that excludes the answer, an abstention that
        says "trong báo cáo đã chọn" and names the reports that have it."""
        q = read_question(question, period)
        answer = self._compose(q, self.retrieve(q, k, doc_ids), doc_ids)
        if doc_ids and answer.abstained and answer.reason != "place_not_covered":
            return self._outside_filter(q, answer, k) or answer
        return answer

    def _compose(self, q: Question, result: SearchResult, doc_ids) -> Answer:
        from rag.answer import compose
        from rag.answer.across import answer_across_periods
        from rag.answer.statements import statements_of

        def composed() -> Answer:
            return compose(q, result, self.places, available=self.periods,
                           statements=statements_of(self.index))

        if q.extreme is not None:  # "địa phương nào … nhiều nhất": a table's top row
            from rag.answer.rows import extreme_row

            found = extreme_row(q, self.index, result)
            if found is not None:
                return found
        if q.compared_to is not None:  # "năm 2015 so với năm 2014": a stated ratio first;
            first = composed()  # without one, both periods side by side
            if not first.abstained:
                return first
        return answer_across_periods(q, self.index, result, doc_ids) or composed()

    def _outside_filter(self, q: Question, filtered: Answer, k: int) -> Answer | None:
        """The same question over every report; if that answers, say where."""
        wider = self._compose(q, self.retrieve(q, k), None)
        if wider.abstained:
            return None
        docs = self.index.docs
        found = tuple(docs[d] for d in dict.fromkeys(c.doc_id for c in wider.citations)
                      if d in docs)
        asked = filtered.result.periods
        what = f"số liệu {asked[0].label}" if asked else "câu trả lời"
        names = "; ".join(f"«{d.title}» ({d.period_label or 'không rõ kỳ'})" for d in found)
        text = (f"Không tìm thấy {what} trong báo cáo đã chọn. Báo cáo có số liệu này: "
                f"{names}.")
        result = replace(filtered.result, elsewhere=found)
        return Answer(filtered.question, text, True, "not_in_selected", (), result)

    @property
    def periods(self) -> tuple[Period, ...]:
        """The periods the indexed reports cover (results parts), for "kỳ gần nhất"."""
        found = {p for d in self.index.docs.values() for p in d.periods}
        return tuple(sorted(found, key=lambda p: (p.year or 0, p.start_month, p.end_month,
                                                  p.kind)))

    @property
    def places(self) -> set[str]:
        """Every province some indexed text names (a question about another one abstains);
        the communes and districts a report also records are not among them."""
        from rag.places import is_province

        docs = self.index.docs.values()
        return {p for d in docs for p in (d.places or (d.province,)) if p and is_province(p)}
