"""Index stage: a hybrid (FAISS + BM25) index on disk, written in versions, loaded whole.

``store`` keeps the versions and the pointer to the live one, ``build`` writes a
new version from report files, ``load`` reads the live one; ``history`` logs who
changed what and rolls back, ``ids`` gives report ids, ``plan`` says what a write
would change before it is made; ``dense`` (FAISS), ``bm25`` (sparse matrix) and
``analyzer`` (Vietnamese tokens) are its parts.
"""

from rag.index.build import BuildReport, Progress, list_report_files, parser_version, update_index
from rag.index.load import SAMPLE_CORPUS, Index, default_index_dir, load_index
from rag.index.store import FORMAT_VERSION, IndexStore

__all__ = ["FORMAT_VERSION", "SAMPLE_CORPUS", "BuildReport", "Index", "IndexStore", "Progress",
           "default_index_dir", "list_report_files", "load_index", "parser_version",
           "update_index"]
