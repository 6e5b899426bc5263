"""mypy (with django-stubs) on every app, and config: no error passes lint.

The apps are the folders with an `apps.py`, so a new app is checked without an edit here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(path.parent.name for path in ROOT.glob("*/apps.py")) + ["config"]


if __name__ == "__main__":
    sys.exit(subprocess.run([sys.executable, "-m", "mypy", *PACKAGES], cwd=ROOT).returncode)
