"""Shared fixtures: settings on a fresh SQLite file, the app with its lifespan, signed webhooks."""

from __future__ import annotations

import base64
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from standardwebhooks.webhooks import Webhook
from starlette.testclient import TestClient

from shareback.app import create_app
from shareback.settings import Settings

SHOP = "http://shop.test"
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130 Safari/537.36"


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def webhook_secret() -> str:
    return new_webhook_secret()


@pytest.fixture
def settings(tmp_path: Path, webhook_secret: str) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'shareback.db'}",
        public_url="http://refer.test",
        webhook_secrets=(webhook_secret,),
        identity_secret="identity-secret-for-tests",
        landing_url=f"{SHOP}/welcome?utm_source=referral",
        allowed_origins=(SHOP,),
        shop_name="Brandpunt Koffie",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as test_client:
        yield test_client


def signed_headers(secret: str, body: bytes, message_id: str, at: datetime | None = None) -> dict[str, str]:
    """Headers exactly as a Standard Webhooks sender makes them, signed by the reference package."""
    moment = at or datetime.now(UTC)
    signature = Webhook(secret).sign(message_id, moment, body.decode())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


def order_paid(order_id: str, email: str, total: str = "59.90", ref: str | None = None, **extra: Any) -> bytes:
    data = {"order_id": order_id, "email": email, "total": total, "currency": "EUR", "ref": ref, **extra}
    return json.dumps({"type": "order.paid", "data": data}).encode()


def order_refunded(order_id: str) -> bytes:
    return json.dumps({"type": "order.refunded", "data": {"order_id": order_id}}).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """An ASGI app served by uvicorn on a free loopback port, in a thread, for the length of a test."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on {self.url}")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
