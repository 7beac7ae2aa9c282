"""``python -m rag.contract [FOLDER]``: write the published schemas (default: schemas/)."""

import sys
from pathlib import Path

from rag.contract import write_all

if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[2] / "schemas"
    for path in write_all(folder):
        sys.stdout.write(f"{path}\n")
