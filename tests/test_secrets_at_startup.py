"""Every configured secret is checked when Shareback starts: a malformed one stops the start with
a message naming its variable, instead of answering every webhook 500. Secrets the reference
libraries accept (an unpadded whsec_, Svix's header names) work end to end."""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner
from shareback.app import create_app
from shareback.cli import main
from shareback.settings import Settings, SettingsError
from starlette.testclient import TestClient
from support import new_webhook_secret, order_paid, signed_headers

MALFORMED = [
    ({"SHAREBACK_WEBHOOK_SECRET": "whsec_not base64!"}, "SHAREBACK_WEBHOOK_SECRET"),
    ({"SHAREBACK_WEBHOOK_SECRET": "whsec_"}, "SHAREBACK_WEBHOOK_SECRET"),
    ({"SHAREBACK_WEBHOOK_SECRET": "whsec_bmV3 whsec_b2x*"}, "SHAREBACK_WEBHOOK_SECRET"),
    ({"SHAREBACK_WEBHOOK_SECRET": "whsec_A"}, "SHAREBACK_WEBHOOK_SECRET"),  # 6 bits: no byte
    ({"SHAREBACK_STRIPE_WEBHOOK_SECRET": "sk_live_123"}, "SHAREBACK_STRIPE_WEBHOOK_SECRET"),
    ({"SHAREBACK_SHOPIFY_SECRET": "abc123\n"}, "SHAREBACK_SHOPIFY_SECRET"),
    ({"SHAREBACK_WOOCOMMERCE_SECRET": " koffie"}, "SHAREBACK_WOOCOMMERCE_SECRET"),
    ({"SHAREBACK_SECRET_KEY": "key\x00"}, "SHAREBACK_SECRET_KEY"),
    ({"SHAREBACK_IDENTITY_SECRET": "\tshared"}, "SHAREBACK_IDENTITY_SECRET"),
    ({"SHAREBACK_ADMIN_API_KEY": "admin-key "}, "SHAREBACK_ADMIN_API_KEY"),
]


@pytest.mark.parametrize(("environ", "variable"), MALFORMED)
def test_a_malformed_secret_stops_the_start_naming_its_variable(
    environ: dict[str, str], variable: str
) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env(environ)
    assert variable in str(info.value)
    shown = environ[variable].strip()
    assert len(shown) < 8 or shown not in str(info.value)  # the secret itself is never shown


def test_settings_given_in_code_are_checked_by_the_app_factory(settings: Settings) -> None:
    with pytest.raises(SettingsError, match="SHAREBACK_WEBHOOK_SECRET"):
        create_app(dataclasses.replace(settings, webhook_secrets=("whsec_%%%",)))


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["migrate"]])
def test_the_cli_refuses_to_start_with_a_clear_message(
    command: list[str], database_url: str
) -> None:
    environ = {"SHAREBACK_DATABASE_URL": database_url, "SHAREBACK_WEBHOOK_SECRET": "whsec_%%%"}
    result = CliRunner().invoke(main, command, env=environ)
    assert result.exit_code == 1
    assert "Error: SHAREBACK_WEBHOOK_SECRET" in result.output
    assert "Traceback" not in result.output


def test_rotating_stripe_secrets_with_a_space_is_fine() -> None:
    settings = Settings.from_env({"SHAREBACK_STRIPE_WEBHOOK_SECRET": "whsec_new whsec_old"})
    assert settings.stripe_webhook_secret == "whsec_new whsec_old"


@pytest.fixture
def unpadded_secret() -> str:
    return new_webhook_secret().rstrip("=")


def test_an_unpadded_whsec_secret_receives_orders(settings: Settings, unpadded_secret: str) -> None:
    """It was a 500 on every order webhook; the reference libraries accept it, so do we."""
    configured = Settings.from_env({"SHAREBACK_WEBHOOK_SECRET": unpadded_secret})
    assert configured.webhook_secrets == (unpadded_secret,)
    app = create_app(dataclasses.replace(settings, webhook_secrets=configured.webhook_secrets))
    body = order_paid("unpadded-1", "friend@example.com")
    with TestClient(app) as client:
        headers = signed_headers(unpadded_secret, body, "msg_unpadded")
        response = client.post("/webhooks/orders", content=body, headers=headers)
    # Verified and read: no ref, so no referral (a wrong secret would be a 401, a bad one a 500).
    assert response.json() == {"status": "ignored", "reason": "no_ref"}, response.text


def test_svix_headers_are_accepted_on_the_order_webhook(
    client: TestClient, webhook_secret: str
) -> None:
    body = order_paid("svix-1", "friend@example.com")
    headers = {
        k.replace("webhook-", "svix-"): v
        for k, v in signed_headers(webhook_secret, body, "msg_svix").items()
    }
    first = client.post("/webhooks/orders", content=body, headers=headers)
    assert first.json() == {"status": "ignored", "reason": "no_ref"}, first.text
    again = client.post("/webhooks/orders", content=body, headers=headers)
    assert again.json()["status"] == "duplicate"
