"""One error family for everything a user can cause or fix.

Every user-facing failure is a ``BaocaoError`` with a ``code`` from ``MESSAGES``
and the details its message needs. The CLI prints the English message in one
line (exit 2); the web app looks the code up in its own Vietnamese table
(``ui.messages``) and fills in the same details, so neither front end parses
message text. An unknown code is a programming error and fails at once.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # input files
    "file.missing": "{name}: no such file",
    "file.empty": "{name}: the file is empty",
    "file.no_text": "{name}: the file has no text",
    "file.too_large": "{name}: {size_mb:.1f} MB is over the {limit_mb} MB limit",
    "file.type": "{name}: unsupported file type {suffix}; use {allowed}",
    "file.utf16": "{name}: the file is UTF-16 encoded; save it as UTF-8",
    "file.binary": "{name}: this is a binary file, not text",
    "file.encoding": "{name}: not valid UTF-8 at byte {byte} (a legacy encoding such as "
                     "cp1258/TCVN3?); save it as UTF-8",
    "file.bad_name": "{name}: the file name is not valid UTF-8 (a legacy encoding?); rename "
                     "the file",
    "folder.no_reports": "{folder}: no report files ({allowed})",
    "pdf.not_pdf": "{name}: not a PDF file (no %PDF header); check the file type",
    "pdf.damaged": "{name}: the PDF is damaged and cannot be read ({why})",
    "pdf.encrypted": "{name}: the PDF is encrypted and cannot be opened ({why}); "
                     "save an unprotected copy",
    "pdf.password": "{name}: the PDF is password-protected; save a copy without a password",
    "pdf.no_pages": "{name}: the PDF has no pages",
    "pdf.page_damaged": "{name}: page {page} of the PDF is damaged and cannot be read ({why})",
    "pdf.no_text_layer": "{name}: this PDF has no text layer (scanned image?) and OCR is not "
                         "available; install tesseract-ocr, tesseract-ocr-vie and poppler-utils",
    "pdf.ocr_poor": "{name}: this PDF has no text layer and OCR could not read any of its "
                    "{pages} scanned page(s) well enough (faint, blurred or skewed scan?); "
                    "nothing was indexed",
    "pdf.ocr_failed": "{name}: OCR of the scanned pages failed ({why})",
    "pdf.ocr_poor_pages": "{name}: OCR could not read scanned page(s) {pages} well; "
                          "they were left out of the index (check the scan)",
    "docx.old_format": "{name}: this is an old Word .doc file or a password-protected .docx; "
                       "save it as an unprotected .docx",
    "docx.not_zip": "{name}: not a Word .docx file (not a zip package); the file is damaged "
                    "or has the wrong extension",
    "docx.too_large": "{name}: the .docx unpacks to {size_mb:.0f} MB, over the {limit_mb} MB "
                      "limit for unpacked Word files",
    "docx.damaged": "{name}: cannot be opened as a Word .docx file ({why}); re-save it from "
                    "Word as .docx",
    "docx.footnotes_damaged": "{name}: the footnotes of this .docx are damaged ({why}); "
                              "re-save it from Word",
    "docx.no_text": "{name}: the document has no text",
    "docx.too_many_paragraphs": "{name}: {count} paragraphs, over the {limit} limit for one "
                                "report; split the document",
    "docx.xml_too_large": "{name}: the document's text part is {size_mb:.0f} MB of XML, over "
                          "the {limit_mb} MB limit; split the document",
    "parse.timeout": "{name}: reading took longer than {limit} s; the file is too complex "
                     "(split it or save it again as plain .docx)",
    "html.not_html": "{name}: not a web page (no HTML markup, or another file type with an "
                     ".html name); check the file type",
    "html.charset": "{name}: the page declares an unknown character set {charset!r}; save it "
                    "as UTF-8",
    "html.encoding": "{name}: the page is not valid {charset} at byte {byte} (a wrong or "
                     "missing <meta charset>?); save it as UTF-8",
    "html.damaged": "{name}: the web page cannot be read ({why})",
    "html.no_text": "{name}: the web page has no article text (only menus, scripts, links or "
                    "images); save the article page itself",
    "parse.no_text": "{name}: no text found",
    "sheet.not_workbook": "{name}: not an Excel workbook (neither .xlsx nor .xls content); "
                          "check the file type",
    "sheet.damaged": "{name}: the workbook is damaged and cannot be read ({why}); re-save it "
                     "from Excel as .xlsx",
    "sheet.encrypted": "{name}: the workbook is password-protected (encrypted); save a copy "
                       "without a password",
    "sheet.macro_only": "{name}: the workbook holds macros but no table (macros are never "
                        "run); save the sheets with the figures as .xlsx",
    "sheet.no_table": "{name}: no visible sheet holds a table (header rows above rows with a "
                      "label and figures)",
    "sheet.too_many_sheets": "{name}: {count} sheets, over the {limit} limit for one "
                             "workbook; split it",
    "sheet.too_many_cells": "{name}: {count} filled cells, over the {limit} limit for one "
                            "workbook; split it",
    "sheet.too_large": "{name}: the workbook unpacks to {size_mb:.0f} MB, over the "
                       "{limit_mb} MB limit; remove pictures or split it",
    # the index
    "index.missing": "no index at {root}; run 'baocao index build' first",
    "index.format": "index at {root} has format {found}, this baocao reads {expected}; "
                    "rebuild it with 'baocao index build --force'",
    "index.format_newer": "index at {root} was written by a newer baocao (format {found}; "
                          "this one reads {expected}); upgrade baocao, or run 'baocao index "
                          "build --force' to replace it",
    "index.damaged": "the index at {root} is damaged ({why}); nothing was changed. Run "
                     "'baocao index rollback' to go back to the previous version or 'baocao "
                     "index build --force' to rebuild it",
    "index.no_previous": "the index at {root} has no earlier version to roll back to",
    "index.embedder_mismatch": "index at {root} was built with embedder '{built_with}', not "
                               "'{wanted}'; rebuild it with 'baocao index build --embedder "
                               "{wanted}'",
    "index.no_report": "no report '{doc_id}' in the index",
    "index.unreadable": "the index at {root} cannot be read ({why}); nothing was changed. "
                        "Run 'baocao index rollback' to go back to the previous version or "
                        "'baocao index build --force' to replace it",
    "index.replace_unconfirmed": "{name} would replace the indexed report '{doc_id}' "
                                 "(«{title}»); confirm the replacement first",
    "index.no_chunks": "{name}: nothing to index (no body text under the title and "
                       "headings)",
    "index.bad_vectors": "{name}: the embedder returned vectors that are not numbers (NaN); "
                         "nothing of it was indexed",
    "index.too_many_chunks": "{name}: {count} passages, over the {limit} limit for one "
                             "report (about {minutes} min of indexing); split the report",
    # who may write
    "write.read_only": "this server is read-only; start it with BAOCAO_ADMIN_TOKEN set to "
                       "add, replace or remove reports",
    "write.bad_token": "wrong admin token; nothing was changed",
    "write.short_token": "the admin token must have at least {minimum} characters",
    "write.token_wait": "a wrong admin token came from this address; wait {wait} s before "
                        "trying again",
    # bounds per client of the web app (ui.guard)
    "client.rate": "too many requests from this address; try again in {wait} s",
    "client.in_flight": "this address already has {limit} requests waiting or running; wait "
                        "for them to finish",
    "upload.held": "uploads not yet read hold {held_mb} MB, the limit is {limit_mb} MB; try "
                   "again in a minute",
    # embedders
    "embedder.unknown": "unknown embedder {name!r}; known: {known}",
    "embedder.needs_package": "embedder {name!r} needs the {packages} package(s)",
    "embedder.prepare": "cannot prepare the offline e5-small model: {why}",
    "embedder.st_spec": "'st:' needs a model name or folder, e.g. 'st:/path/to/model'",
    "embedder.not_model_folder": "{folder} is not a sentence-transformers model folder",
    "embedder.no_folder": "no such model folder: {folder}",
    "embedder.load": "cannot load sentence-transformers model {spec!r}: {why}",
    "embedder.bad_argument": "{what}",
    # a Ray cluster (rag.cluster, ui.cluster)
    "cluster.needs_ray": "--ray needs the Ray package: pip install 'baocao[cluster]' (on "
                         "every node of the cluster too)",
    "cluster.unreachable": "cannot reach the Ray cluster at {address} ({why}); start it with "
                           "'ray start --head' there, or check the address",
    "cluster.lost": "lost the Ray cluster at {address} ({why}); nothing was published, the "
                    "previous version of the index stays live",
    "cluster.no_workers": "the Ray cluster at {address} has had no live node with a CPU for "
                          "{seconds} s; nothing was published, the previous version stays live",
    "cluster.replicas_without_ray": "--replicas needs --ray ADDRESS (replicas run on a Ray "
                                    "cluster)",
    "cluster.serve_elsewhere": "Ray Serve already runs on the cluster at {address} with its "
                               "HTTP proxy at {host}:{port}; serve there (--host {host} --port "
                               "{port}), or stop it first ('serve shutdown')",
    "cluster.code_mismatch": "node {node} of the Ray cluster runs other baocao code ({found}, "
                             "here {expected}); install the same baocao on every node",
    # configuration and data files
    "config.unknown_segmenter": "unknown segmenter {name!r} (none, pyvi)",
    "data.bad_line": "{path}:{line}: {why}",
    # questions and commands
    "query.missing": "give a QUERY or --queries FILE",
    "query.bad_period": "the period filter {period!r} names no period; write e.g. 'tháng "
                        "5/2024', '5 tháng đầu năm 2024', 'quý I/2022', 'năm 2023'",
    "query.impossible_period": "the question names {period!r}, which is no period (months "
                               "1-12, quarters I-IV)",
    "query.empty": "the question is empty; ask e.g. 'giải ngân vốn đầu tư công tháng 5/2024'",
    "query.bad_k": "k = {k} is not a number of passages; give a whole number from 1 to "
                   "{limit}",
    "query.too_long": "the question has {n} characters, over the {limit} limit; ask a "
                      "shorter question",
    "series.unknown_indicator": "no indicator in the index matches {indicator!r}; reported "
                                "by several reports: {known}",
    # the HTTP API (ui/api.py)
    "request.missing": "the parameter {param!r} is missing",
    "request.invalid": "the parameter {param!r} is not valid ({why})",
    "request.not_found": "no such address: {path}",
    "request.method": "{method} is not allowed at {path}",
    "request.failed": "the server failed to answer (see its log)",
    "index.loading": "the index is not ready yet ({status}); try again in a few seconds",
    "index.unavailable": "the index cannot be used: {why}",
    "index.remove_unconfirmed": "removing '{doc_id}' («{title}») must be confirmed with "
                                "confirm={confirm}",
    "write.no_token": "this request needs the admin token: 'Authorization: Bearer TOKEN'",
    "write.no_files": "send the report files as the multipart form field 'files'",
}


class BaocaoError(Exception):
    """A failure the user can act on: ``code`` names it, ``details`` fill its message."""

    stops_write = False  # True: not one report's failure, the whole write stops (nothing published)

    def __init__(self, code: str, **details) -> None:
        if code not in MESSAGES:
            raise KeyError(f"unknown error code {code!r}")
        self.code = code
        self.details = details
        super().__init__(MESSAGES[code].format(**details))


class InputError(BaocaoError):
    """A file, folder or argument given by the user cannot be used."""


class IndexStoreError(BaocaoError):
    """The index cannot be used as asked."""


class ClusterError(BaocaoError):
    """A Ray cluster cannot be reached or was lost (rag.cluster)."""

    stops_write = True


class EmbedderError(BaocaoError):
    """An embedder cannot be chosen or loaded."""
