"""The build's progress line on stderr: each running stage, where it is, and its rate.

A build reports ``(label, done, total)`` (rag.index.build.Progress): ``label`` is a
report id while its chunks are embedded, ``id + OCR_STAGE`` while its scanned pages
are read. Since reports are parsed ahead while another is embedded
(rag.index.pipeline), two stages can run at once, from two threads: the line
shows both, and a finished stage leaves one line of its own.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass

from rag.ingest.ocr import OCR_STAGE


@dataclass
class _Stage:
    name: str
    ocr: bool
    done: int
    total: int
    t0: float  # when the stage was first heard of
    first: int  # units done by then (the first report comes after the first batch)
    now: float

    def text(self) -> str:
        unit = "pages read (OCR)" if self.ocr else "chunks embedded"
        return f"{self.name}: {self.done}/{self.total} {unit}{self.rate()}"

    def rate(self) -> str:
        seconds, units = self.now - self.t0, self.done - self.first
        if seconds <= 0 or units <= 0:
            return ""
        if self.ocr:
            return f", {seconds / units:.1f} s/page"
        return f", {units / seconds:.1f} chunks/s"


class BuildProgress:
    """A ``Progress`` callback for the command line (library code never prints)."""

    def __init__(self, stream=None, clock=time.perf_counter) -> None:
        self.stream = stream or sys.stderr
        self.clock = clock
        self._lock = threading.Lock()
        self._stages: dict[str, _Stage] = {}
        self._width = 0

    def __call__(self, label: str, done: int, total: int) -> None:
        with self._lock:
            now = self.clock()
            stage = self._stages.get(label)
            if stage is None:
                ocr = label.endswith(OCR_STAGE)
                stage = self._stages[label] = _Stage(label.removesuffix(OCR_STAGE), ocr, done,
                                                     total, now, done, now)
            stage.done, stage.total, stage.now = done, total, now
            if done >= total:  # finished: its own line, the others stay on the live one
                self._write("  " + stage.text(), end="\n")
                del self._stages[label]
            if self._stages:
                self._write("  " + " | ".join(s.text() for s in self._stages.values()))
            self.stream.flush()

    def _write(self, text: str, end: str = "") -> None:
        pad = max(0, self._width - len(text))
        self.stream.write("\r" + text + " " * pad + end)
        self._width = 0 if end else len(text)
