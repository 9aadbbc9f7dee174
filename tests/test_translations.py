"""The catalogues cover every word shown: the messages are extracted from the sources with Babel
(as scripts/translations does) and each one without a checked translation is named, with where it
comes from. Dutch covers everything (the dashboard too); German and French the public messages
(the widget, the e-mails, the pages shoppers, friends and partners see)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog, Message
from shareback import catalogue, formats, i18n
from shareback.admin import activity, formatting
from shareback.rewards import RewardSpec
from shareback.storage.records import ActivityItem


def test_every_dashboard_message_has_a_checked_dutch_translation() -> None:
    template = catalogue.extract()
    assert len(template) > 700  # the templates and the Python both were read
    problems = catalogue.problems("nl", template)
    assert not problems, (
        f"{len(problems)} message(s) need work in {catalogue.po_path('nl')} "
        "(run scripts/translations, translate, remove '#, fuzzy'):\n"
        + "\n".join(str(problem) for problem in problems)
    )


@pytest.mark.parametrize("locale", ["de", "fr"])
def test_every_public_message_has_a_checked_german_and_french_translation(locale: str) -> None:
    template = catalogue.extract()
    public = catalogue.wanted_by(locale, template)
    assert 120 < len(public) < len(template) / 4  # the public part only, and all of it
    problems = catalogue.problems(locale, template)
    assert not problems, (
        f"{len(problems)} message(s) need work in {catalogue.po_path(locale)} "
        "(run scripts/translations, translate, remove '#, fuzzy'):\n"
        + "\n".join(str(problem) for problem in problems)
    )


def message(msgid: str, *places: str) -> Message:
    return Message(msgid, locations=[(place, 1) for place in places])


def test_public_messages_are_told_apart_by_where_they_come_from() -> None:
    assert catalogue.is_public(message("Copy link", "server/shareback/widget_texts.py"))
    assert catalogue.is_public(message("Hi", "server/shareback/mail/defaults.py"))
    # The advocate's page and the partner portal, wherever their modules and templates land.
    assert catalogue.is_public(message("Your rewards", "server/shareback/portal/page.py"))
    assert catalogue.is_public(message("Commission", "server/shareback/templates/partners/a.html"))
    assert catalogue.is_public(
        message("Overview", "server/shareback/admin/overview.py", "server/shareback/payout_page.py")
    )
    assert not catalogue.is_public(message("Overview", "server/shareback/admin/overview.py"))
    assert not catalogue.is_public(message("Sender", "server/shareback/mail/rules.py"))


def test_a_translation_that_drops_or_renames_a_placeholder_is_named() -> None:
    template = Catalog(locale=None)
    template.add("Share on {n}", locations=[("server/shareback/widget_texts.py", 1)])
    template.add("Hi {{ name }}", locations=[("server/shareback/mail/defaults.py", 1)])
    template.add("<p>{{ shop }}</p>", locations=[("server/shareback/mail/defaults.py", 2)])
    translated = Catalog(locale="de")
    translated.add("Share on {n}", "Auf {name} teilen")
    translated.add("Hi {{ name }}", "Hallo {{ naam }}")
    translated.add("<p>{{ shop }}</p>", "{{ shop }}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(catalogue, "read", lambda locale: translated)
        found = [(p.kind, p.msgid) for p in catalogue.problems("de", template)]
    assert found == [
        ("placeholders", "Share on {n}"),
        ("placeholders", "Hi {{ name }}"),
        ("markup", "<p>{{ shop }}</p>"),
    ]


def test_public_words_are_read_in_german_and_french() -> None:
    assert i18n.translate("de", "Copy link", "widget") == "Link kopieren"
    assert i18n.translate("fr", "Copy link", "widget") == "Copier le lien"
    assert i18n.translate("nl", "Copy link", "widget") == "Kopieer link"
    assert i18n.translate("nl", "Copy link") == "Link kopiëren"  # the dashboard's own
    assert i18n.translate("de", "Overview") == "Overview"  # the dashboard: English in German
    assert RewardSpec("percent_discount", "7.5").describe("de") == "7,5% Rabatt"
    assert RewardSpec("fixed_discount", "7.50").describe("fr") == "7,50\u00a0€ de réduction"


def test_the_catalogue_is_read_as_the_app_ships_it() -> None:
    with i18n.use_locale("nl"):
        assert i18n.gettext("Overview") == "Overzicht"
        assert i18n.ngettext("%(num)s click", "%(num)s clicks", 1) == "%(num)s klik"
        assert i18n.ngettext("%(num)s click", "%(num)s clicks", 3) == "%(num)s klikken"
    assert i18n.gettext("Overview") == "Overview"  # outside a request: English


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nl-NL,nl;q=0.9,en;q=0.8", "nl"),
        ("de-DE, nl;q=0.8, en;q=0.9", "en"),
        ("en;q=0, nl_BE", "nl"),
        ("fr, *;q=0.1", None),
        ("", None),
        (None, None),
        ("nl;q=abc, en", "en"),
    ],
)
def test_the_browsers_languages_are_read_by_preference(
    header: str | None, expected: str | None
) -> None:
    assert i18n.accepted_locale(header) == expected


def test_the_widgets_offers_use_the_same_number_rules_as_the_dashboard() -> None:
    percent = RewardSpec("percent_discount", "7.5")
    fixed = RewardSpec("fixed_discount", "7.50")
    assert percent.describe("nl") == "7,5% korting" and percent.describe("en") == "7.5% off"
    assert fixed.describe("nl") == "€\u00a07,50 korting" and fixed.describe("en") == "€7.50 off"
    assert RewardSpec("percent_discount", "10").describe("nl") == "10% korting"
    with i18n.use_locale("nl"):
        assert formatting.reward(fixed) == fixed.describe("nl")
        assert formatting.money_text(750) == formats.amount(750, "EUR", "nl")


def test_times_are_shown_in_the_shops_zone() -> None:
    late = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)  # 23:30 in Amsterdam
    with i18n.use_locale("nl", ZoneInfo("Europe/Amsterdam")):
        assert formatting.moment(late) == "1 dec 2026, 23:30"
        assert formatting.day(datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == "1 dec 2026"
        assert formatting.ago(late, late + timedelta(minutes=5)) == "5 minuten geleden"
        assert formatting.ago(late, late + timedelta(seconds=5)) == "zojuist"
    with i18n.use_locale("en", ZoneInfo("Europe/Amsterdam")):
        assert formatting.moment(late) == "1 Dec 2026, 23:30"
        assert formatting.percent(Decimal("0.075")) == "7.5%"
        assert formatting.moment(None) == formatting.day(None) == "—"


def test_raw_errors_become_plain_words() -> None:
    with i18n.use_locale("en"):
        assert formatting.error_words("ConnectError: All connection attempts failed") == (
            "The receiving server could not be reached."
        )
        assert formatting.error_words("HTTP 503") == "It answered with an error (HTTP 503)."
        assert formatting.error_words("HTTP 410") == "It refused the message (HTTP 410)."
        assert formatting.error_words("WeirdError: ?") == "Sending failed."
    with i18n.use_locale("nl"):
        assert formatting.error_words("ReadTimeout: timed out") == (
            "De ontvangende server deed er te lang over om te antwoorden."
        )


def item(kind: str, minute: int, code: str, detail: str = "") -> ActivityItem:
    return ActivityItem(kind, datetime(2026, 12, 1, 12, minute, tzinfo=UTC), code, detail)


def test_the_feed_groups_runs_of_alike_events_and_stays_short() -> None:
    items = [
        item("reward_approved", 59, "A", "scheduler"),
        item("reward_approved", 58, "B", "scheduler"),
        item("reward_approved", 57, "A", "scheduler"),
        item("reward_approved", 56, "C", "owner@shop.example"),
        item("click", 55, "A", "whatsapp"),
        *[item("joined", 50 - n, f"J{n}") for n in range(30)],
        item("click", 10, "B", "email"),
    ]
    groups = activity.group(items, limit=4)
    assert [(g.kind, g.count) for g in groups] == [
        ("reward_approved", 3),
        ("reward_approved", 1),
        ("click", 1),
        ("joined", 30),
    ]
    assert groups[0].codes == ["A", "B"] and groups[0].first_at.minute == 57
    names = {"A": "Anna de Vries", "B": "bram", "C": "Cees"}
    with i18n.use_locale("nl"):
        lines = [activity.line(g, names).text for g in groups]
    assert lines[0] == "3 beloningen goedgekeurd (Anna de Vries en bram): de wachttijd is voorbij"
    assert lines[1] == "Beloning voor Cees goedgekeurd door owner@shop.example"
    assert lines[2] == "Een vriend van Anna de Vries volgde de link via WhatsApp"
    assert lines[3].startswith("30 nieuwe ambassadeurs: J0, J1 en 28 anderen")
    with i18n.use_locale("en"):
        assert activity.line(groups[0], names).text == (
            "3 rewards approved (Anna de Vries and bram): the waiting period is over"
        )
    assert activity.person(None, "lotte.jansen@example.nl") == "lotte.jansen"
