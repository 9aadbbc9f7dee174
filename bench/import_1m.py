"""A million-row Shopify customers export imported through `shareback import`: wall time and
the importing process's peak resident memory.

    python bench/import_1m.py                          # SQLite, 1,000,000 rows
    python bench/import_1m.py --rows 100000            # a quicker look
    python bench/import_1m.py --database postgresql://postgres@127.0.0.1/bench_import

The file is generated first (Shopify's column names, a bad row every 10,000), then a fresh
database is migrated and `shareback import FILE` runs as a child process; its peak RSS is the
child's ru_maxrss (resource.getrusage(RUSAGE_CHILDREN)), so the generator's memory is not in it.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = [
    "Customer ID",
    "First Name",
    "Last Name",
    "Email",
    "Accepts Email Marketing",
    "Default Address Company",
    "Default Address Address1",
    "Default Address Address2",
    "Default Address City",
    "Default Address Province Code",
    "Default Address Country Code",
    "Default Address Zip",
    "Default Address Phone",
    "Phone",
    "Accepts SMS Marketing",
    "Total Spent",
    "Total Orders",
    "Note",
    "Tax Exempt",
    "Tags",
]
COUNTRIES = ("NL", "BE", "DE", "FR", "GB")
FIRST = ("Anna", "Bram", "Chloé", "Daan", "Eva", "Finn", "Greet", "Hugo", "Iris", "Jip")
LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder")


def generate(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for n in range(rows):
            email = f"customer{n}@example.nl" if n % 10_000 != 9_999 else f"broken{n}-at-example"
            out.writerow(
                [
                    str(7_000_000_000_000 + n),
                    FIRST[n % len(FIRST)],
                    LAST[n % len(LAST)],
                    email,
                    "yes" if n % 3 else "no",
                    "",
                    f"Straat {n % 200}",
                    "",
                    "Amsterdam",
                    "",
                    COUNTRIES[n % len(COUNTRIES)],
                    "1015 CJ",
                    "",
                    "",
                    "no",
                    f"{(n % 500) + 0.5:.2f}",
                    str(n % 20),
                    "",
                    "no",
                    "vip" if n % 7 == 0 else "",
                ]
            )


def shareback() -> str:
    here = Path(sys.executable).parent / "shareback"
    return str(here) if here.exists() else "shareback"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite file)")
    parser.add_argument("--keep", help="keep the generated CSV at this path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(args.keep) if args.keep else Path(tmp) / "customers_export.csv"
        began = time.monotonic()
        generate(csv_path, args.rows)
        made = time.monotonic() - began
        size = csv_path.stat().st_size
        url = args.database or f"sqlite:///{Path(tmp) / 'bench.db'}"
        env = {**os.environ, "SHAREBACK_DATABASE_URL": url}
        subprocess.run([shareback(), "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        began = time.monotonic()
        done = subprocess.run(
            [shareback(), "import", str(csv_path)], env=env, capture_output=True, text=True
        )
        wall = time.monotonic() - began
        if done.returncode != 0:
            sys.exit(done.stderr)
        lines = done.stdout.splitlines()
        progress = [line for line in lines if " rows read, " in line]
        rejected = sum(1 for line in lines if line.startswith("  line "))
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        engine = url.split(":", 1)[0]
        print("| engine | rows | file | generate | import wall | rows/s | peak RSS | rejected |")
        print("|---|---|---|---|---|---|---|---|")
        print(
            f"| {engine} | {args.rows:,} | {size / 1e6:.0f} MB | {made:.0f} s | {wall:.0f} s | "
            f"{args.rows / wall:,.0f} | {peak_kib / 1024:.0f} MiB | {rejected:,} |"
        )
        print(f"last progress line: {progress[-1] if progress else '-'}")


if __name__ == "__main__":
    main()
