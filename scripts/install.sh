#!/usr/bin/env bash
# Create .venv and install baocao with its test dependencies.
# torch is pinned to the CPU build (torch==2.13.0); a looser spec pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
# OCR of scanned PDFs needs Debian's tesseract with Vietnamese data and poppler (pdftoppm);
# without them a scan is refused with a message saying so. Installed when we can (root).
if ! command -v tesseract >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq tesseract-ocr tesseract-ocr-vie poppler-utils \
      >/dev/null
  else
    echo "note: install tesseract-ocr tesseract-ocr-vie poppler-utils for scanned PDFs" >&2
  fi
fi
python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
FIND_LINKS=()
[ -d /opt/wheels ] && FIND_LINKS=(--find-links /opt/wheels)
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q "${FIND_LINKS[@]}" torch==2.13.0
# cluster: Ray, for --ray and its tests on a real multi-node cluster (~17 s more to install)
.venv/bin/pip install -q "${FIND_LINKS[@]}" -e ".[dev,cluster]"
