"""mypy (with django-stubs) on every app, config and the bench: no error passes lint.

The apps are the folders with an `apps.py`, so a new app is checked without an edit here. The
bench is checked too: it calls the imports and reads the models, and a change to either that it
no longer fits fails here, not in the next `make bench`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(path.parent.name for path in ROOT.glob("*/apps.py")) + ["config", "bench"]


if __name__ == "__main__":
    sys.exit(subprocess.run([sys.executable, "-m", "mypy", *PACKAGES], cwd=ROOT).returncode)
