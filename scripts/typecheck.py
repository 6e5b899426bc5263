"""mypy (with django-stubs) on every app, config, the bench and the tests: no error passes lint.

The apps are the folders with an `apps.py`, so a new app is checked without an edit here. The
bench and the tests are checked too: they call the services and read the models, and a change
that they no longer fit fails here (a test that set a field the model does not have asserted
nothing of what it meant to).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(path.parent.name for path in ROOT.glob("*/apps.py")) + ["config", "bench", "tests"]


if __name__ == "__main__":
    sys.exit(subprocess.run([sys.executable, "-m", "mypy", *PACKAGES], cwd=ROOT).returncode)
