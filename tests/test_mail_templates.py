"""Shareback's own wording: every journey in both languages renders with the names it offers, and
escapes what it shows in the HTML part."""

from __future__ import annotations

import dataclasses

import pytest
from shareback.mail import journeys
from shareback.mail.render import check, render, sample_variables


@pytest.mark.parametrize("key", sorted(journeys.DEFAULT_TEMPLATES))
def test_every_default_template_renders_in_both_languages(key: tuple[str, str]) -> None:
    template = journeys.DEFAULT_TEMPLATES[key]
    assert check(template) == {}
    rendered = render(template, sample_variables(*key))
    assert rendered.subject and "\n" not in rendered.subject
    assert "{{" not in rendered.text + rendered.html


@pytest.mark.parametrize("journey", journeys.JOURNEYS)
def test_the_html_part_escapes_every_value(journey: str) -> None:
    template = journeys.DEFAULT_TEMPLATES[(journey, "en")]
    names = journeys.VARIABLES[journey]
    hostile = {name: "<b>x</b>" for name in names}
    html = render(dataclasses.replace(template, subject="s"), hostile).html
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
