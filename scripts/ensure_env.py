"""Create ``.env`` from ``.env.example`` with a fresh random value for every ``change-me``.

Secrets are never committed; each install gets its own. An existing ``.env`` is left alone,
except that settings added to ``.env.example`` since are appended.
"""

from __future__ import annotations

import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "change-me"


def render(example: str) -> str:
    lines = []
    for line in example.splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#") and value.strip() == PLACEHOLDER:
            line = f"{key}={secrets.token_urlsafe(32)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def keys(text: str) -> set[str]:
    return {
        line.partition("=")[0].strip()
        for line in text.splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }


def main() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    env_path = ROOT / ".env"
    if not env_path.exists():
        env_path.write_text(render(example), encoding="utf-8")
        env_path.chmod(0o600)
        print("wrote .env with fresh secrets")
        return
    current = env_path.read_text(encoding="utf-8")
    missing = [
        line
        for line in render(example).splitlines()
        if "=" in line
        and not line.lstrip().startswith("#")
        and line.partition("=")[0].strip() not in keys(current)
    ]
    if missing:
        with env_path.open("a", encoding="utf-8") as fh:
            fh.write("\n# added from .env.example\n" + "\n".join(missing) + "\n")
        print(f"added {len(missing)} new setting(s) to .env")
    env_path.touch()


if __name__ == "__main__":
    main()
