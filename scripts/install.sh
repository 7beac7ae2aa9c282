#!/usr/bin/env bash
# Create .venv and install baocao with its test dependencies.
# torch is pinned to the CPU build (torch==2.13.0); a looser spec pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
FIND_LINKS=()
[ -d /opt/wheels ] && FIND_LINKS=(--find-links /opt/wheels)
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q "${FIND_LINKS[@]}" torch==2.13.0
.venv/bin/pip install -q "${FIND_LINKS[@]}" -e ".[dev]"
