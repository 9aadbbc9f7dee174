"""The CSV exports opened in a real spreadsheet: LibreOffice Calc, headless, in a Dutch locale
(list separator ";", the Dutch and German default in Excel too), then also split on ",", tab and
"|". Formulas are evaluated on import, as a spreadsheet does; the cells are read back from the
converted file. No cell may be a formula, and hostile names must read back as text."""

from __future__ import annotations

import csv
import dataclasses
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import databases
import pytest
from shareback.api.owner.exports import ADVOCATE_COLUMNS, defused
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import join_campaign
from test_admin_auth import admin

__all__ = ["admin"]  # the signed-in dashboard client

ADMIN_KEY = "admin-key-for-tests-0123456789"
DUTCH = 1043  # LibreOffice's language id for nl-NL
SEPARATORS = {";": 59, ",": 44, "\t": 9, "|": 124}
HOSTILE_NAMES = [
    "x;=1+1;",
    "Jan;+31 6 1234 5678",
    "Tab\t=2+2",
    "@SUM(1;2)",
    "-3+3",
    "pipe|=4+4",
    "CR\r=5+5",
    'quoted; "=6+6"',
    "Zoë, =7+7",
    '=HYPERLINK("http://evil.example";"Klik")',
]
NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}


def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if databases.in_ci():
            pytest.fail("soffice is missing: scripts/install-test-deps installs it (CI=true)")
        pytest.skip("LibreOffice (soffice) is not installed: run scripts/install-test-deps")
    return found


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, admin_api_key=ADMIN_KEY)


def paragraph_text(element: ET.Element) -> str:
    """ODF text: runs of spaces, tabs and line breaks are elements of their own."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "s":
            parts.append(" " * int(child.get(f"{{{NS['text']}}}c", "1")))
        elif tag == "tab":
            parts.append("\t")
        elif tag == "line-break":
            parts.append("\n")
        else:
            parts.append(paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def cells_as_calc_reads_them(csv_file: Path, separator: str, work: Path) -> list[dict[str, str]]:
    """Opens the file the way a spreadsheet in that locale would and returns every cell:
    its text, its type and its formula (if Calc made one)."""
    options = ",".join(
        [
            str(SEPARATORS[separator]),  # field separator
            "34",  # text delimiter "
            "76",  # UTF-8
            "1",  # from line 1
            "",  # column types: standard, detected
            str(DUTCH),
            "false",  # quoted fields are not forced to text: the cells must defend themselves
            "true",  # detect special numbers (dates, scientific notation)
            "false",
            "false",
            "false",  # keep spaces
            "false",
            "true",  # evaluate formulas, as Excel does when it opens a CSV
        ]
    )
    out = work / f"out-{SEPARATORS[separator]}"
    environ = {**os.environ, "LC_ALL": "C.UTF-8", "LANGUAGE": "nl_NL"}
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            f"--infilter=CSV:{options}",
            "--convert-to",
            "fods",
            "--outdir",
            str(out),
            str(csv_file),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env=environ,
    )
    tree = ET.parse(out / (csv_file.stem + ".fods"))
    cells = []
    for cell in tree.iter(f"{{{NS['table']}}}table-cell"):
        paragraphs = cell.findall(f"{{{NS['text']}}}p")
        cells.append(
            {
                "text": "\n".join(paragraph_text(p) for p in paragraphs),
                "type": cell.get(f"{{{NS['office']}}}value-type") or "",
                "formula": cell.get(f"{{{NS['table']}}}formula") or "",
            }
        )
    return cells


def test_exported_names_stay_text_in_a_dutch_spreadsheet_whatever_it_splits_on(
    client: TestClient, tmp_path: Path
) -> None:
    for n, name in enumerate(HOSTILE_NAMES):
        join_campaign(client, f"advocate{n}@example.nl", name)
    export = client.get(
        "/api/v1/exports/advocates.csv", headers={"authorization": f"Bearer {ADMIN_KEY}"}
    )
    assert export.status_code == 200
    csv_file = tmp_path / "advocates.csv"
    csv_file.write_bytes(export.content)

    for separator in SEPARATORS:
        cells = cells_as_calc_reads_them(csv_file, separator, tmp_path)
        formulas = [c for c in cells if c["formula"]]
        assert not formulas, f"split on {separator!r}, Calc made formulas: {formulas}"

    # Split on the file's own separator, every name reads back whole, as text.
    texts = [c["text"] for c in cells_as_calc_reads_them(csv_file, ",", tmp_path)]
    for name in HOSTILE_NAMES:
        shown = defused(name).replace("\r", "\n")
        assert shown in texts, f"{name!r} did not read back as {shown!r}"
        assert shown.replace("'", "") == name.replace("'", "").replace("\r", "\n")


def test_the_same_names_written_naively_do_become_formulas(tmp_path: Path) -> None:
    """The harness sees an attack when there is one: plain csv.writer output, split on ";"."""
    naive = tmp_path / "naive.csv"
    with naive.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(
            [["id", "name"], *([n, name] for n, name in enumerate(HOSTILE_NAMES))]
        )
    formulas = [
        c["formula"] for c in cells_as_calc_reads_them(naive, ";", tmp_path) if c["formula"]
    ]
    assert "of:=1+1" in formulas


def test_the_dashboards_download_opens_in_a_spreadsheet_with_names_as_text(
    admin: TestClient, tmp_path: Path
) -> None:
    """Advocates → "Download this list (CSV)", searched: the owner API's file, so the same
    defence; Calc reads every row, accents and all, and a name starting with "=" stays text."""
    join_campaign(admin, "eve@example.nl", "=1+1")
    join_campaign(admin, "zoe@example.nl", "Zoë de Wit")
    join_campaign(admin, "bram@example.nl", "Bram")
    download = admin.get("/admin/advocates.csv?q=e")  # Eve and Zoë (their names), not Bram
    assert download.status_code == 200
    csv_file = tmp_path / "dashboard-advocates.csv"
    csv_file.write_bytes(download.content)
    for separator in (",", ";"):
        cells = cells_as_calc_reads_them(csv_file, separator, tmp_path)
        assert not [c for c in cells if c["formula"]], separator
    cells = cells_as_calc_reads_them(csv_file, ",", tmp_path)
    texts = [c["text"] for c in cells]
    assert texts[: len(ADVOCATE_COLUMNS)] == list(ADVOCATE_COLUMNS)
    assert "'=1+1" in texts and "Zoë de Wit" in texts and "Bram" not in texts
    eve = texts.index("'=1+1")
    assert cells[eve]["type"] == "string"  # text, not the number 2
