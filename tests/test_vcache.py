"""The per-machine vector cache: the same text is embedded once per model, a broken cache
only costs time, and an index built from cached vectors equals one built without.

The subject is the cache, not the model: a ``hash`` embedder given a fingerprint (the
real ones name their model files) and counting what it is asked to embed.
"""

from __future__ import annotations

import numpy as np
import pytest

from rag import service
from rag.embed import vcache
from rag.embed.fake import HashEmbedder
from rag.index import load_index

TEXTS = ["Thu ngân sách nhà nước tháng 1/2023 đạt 500 tỷ đồng",
         "Giải ngân vốn đầu tư công 5 tháng đạt 816 tỷ đồng", "Kim ngạch XNK quý I"]


class CountingHash(HashEmbedder):
    def __init__(self, fingerprint: str | None = "hash-test/v1") -> None:
        super().__init__("hash")
        self.fingerprint = fingerprint
        self.embedded: list[str] = []

    def encode(self, texts, kind):
        self.embedded += texts
        return super().encode(texts, kind)


@pytest.fixture()
def cache_file(tmp_path, monkeypatch):
    path = tmp_path / "vectors.sqlite"
    monkeypatch.setenv(vcache.ENV, str(path))
    return path


def test_same_text_is_embedded_once_per_model(cache_file):
    emb = CountingHash()
    first, n_first = vcache.embed_passages_cached(emb, TEXTS)
    ticks = []
    again, n_again = vcache.embed_passages_cached(
        emb, [TEXTS[1], "Khách du lịch 9 tháng", TEXTS[0]],
        on_progress=lambda done, total: ticks.append((done, total)))
    assert (n_first, n_again) == (3, 1) and emb.embedded == [*TEXTS, "Khách du lịch 9 tháng"]
    assert np.array_equal(again[0], first[1]) and np.array_equal(again[2], first[0])
    assert ticks == [(2, 3), (3, 3)]  # the two looked up count as done at once
    assert np.array_equal(again[1], HashEmbedder().embed_passages(["Khách du lịch 9 tháng"])[0])
    other = CountingHash("hash-test/v2")  # another model version shares nothing
    assert vcache.embed_passages_cached(other, TEXTS)[1] == 3 and cache_file.is_file()


def test_unfingerprinted_embedder_and_off_switch_never_cache(cache_file, monkeypatch):
    emb = CountingHash(fingerprint=None)
    vcache.embed_passages_cached(emb, TEXTS)
    vcache.embed_passages_cached(emb, TEXTS)
    assert len(emb.embedded) == 6 and not cache_file.exists()
    monkeypatch.setenv(vcache.ENV, "off")
    fingerprinted = CountingHash()
    vcache.embed_passages_cached(fingerprinted, TEXTS)
    vcache.embed_passages_cached(fingerprinted, TEXTS)
    assert len(fingerprinted.embedded) == 6 and not cache_file.exists()


def test_broken_cache_file_is_bypassed(cache_file, caplog):
    cache_file.write_bytes(b"this is not a database" * 100)
    emb = CountingHash()
    vectors, n = vcache.embed_passages_cached(emb, TEXTS)
    assert n == 3 and np.array_equal(vectors, HashEmbedder().embed_passages(TEXTS))
    assert "vector cache" in caplog.text and "unusable" in caplog.text


def test_index_from_cached_vectors_equals_a_fresh_one(cache_file, tmp_path, monkeypatch):
    emb = CountingHash()
    monkeypatch.setattr(service, "embedder", lambda name=None: emb)
    first = service.build(index_dir=tmp_path / "a")
    n_embedded = len(emb.embedded)
    second = service.build(index_dir=tmp_path / "b")
    a, b = load_index(tmp_path / "a"), load_index(tmp_path / "b")
    # one embedding per distinct text (two reports signed by one person share a block)
    distinct = len({c.search_text() for c in a.chunks})
    assert first.embedded_chunks == n_embedded == distinct > 250
    assert first.total_chunks == len(a.chunks) > distinct
    assert second.embedded_chunks == 0 and len(emb.embedded) == n_embedded
    assert np.array_equal(a.dense.vectors, b.dense.vectors)
    assert [c.chunk_id for c in a.chunks] == [c.chunk_id for c in b.chunks]
