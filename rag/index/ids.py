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

Before any of this the name is put in Unicode NFC (a name typed on a Mac arrives
decomposed, NFD, and would otherwise slug to ``La-ng-So-n``), a name that is not
valid UTF-8 (a legacy encoding) is refused by name, the slug never starts or ends
with ``.`` (so never ``.`` or ``..``), and a slug longer than ``MAX_ID_BYTES`` is
cut and given the 6-digit hash of its name, so ``docs/<id>.json`` stays a legal
file name and two long names sharing a beginning keep distinct ids.

So the bundled reports keep their ids, two files never share one, and an id
depends only on the file name and on which names the index held before.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Mapping

from rag.errors import InputError
from rag.ingest import doc_id_for

HASH_DIGITS = 6  # 16.7M values: a clash among a province's reports is not expected
# A file name may have 255 bytes; an id names docs/<id>.json and sources/<id>.<ext>, and is
# read in links: 120 bytes keep ~40 Vietnamese syllables, more than any real report's name.
MAX_ID_BYTES = 120


def assign_doc_id(name: str, sources: Mapping[str, str]) -> str:
    """The id for a file called ``name``; ``sources`` maps the ids in use to their file
    names (the index's reports plus those assigned earlier in the same write)."""
    name = usable_name(name)
    for doc_id, source in sources.items():
        if unicodedata.normalize("NFC", source) == name:
            return doc_id
    slug = _slug(name)
    if slug not in sources:
        return slug
    digest = _digest(name)
    for digits in range(HASH_DIGITS, len(digest) + 1):
        candidate = f"{slug}-{digest[:digits]}"
        if candidate not in sources:
            return candidate
    raise AssertionError("unreachable: a SHA-1 prefix is taken at every length")


def usable_name(name: str) -> str:
    """``name`` in NFC; ``file.bad_name`` when it is not valid UTF-8 (undecodable bytes
    arrive as surrogates and could not be written into the manifest)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("file.bad_name", name=printable_name(name)) from None
    return unicodedata.normalize("NFC", name)


def printable_name(name: str) -> str:
    """A file name fit to print: bytes that are not UTF-8 shown as ``\\xe0``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _slug(name: str) -> str:
    slug = doc_id_for(name).strip(".-") or "doc"
    data = slug.encode("utf-8")
    if len(data) <= MAX_ID_BYTES:
        return slug
    cut = data[:MAX_ID_BYTES - HASH_DIGITS - 1].decode("utf-8", "ignore").rstrip(".-")
    return f"{cut}-{_digest(name)[:HASH_DIGITS]}"


def _digest(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()
