"""What the order page tells the shopper about Shareback's answer to a webhook, in Dutch."""

from __future__ import annotations

from dataclasses import dataclass

from .webhook import Delivery


@dataclass(frozen=True)
class Notice:
    tone: str  # "ok" | "muted" | "warn", a CSS modifier
    title: str
    detail: str | None = None
    code: str | None = None  # Shareback's own words, for the curious


IGNORED_REASONS = {
    "no_ref": "deze bestelling kwam niet via een uitnodiging",
    "invalid_ref": "de uitnodigingslink is ongeldig",
    "unknown_ref": "de uitnodigingslink is onbekend",
    "ref_expired": "de uitnodiging is verlopen",
    "self_referral": "je kunt jezelf niet uitnodigen",
    "repeat_customer": "de actie geldt alleen voor nieuwe klanten",
    "already_referred": "deze klant was al eerder uitgenodigd",
    "missing_email": "de bestelling had geen e-mailadres",
    "campaign_archived": "de actie is afgelopen",
    "campaign_inactive": "de actie loopt op dit moment niet",
    "campaign_draft": "de actie is nog niet gestart",
    "unknown_order": "Shareback kent deze bestelling niet",
}


def describe_delivery(
    delivery: Delivery | None, *, recorded: str, not_delivered: str
) -> Notice | None:
    if delivery is None:
        return None
    code = f"{delivery.status}: {delivery.reason}" if delivery.reason else delivery.status
    if delivery.status == "recorded":
        return Notice("ok", recorded, code=code)
    if delivery.status == "duplicate":
        return Notice("muted", "Was al eerder doorgegeven aan Shareback", code=code)
    if delivery.status == "ignored":
        reason = IGNORED_REASONS.get(delivery.reason or "")
        return Notice("muted", "Geen beloning", reason, code=code)
    if delivery.http_status is None or delivery.http_status >= 500:
        detail = "Shareback was niet bereikbaar. Je bestelling is gewoon geplaatst."
    else:
        detail = "Shareback weigerde het bericht. Je bestelling is gewoon geplaatst."
    return Notice("warn", not_delivered, detail, code=delivery.error)
