"""mypy (with django-stubs) on a baseline that only shrinks.

`python scripts/typecheck.py` fails on any error that is not in `mypy-baseline.txt` (an error
is its file, code and message, without the line number, so moving code does not break it);
`--update` rewrites the baseline, which is meant only to lose lines.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
# every app (a folder with apps.py: a new one is checked without an edit here) and config
PACKAGES = sorted(path.parent.name for path in ROOT.glob("*/apps.py")) + ["config"]
ERROR = re.compile(r"^(?P<file>[^:]+):\d+: error: (?P<message>.*)$")


def current() -> Counter:
    run = subprocess.run([sys.executable, "-m", "mypy", *PACKAGES], cwd=ROOT, capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(run.stdout + run.stderr)
    return Counter(f"{m['file']}: {m['message']}" for line in run.stdout.splitlines() if (m := ERROR.match(line)))


def main() -> int:
    errors = current()
    if "--update" in sys.argv:
        BASELINE.write_text("".join(f"{line}\n" for line in sorted(errors.elements())))
        print(f"mypy baseline: {sum(errors.values())} errors")
        return 0
    baseline = Counter(BASELINE.read_text().splitlines()) if BASELINE.exists() else Counter()
    new = errors - baseline
    fixed = baseline - errors
    for line in sorted(new.elements()):
        print(f"new: {line}")
    print(
        f"mypy: {sum(errors.values())} errors, baseline {sum(baseline.values())}, new {sum(new.values())}, fixed {sum(fixed.values())}"
        + (" (run scripts/typecheck.py --update to shrink the baseline)" if fixed else "")
    )
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
