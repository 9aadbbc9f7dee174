"""The code blocks of the documentation (docs/**/*.md and README.md) and what the checks of
tests/test_docs_site.py and tests/test_docs_snippets.py need to read them: the pages, the
blocks with their language, and shell commands as words."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# The hand-written pages (the reference pages made by docs/hooks/reference.py are not on disk).
PAGES = sorted([*DOCS.rglob("*.md"), ROOT / "README.md"])
FENCE = re.compile(r"^( *)```([a-z]*)\n(.*?)^\1```", re.S | re.M)


@dataclass(frozen=True)
class Block:
    page: str  # relative to the repository: docs/connect/shopify.md, README.md
    number: int  # the block's place on its page, from 1
    language: str
    text: str
    before: str  # the page's text before the block (what it says the block is)

    @property
    def name(self) -> str:
        return f"{self.page}#{self.number}:{self.language}"


def blocks() -> list[Block]:
    found = []
    for page in PAGES:
        source = page.read_text()
        for number, match in enumerate(FENCE.finditer(source), 1):
            text = "\n".join(line[len(match[1]) :] for line in match[3].splitlines())
            found.append(
                Block(
                    str(page.relative_to(ROOT)),
                    number,
                    match[2],
                    text,
                    source[: match.start()],
                )
            )
    return found


def blocks_of(language: str) -> list[Block]:
    return [block for block in blocks() if block.language == language]


def commands(text: str) -> list[list[str]]:
    """Each command of a shell block as words: continuations joined, $(…) as a word, and
    split at &&, ; and |, with leading VAR=value and sudo [-u user] taken off."""
    text = re.sub(r"\$\([^)]*\)", "2026-12-01", text.replace("\\\n", " "))
    found = []
    for line in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", line)  # a comment, which may hold ; or |
        if not line.strip():
            continue
        for part in re.split(r"&&|;|\|", line):
            words = shlex.split(part, comments=True)
            while words and (words[0] == "sudo" or re.match(r"^[A-Za-z_]+=", words[0])):
                words[: 3 if words[:2] == ["sudo", "-u"] else 1] = []
            if words:
                found.append(words)
    return found


def assignments(text: str) -> list[str]:
    """The names of the variables a shell block sets (VAR=… at the start of a command)."""
    joined = text.replace("\\\n", " ")
    return re.findall(r"(?:^|[;&|]\s*|\s)([A-Z][A-Z0-9_]*)=", joined, re.M)
