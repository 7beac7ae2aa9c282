"""The signature block of an administrative document: who signed it, as what, and when.

Nghị định 30/2020/NĐ-CP (Phụ lục I) puts it after the body, beside the distribution
list ("Nơi nhận: - Như trên; - Lưu: VT"): the authority to sign ("TM. ỦY BAN NHÂN DÂN",
"KT. CHỦ TỊCH", "TL.", "Q.", "TUQ."), the signer's title, the signer's name; a digitally
signed file adds its stamp ("Ký bởi: …", "Ngày ký: …"). Readers deliver the two columns
interleaved line by line, side by side in one line, or as table cells joined by " | ",
so each piece is recognised by its shape; list items and anything else are left out.
"""

from __future__ import annotations

import re

from rag.ingest.structure import clean_markup

_RECIPIENTS = re.compile(r"^\s*Nơi nhận\s*:?\s*", re.IGNORECASE)
_ITEM = re.compile(r"^[-+•–]\s*")
_STAMP = re.compile(r"^(Ký bởi|Ngày ký|Người ký|Thời gian ký)\s*:|^\(\s*Đã ký", re.IGNORECASE)
MAX_LINES = 8  # format: authority, title, name, two stamp lines, and a seal note at most
ROLE_MAX = 80  # a title line in capitals ("KT. GIÁM ĐỐC", "PHÓ CHỦ TỊCH") is short
FOOTER_BLOCKS = 30  # the signature stands within the first blocks after "Nơi nhận"


def _is_name(words: list[str]) -> bool:
    """A person's name: two to five capitalised syllables ("Phan Cao Thắng")."""
    return 2 <= len(words) <= 5 and all(w[:1].isupper() and w[1:].islower() and w.isalpha()
                                        for w in words)


def _is_role(text: str) -> bool:
    """A signing authority or title, in capitals ("KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN")."""
    letters = [c for c in text if c.isalpha()]
    if ";" in text or text.rstrip().endswith(","):
        return False  # a recipient line in capitals ("TH, KTTH, QHĐP;")
    return len(letters) >= 4 and len(text) <= ROLE_MAX and all(c.isupper() for c in letters)


def _piece(text: str) -> str | None:
    """The signature part of one line or cell, or None (a recipient, other text)."""
    text = _RECIPIENTS.sub("", text).strip()
    if not text or _ITEM.match(text):
        return None
    if _STAMP.match(text) or _is_role(text):
        return text
    words = text.split()
    if _is_name(words):
        return text
    cut = next((i for i, w in enumerate(words) if any(c.islower() for c in w)), 0)
    if cut and _is_role(" ".join(words[:cut])) and _is_name(words[cut:]):
        return text  # "CHỦ TỊCH Hồ Văn Mười": title and name in one cell
    return None


def signature_lines(footer: list[str]) -> list[tuple[int, str]]:
    """(block index, line) of the signature in the blocks from "Nơi nhận" on."""
    out: list[tuple[int, str]] = []
    for i, block in enumerate(footer[:FOOTER_BLOCKS]):
        for part in clean_markup(block).split(" | "):
            found = _piece(part)
            if found is None or len(out) >= MAX_LINES:
                continue
            if out and _is_role(found) and _is_role(out[-1][1]):
                # one authority line however the reader cut it ("KT. CHỦ TỊCH PHÓ CHỦ TỊCH")
                out[-1] = (out[-1][0], f"{out[-1][1]} {found}")
            else:
                out.append((i, found))
    return out if any(not _is_role(line) for _, line in out) else []
