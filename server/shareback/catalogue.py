"""The translation catalogues, kept in step with the sources (scripts/translations).

`extract()` collects every message the Python package and the templates mark for translation
(babel.cfg says where), `update()` merges them into each locale's .po (new ones empty, gone ones
kept as obsolete `#~` entries), and `problems()` lists what a locale still lacks: no translation,
a fuzzy one nobody checked, one whose source is gone, or placeholders or markup that differ.
Dutch covers every message (the dashboard too); German and French the public ones
(PUBLIC_PLACES: the widget, the e-mails, the pages shoppers, friends and partners see).
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from shareback import i18n

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "babel.cfg"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "N_": None,
    "NP_": ((1, "c"), 2),
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
TRANSLATED = tuple(locale for locale in i18n.PUBLIC_LOCALES if locale != "en")
# What shoppers, friends and partners read: a message from one of these places is public, and
# German and French (the public-only languages, not in i18n.LOCALES) need exactly those. The
# dashboard's own words stay Dutch and English. A public page of its own (the advocate's page,
# the partner portal) lives in one of these, so `scripts/translations` picks its words up.
PUBLIC_PLACES = (
    "server/shareback/widget_texts.py",
    "server/shareback/contest_board.py",
    "server/shareback/api/campaign_widget.py",
    "server/shareback/wording.py",
    "server/shareback/rewards.py",
    "server/shareback/api/messages.py",
    "server/shareback/error_page.py",
    "server/shareback/home.py",
    "server/shareback/link_pages.py",
    "server/shareback/payout_page.py",
    "server/shareback/mail/defaults.py",
    "server/shareback/mail/journeys.py",
    "server/shareback/mail/render.py",
    "server/shareback/mail/routes.py",
    "server/shareback/mail/variables.py",
    "server/shareback/portal/*",
    "server/shareback/partners/*",
    "server/shareback/portal*.py",
    "server/shareback/partner*.py",
    "server/shareback/templates/public/*",
    "server/shareback/templates/portal/*",
    "server/shareback/templates/partners/*",
)


def is_public(message: Message) -> bool:
    return any(
        fnmatch.fnmatch(file.replace(os.sep, "/"), place)
        for file, _line in message.locations
        for place in PUBLIC_PLACES
    )


def wanted_by(locale: str, template: Catalog) -> Catalog:
    """The messages a locale translates: all of them for a dashboard language, the public ones
    for a public-only language."""
    if locale in i18n.LOCALES:
        return template
    public = Catalog(project="Shareback", domain=i18n.DOMAIN, locale=None)
    for message in template:
        if message.id and is_public(message):
            public[message.id] = message
    return public


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def extract() -> Catalog:
    """Every marked message in the sources, with the places it comes from."""
    with MAPPING.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    template = Catalog(project="Shareback", domain=i18n.DOMAIN, creation_date=datetime.now(UTC))
    found = extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    )
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.is_file():
        return Catalog(
            locale=locale,
            domain=i18n.DOMAIN,
            project="Shareback",
            version="",
            copyright_holder="Shareback",
            msgid_bugs_address="",
            last_translator="Shareback",
            language_team="",
            header_comment=f"# The words in {locale}: scripts/translations keeps it in step.",
            fuzzy=False,
        )
    with path.open("rb") as po:
        return read_po(po, locale=locale, domain=i18n.DOMAIN)


def update(locale: str, template: Catalog) -> Catalog:
    """The locale's .po with every message of `template`: new ones untranslated (never guessed
    from a similar one), gone ones moved to the obsolete entries at the end."""
    catalog = read(locale)
    catalog.update(wanted_by(locale, template), no_fuzzy_matching=True, update_header_comment=False)
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalog, width=100, sort_output=False, include_previous=False)
    return catalog


@dataclass(frozen=True)
class Problem:
    kind: str  # "missing", "fuzzy", "stale", "placeholders", "markup"
    msgid: str
    where: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.msgid!r}" + (f" ({self.where})" if self.where else "")


def _key(message_id: str | Sequence[str], context: str | None) -> tuple[str, str | None]:
    return (message_id if isinstance(message_id, str) else message_id[0], context)


def _tags(text: str | Sequence[str] | None) -> list[str]:
    joined = text if isinstance(text, str) else " ".join(text or ())
    return sorted(re.findall(r"</?[a-zA-Z][^>]*>", joined))


def _fields(text: str | Sequence[str] | None) -> list[str]:
    joined = text if isinstance(text, str) else " ".join(text or ())
    return sorted(re.findall(r"\{\{-?\s*(\w+)|\{%-?\s*(\w+)|(?<!\{)\{(\w*)\}", joined))


def problems(locale: str, template: Catalog | None = None) -> list[Problem]:
    """What the locale's .po lacks for the sources' messages, in the sources' order."""
    template = wanted_by(locale, template if template is not None else extract())
    catalog = read(locale)
    found: list[Problem] = []
    wanted = set()
    for message in template:
        if not message.id:
            continue
        key = _key(message.id, message.context)
        wanted.add(key)
        where = ", ".join(f"{file}:{line}" for file, line in message.locations[:2])
        translated = catalog.get(message.id, message.context)
        strings = (
            translated.string
            if translated is not None and isinstance(translated.string, tuple)
            else (translated.string if translated is not None else "",)
        )
        if translated is None or not all(strings):
            found.append(Problem("missing", key[0], where))
        elif translated.fuzzy:
            found.append(Problem("fuzzy", key[0], where))
        elif any(translated.check(catalog)):
            found.append(Problem("placeholders", key[0], where))
        elif _fields(message.id) != _fields(translated.string):
            # {name} (str.format) and {{ name }} (the e-mails' Jinja2) are filled in by name.
            found.append(Problem("placeholders", key[0], where))
        elif _tags(message.id) != _tags(translated.string):
            # The dashboard's templates put translations in the page as HTML: a translation
            # may not add or drop markup ("<" is written &lt; in a message).
            found.append(Problem("markup", key[0], where))
    for message in catalog:
        if message.id and _key(message.id, message.context) not in wanted:
            found.append(Problem("stale", _key(message.id, message.context)[0]))
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "update"
    template = extract()
    if command == "update":
        for locale in TRANSLATED:
            update(locale, template)
    elif command != "check":
        print("usage: scripts/translations [update|check]", file=sys.stderr)
        return 2
    status = 0
    for locale in TRANSLATED:
        left = problems(locale, template)
        print(f"{locale}: {len(wanted_by(locale, template))} messages, {len(left)} to do")
        for problem in left:
            print(f"  {problem}")
        status = status or (1 if left else 0)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
