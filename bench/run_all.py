"""`make bench`: every benchmark, one after the other, on this machine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

for script in ("bench/assistant.py", "bench/backend_booking.py"):
    print(f"\n=== {script} ===", flush=True)
    subprocess.run([sys.executable, script], cwd=ROOT, check=True)
