"""Where the time went, from py-spy's collapsed stacks (bench/run.py --profile DIR).

    python bench/profile_summary.py DIR/SQLite-1-worker-GET-r-code.txt [--top 30]

Prints the functions with the largest share of samples, inclusive (the function and what it
called) and self (the function's own code), Shareback's own frames marked.
"""

from __future__ import annotations

import argparse
import collections
import re
from pathlib import Path

FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>.*?)(?::\d+)?\)$")


def short(frame: str) -> str:
    match = FRAME.match(frame)
    if match is None:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "lib/python3.11/", "server/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match['name']} ({path})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("stacks", type=Path)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in args.stacks.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = [short(f) for f in stack.split(";")]
        total += n
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    print(f"{total} samples\n\ninclusive:")
    for frame, n in inclusive.most_common(args.top):
        print(f"{100 * n / total:5.1f}%  {frame}")
    print("\nself:")
    for frame, n in own.most_common(args.top):
        print(f"{100 * n / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
