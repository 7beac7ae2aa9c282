"""How a table cell is said and cited: the cell as printed with its row's label path, its
column header and unit ("… — Thực hiện 2019: 2.100,00 Ha"), the table's caption and page
(a workbook's file and sheet), and a check that every number said stands in the row."""

from __future__ import annotations

import re

from rag.records import Citation, Headline, Hit, TableRef

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
SCANNED_NOTE = "trích từ bản quét, cần đối chiếu"


def cell_unit(ref: TableRef, k: int) -> str:
    """The unit of cell ``k``: its column's when read (a workbook's), else the row's."""
    spec = ref.specs[k] if ref.specs else None
    if spec is not None and spec.unit:
        return spec.unit
    if spec is not None and spec.basis:
        return ""  # a comparison column without a unit: never the row's level unit
    return ref.unit


def cell_sentence(ref: TableRef, k: int) -> str:
    """"B Diện tích trồng trọt > … > 1 Cà phê — Thực hiện 2019: 2.100,00 Ha"."""
    cell, unit = ref.cells[k], cell_unit(ref, k)
    unit = "" if not unit or cell.endswith("%") or unit == "%" and "%" in cell \
        else unit if unit == "%" else f" {unit}"
    return f"{' > '.join(ref.label_path)} — {ref.columns[k]}: {cell}{unit}"


def cell_check(text: str, ref: TableRef) -> list[str]:
    """Numbers in ``text`` that stand in none of the cited row's cells, label, headers,
    caption or page number: an answer from a table states nothing else."""
    sources = [*ref.cells, *ref.label_path, *ref.columns, ref.caption, ref.unit, str(ref.page),
               ref.sheet]
    return [m.group(0) for m in _NUMBER.finditer(text)
            if not any(m.group(0) in s for s in sources)]


def cell_text(hit: Hit, k: int, n: int, more: tuple[int, ...] = ()) -> str:
    """The cell's sentence (and the row's ``more`` cells) with its marker and source;
    checked against the row's cells."""
    ref, scanned = hit.chunk.table, hit.doc.ocr
    where = f"bảng «{ref.caption}»" + (f", trang {ref.page}" if ref.page else "")
    if ref.sheet:
        where = f"tệp {hit.doc.source}, trang tính «{ref.sheet}», " + where
    said = "; ".join([cell_sentence(ref, k)] + [cell_sentence(ref, j).split(" — ", 1)[-1]
                                                 for j in more])
    text = f"{said} [{n}] (Nguồn: {where}" + (f"; {SCANNED_NOTE}" if scanned else "") + ")."
    bad = cell_check(text.replace(f"[{n}]", "").replace(hit.doc.source, ""), ref)
    if bad:
        from rag.answer.compose import FigureCheckError

        raise FigureCheckError(f"figures not found in the cited table row: {bad}")
    return text


def cell_citation(hit: Hit, k: int, n: int, more: tuple[int, ...] = ()) -> Citation:
    ref = hit.chunk.table
    cells = (k, *more)
    return Citation(n=n, chunk_id=hit.chunk.chunk_id, doc_id=hit.chunk.doc_id,
                    title=hit.doc.title, period=hit.chunk.period_label, section=ref.caption,
                    page=ref.page, quote=hit.chunk.text, span=None,
                    figures=tuple(ref.cells[j] for j in cells), scanned=hit.doc.ocr,
                    table_id=ref.table_id, row=ref.row,
                    columns=tuple(ref.col_index[j] for j in cells), sheet=ref.sheet)


# What a question says it compares with (folded), first match wins: basis of the column.


def cell_headline(ref: TableRef, k: int) -> Headline | None:
    """The figure of a read cell with its period and the comparisons its row gives for the
    same period and measure ("113,3% so với cùng kỳ năm trước")."""
    from rag.observe.cells import compares

    if not ref.specs or ref.specs[k].period is None or ref.values[k] is None:
        return None
    spec, unit = ref.specs[k], cell_unit(ref, k)
    comps = tuple(f"{ref.cells[c]}{'%' if ref.specs[c].unit == '%' else ''} {ref.columns[c]}"
                  for c in range(len(ref.specs)) if ref.cells[c] and compares(ref.specs, k, c))
    figure = ref.cells[k] + (f" {unit}" if unit and not ref.cells[k].endswith(unit) else "")
    return Headline(" > ".join(ref.label_path), figure, ref.values[k], unit or None,
                    spec.period.label, comps)
