"""Named prompt templates (``prompts/<name>.md``, shipped as package data) and a tiny loader.

Templates hold instructions only. Text from CVs and offers is never formatted into them: it reaches the
model inside tool results, as data.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent


@lru_cache(maxsize=32)
def load_prompt(name: str) -> str:
    """The template ``name`` (without extension), shared parts included.

    ``{{include:other}}`` on a line of its own is replaced by the template ``other``.

    Raises:
        FileNotFoundError: no template of that name.
    """
    path = TEMPLATES / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(f"prompt template not found: {name}")
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("{{include:") and stripped.endswith("}}"):
            lines.append(load_prompt(stripped[len("{{include:") : -2]))
        else:
            lines.append(line)
    return "\n".join(lines).strip()
