"""The shop's settings: where Shareback lives and the secrets shared with it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field


def _random_session_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class ShopConfig:
    backend_url: str  # Shareback's public URL, e.g. http://127.0.0.1:8000
    # "whsec_<base64>", signs POST {backend_url}/webhooks/orders
    webhook_secret: str = field(repr=False)
    # signs data-user-hash for logged-in shoppers
    identity_secret: str = field(repr=False)
    campaign: str = "default"
    session_secret: str = field(default_factory=_random_session_secret, repr=False)
    webhook_url: str | None = None  # defaults to backend_url + "/webhooks/orders"

    @property
    def backend(self) -> str:
        return self.backend_url.rstrip("/")

    @property
    def order_webhook_url(self) -> str:
        return self.webhook_url or f"{self.backend}/webhooks/orders"

    @property
    def widget_script_url(self) -> str:
        return f"{self.backend}/widget.js"
