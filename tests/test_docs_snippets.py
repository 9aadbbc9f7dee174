"""The documentation's examples that can run, run: every shell block made only of curl and the
usual tools is executed with bash against a live Shareback (uvicorn on a free port, the block's
https://refer.example.com swapped for it), and must succeed with 2xx answers; the Python
examples (signing an order webhook, signing the shopper's identity, receiving an event, the
validation callback) are executed and talk to that server or to what it sends."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from docs_blocks import Block, blocks_of, commands
from shareback import identity
from shareback.app import create_app
from shareback.settings import Settings
from support import LiveServer, cash_for_the_referrer, free_port, order_paid, signed_headers

EXAMPLE_URL = "https://refer.example.com"
# A shell block runs here when every command in it is one of these.
RUNNABLE = {"curl", "openssl", "printf", "base64", "xxd", "jq", "date"}
API_KEY = "sbk_docs-examples-key"
IDENTITY_SECRET = "identity-secret-for-the-docs"


@pytest.fixture
def live(database_url: str, webhook_secret: str) -> Iterator[tuple[str, Settings]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=database_url,
        public_url=url,
        webhook_secrets=(webhook_secret,),
        identity_secret=IDENTITY_SECRET,
        admin_api_key=API_KEY,
        landing_url="https://shop.example.com/",
        shop_name="Brandpunt Koffie",
    )
    with LiveServer(create_app(settings), port=port):
        yield url, settings


def runnable(block: Block) -> bool:
    words = commands(block.text)
    return bool(words) and all(command[0] in RUNNABLE for command in words)


def python_block(defines: str) -> Block:
    found = [block for block in blocks_of("python") if f"def {defines}(" in block.text]
    assert len(found) == 1, defines
    return found[0]


def run_python(block: Block, **names: Any) -> dict[str, Any]:
    scope: dict[str, Any] = dict(names)
    exec(compile(block.text, block.name, "exec"), scope)
    return scope


def a_pending_referral(url: str, secret: str) -> None:
    """Anna joins, a friend follows her link and orders: a pending reward for each side."""
    email = "anna@example.nl"
    joined = httpx.post(
        f"{url}/api/v1/advocates",
        json={
            "campaign": "default",
            "email": email,
            "name": "Anna de Vries",
            "user_hash": identity.user_hash(IDENTITY_SECRET, email),
        },
    )
    assert joined.status_code == 200, joined.text
    hop = httpx.get(f"{url}/r/{joined.json()['code']}", headers={"user-agent": "Friend/1.0"})
    ref = hop.headers["location"].split("ref=", 1)[1]
    body = order_paid("docs-1", "femke@example.nl", "59.90", ref)
    answer = httpx.post(
        f"{url}/webhooks/orders", content=body, headers=signed_headers(secret, body, "docs-msg-1")
    )
    assert answer.json()["status"] == "recorded", answer.text


def test_the_shell_examples_run_against_a_live_server(
    live: tuple[str, Settings], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, settings = live
    secret = settings.webhook_secrets[0]
    cash_for_the_referrer(settings)  # approved, it waits for its payout: the list to pay
    a_pending_referral(url, secret)
    (tmp_path / "codes.csv").write_text("code\nWELKOM-A1B2\nWELKOM-C3D4\nWELKOM-E5F6\n")
    ran = []
    for block in blocks_of("sh"):
        if not runnable(block):
            continue
        script = (
            block.text.replace(EXAMPLE_URL, url)
            .replace("'whsec_…'", f"'{secret}'")
            .replace("curl -sS", "curl -sS --fail-with-body")
        )
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "KEY": API_KEY},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, (block.name, done.stdout, done.stderr)
        ran.append(block.name)
    # What the blocks did is there: the bulk approval, the pool, the endpoint, the order.
    assert (tmp_path / "payout.csv").read_text().count("\n") == 2
    headers = {"authorization": f"Bearer {API_KEY}"}
    pool = httpx.get(f"{url}/api/v1/campaigns/default/code-pool", headers=headers).json()
    assert pool["remaining"] == 3
    endpoints = httpx.get(f"{url}/api/v1/webhook-endpoints", headers=headers).json()["data"]
    assert [endpoint["events"] for endpoint in endpoints] == [["reward.approved"]]
    assert len(ran) >= 6, ran
    with capsys.disabled():
        print(f"\nshell blocks run against a live server: {len(ran)}")


def test_the_python_order_webhook_example_is_accepted(live: tuple[str, Settings]) -> None:
    url, settings = live
    block = python_block("send_order_webhook")
    code = "ANNA-7KQ2"
    block_url = block.text.replace(EXAMPLE_URL, url)
    send = run_python(Block(block.page, block.number, "python", block_url, ""))[
        "send_order_webhook"
    ]
    event = {
        "type": "order.paid",
        "data": {"order_id": "1001", "email": "friend@example.com", "total": "59.90", "ref": code},
    }
    answer = send(settings.webhook_secrets[0], event)
    # Signed right: the order is taken (the code is nobody's here, so it credits nobody).
    assert answer == {"status": "ignored", "reason": "unknown_ref"}, answer
    again = send(settings.webhook_secrets[0], event)
    assert again["status"] == "duplicate", again


def test_the_identity_example_signs_what_shareback_checks(live: tuple[str, Settings]) -> None:
    url, _ = live
    user_hash = run_python(python_block("shareback_user_hash"))["shareback_user_hash"]
    signed = user_hash(IDENTITY_SECRET, "anna@example.nl")
    assert identity.is_verified(IDENTITY_SECRET, "anna@example.nl", signed)
    joined = httpx.post(
        f"{url}/api/v1/advocates",
        json={"campaign": "default", "email": "anna@example.nl", "user_hash": signed},
    ).json()
    assert joined["verified"] is True


def docs_event(type_: str) -> bytes:
    """The reward.approved example of docs/events.md, as Shareback would send it."""
    examples = [
        json.loads(block.text) for block in blocks_of("json") if '"reward.approved"' in block.text
    ]
    assert len(examples) == 1
    return json.dumps({**examples[0], "type": type_}).encode()


def test_the_event_receiver_example_sends_the_email(webhook_secret: str) -> None:
    sent: list[dict[str, str]] = []
    scope = run_python(
        python_block("on_shareback_event"), send_email=lambda **mail: sent.append(mail)
    )
    body = docs_event("reward.approved")
    headers = signed_headers(webhook_secret, body, "msg_docs")
    scope["on_shareback_event"](body, headers, webhook_secret)
    assert [mail["to"] for mail in sent] == ["anna@example.nl"]
    assert "€5 tegoed" in sent[0]["subject"] and "/r/ANNA-7KQ2" in sent[0]["body"]
    with pytest.raises(Exception, match=r"(?i)signature"):
        scope["on_shareback_event"](
            body, {**headers, "webhook-signature": "v1,AAAA"}, webhook_secret
        )


def test_the_validation_example_answers_as_the_page_says(webhook_secret: str) -> None:
    returned: set[str] = set()
    scope = run_python(
        python_block("validate_reward"), order_was_returned=lambda source, id_: id_ in returned
    )
    body = docs_event("reward.validation")
    headers = signed_headers(webhook_secret, body, "msg_docs_validation")
    assert scope["validate_reward"](body, headers, webhook_secret) == (200, {})
    returned.add("1001")
    assert scope["validate_reward"](body, headers, webhook_secret) == (
        422,
        {"reason": "returned in store"},
    )


def test_every_python_block_is_run_or_compiled(capsys: pytest.CaptureFixture[str]) -> None:
    run = {"send_order_webhook", "shareback_user_hash", "on_shareback_event", "validate_reward"}
    found = blocks_of("python")
    executed = [block for block in found if any(f"def {name}(" in block.text for name in run)]
    assert len(executed) == len(run)
    # The rest need what only a shop has (Stripe's library and keys): compiled, in test_docs_site.
    for block in found:
        compile(block.text, block.name, "exec")
    with capsys.disabled():
        print(f"\npython blocks: {len(found)}, executed: {len(executed)}")
