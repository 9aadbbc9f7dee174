"""An uploaded pool of friends' codes: CSV with one code per line, or a header row with a `code`
column. Pure: bytes in, the codes (in file order, duplicates kept for counting) or why not."""

from __future__ import annotations

import csv
import io
import re

from shareback.i18n import gettext as _

MAX_BYTES = 4 * 1024 * 1024
MAX_CODES = 100_000
# What checkouts accept without surprises: letters, digits, - and _; 3 to 64 of them.
POOL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$")
SHOWN_LINES = 5


class InvalidPool(ValueError):
    pass


def _code_column(header: list[str]) -> int | None:
    names = [cell.strip().lower() for cell in header]
    return names.index("code") if "code" in names else None


def _shown(value: str) -> str:
    return repr(value) if len(value) <= 40 else repr(value[:37] + "...")


def parse_pool(body: bytes) -> list[str]:
    try:
        text = body.decode("utf-8-sig")  # a spreadsheet's byte-order mark is no code
    except UnicodeDecodeError:
        raise InvalidPool(_("The file is not UTF-8 text; export the CSV as UTF-8.")) from None
    if "\x00" in text:
        raise InvalidPool(_("The file is binary, not CSV text."))
    reader = csv.reader(io.StringIO(text, newline=""))
    column: int | None = None
    seen_header = False
    found: list[str] = []
    bad: list[str] = []
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue  # blank lines
            if not seen_header:
                seen_header = True
                column = _code_column(cells)
                if column is not None:
                    continue
                if len([c for c in cells if c]) > 1:
                    raise InvalidPool(
                        _(
                            "Line %(line)s has several columns: give one code per line, or a "
                            "header row with a 'code' column."
                        )
                        % {"line": reader.line_num}
                    )
            value = cells[column or 0] if len(cells) > (column or 0) else ""
            if column is None and len([c for c in cells if c]) > 1:
                bad.append(f"line {reader.line_num}: several columns")
            elif not POOL_CODE.fullmatch(value):
                bad.append(f"line {reader.line_num}: {_shown(value)}")
            else:
                found.append(value)
            if len(found) > MAX_CODES:
                raise InvalidPool(
                    _("At most %(num)s codes per upload; split the file.") % {"num": MAX_CODES}
                )
    except csv.Error as exc:
        raise InvalidPool(
            _("Line %(line)s is not valid CSV: %(problem)s.")
            % {"line": reader.line_num, "problem": exc}
        ) from None
    if bad:
        more = f" and {len(bad) - SHOWN_LINES} more" if len(bad) > SHOWN_LINES else ""
        raise InvalidPool(
            _("Codes are 3 to 64 letters, digits, - or _; these are not: ")
            + "; ".join(bad[:SHOWN_LINES])
            + more
            + _(". Nothing was added.")
        )
    if not found:
        raise InvalidPool(_("The file holds no codes."))
    return found
