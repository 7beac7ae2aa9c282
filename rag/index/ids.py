"""Report ids: readable, unique within an index, and never changed once given.

The rule (the gold set and links refer to ids, so it is stated once, here):

1. A file name already in the index keeps the id it has: uploading a file of
   the same name is a replacement of that report (which needs confirmation in
   the app).
2. Otherwise the id is the slug of the file name without its extension
   (``rag.ingest.doc_id_for``: every run of characters other than letters,
   digits, ``_``, ``.`` and ``-`` becomes ``-``), e.g.
   ``lang-son_2024-05_bao-cao-kt-xh.txt`` -> ``lang-son_2024-05_bao-cao-kt-xh``.
3. If a report with a different file name already holds that slug (``x.txt``
   and ``x.md``, ``a b.txt`` and ``a-b.txt``), the new file gets
   ``<slug>-<h>``, where ``<h>`` is the first 6 hex digits of the SHA-1 of its
   file name (more digits if even that is taken).

So the bundled reports keep their ids, two files never share one, and an id
depends only on the file name and on which names the index held before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from rag.ingest import doc_id_for

HASH_DIGITS = 6  # 16.7M values: a clash among a province's reports is not expected


def assign_doc_id(name: str, sources: Mapping[str, str]) -> str:
    """The id for a file called ``name``; ``sources`` maps the ids in use to their file
    names (the index's reports plus those assigned earlier in the same write)."""
    for doc_id, source in sources.items():
        if source == name:
            return doc_id
    slug = doc_id_for(name)
    if slug not in sources:
        return slug
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()
    for digits in range(HASH_DIGITS, len(digest) + 1):
        candidate = f"{slug}-{digest[:digits]}"
        if candidate not in sources:
            return candidate
    raise AssertionError("unreachable: a SHA-1 prefix is taken at every length")
