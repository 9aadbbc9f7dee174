"""Jinja setup: Dutch money filters, versioned asset URLs and what every page needs."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from .cart import item_count
from .csrf import csrf_token
from .identity import logged_in_shopper, user_hash
from .money import euro, percent_label
from .state import shop_state

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"


def build_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["euro"] = euro
    env.filters["percent"] = percent_label
    env.filters["dutch_date"] = dutch_date
    versions = _asset_versions()
    env.globals["asset"] = lambda name: f"/assets/{name}?v={versions.get(name, '0')}"
    return Jinja2Templates(env=env, context_processors=[_page_context])


def _asset_versions() -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        for path in ASSETS.iterdir()
        if path.is_file()
    }


def _page_context(request: Request) -> dict[str, Any]:
    config = shop_state(request).config
    shopper = logged_in_shopper(request.session)
    return {
        "config": config,
        "shopper": shopper,
        # Identity verification for the widget: computed here, never in the browser.
        "user_hash": user_hash(config.identity_secret, shopper.email) if shopper else "",
        "cart_count": item_count(request.session),
        "csrf_token": csrf_token(request.session),
        "path": request.url.path,
    }


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    templates = shop_state(request).templates
    return templates.TemplateResponse(
        request, name, context or {}, status_code=status_code, headers=headers
    )


MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def dutch_date(moment: datetime) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
