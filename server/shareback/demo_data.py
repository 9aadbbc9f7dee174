"""Six weeks of made-up but plausible activity for the demo, so the dashboard has a story to tell."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

from shareback import codes, emails, shop_days, visitors
from shareback.attribution import Candidate
from shareback.storage.base import Advocate, Campaign, PaidOrder, Store

ADVOCATES = (
    ("anna@example.nl", "Anna de Vries"),
    ("joost@example.nl", "Joost Bakker"),
    ("sanne@example.nl", "Sanne Visser"),
    ("daan@example.nl", "Daan Smit"),
    ("lotte@example.nl", "Lotte Mulder"),
)
FRIENDS = (
    "Femke",
    "Bram",
    "Noor",
    "Lars",
    "Eva",
    "Thijs",
    "Fleur",
    "Sem",
    "Julia",
    "Ruben",
    "Tess",
)
CHANNELS = ("whatsapp",) * 6 + ("email",) * 2 + ("facebook", "copy", "qr", "sms", "telegram", "x")
BASKETS = ("24.50", "31.90", "38.00", "42.75", "49.90", "57.40", "64.00")
DAYS = 42


async def seed_history(store: Store, campaign: Campaign, now: datetime) -> int:
    """Adds the history once: a database that already has clicks is left as it is."""
    rand = random.Random(2026)
    if (await store.list_advocates(campaign_id=campaign.id, limit=1)) and (
        await store.list_referrals(campaign_id=campaign.id, limit=1)
    ):
        return 0
    start = now - timedelta(days=DAYS)
    advocates: list[Advocate] = []
    for n, (email, name) in enumerate(ADVOCATES):
        joined = start + timedelta(days=n * 4, hours=rand.randint(8, 20))
        advocate, _ = await store.advocate_for(
            campaign.id,
            email,
            emails.email_key(email),
            name,
            True,
            codes.code_prefix(name),
            joined,
        )
        advocates.append(advocate)
    orders = 0
    newcomers: list[Advocate] = []
    for day in range(DAYS):
        moment = start + timedelta(days=day)
        growth = 1 + day / 14  # word of mouth builds up
        # The shop's other orders: its webhook reports every paid order, referred or not, so
        # "average order, referred vs all" compares with all of them.
        for n in range(rand.randint(5, 9)):
            paid_at = moment + timedelta(minutes=rand.randint(0, 1439))
            if paid_at >= now:
                continue
            customer = f"customer{day}-{n}@example.com"
            await store.record_paid_order(
                f"demo-walkin-{day}-{n}",
                PaidOrder(
                    source="orders",
                    order_id=f"W{day:02d}{n}",
                    email=customer,
                    email_key=customer,
                    total_minor=int(rand.choice(BASKETS).replace(".", "")) + 1000,
                    currency="EUR",
                    paid_at=paid_at,
                ),
                None,
                "no_ref",
            )
            # A third take their link on the thank-you page; most never share it.
            if rand.random() < 0.35:
                quiet, _ = await store.advocate_for(
                    campaign.id, customer, customer, None, True, codes.code_prefix(None), paid_at
                )
                newcomers.append(quiet)
        for _ in range(int(rand.randint(4, 9) * growth)):
            at = moment + timedelta(minutes=rand.randint(0, 1439))
            await store.record_event(campaign.id, None, "open", None, at)
        for _ in range(int(rand.randint(2, 6) * growth)):
            # The named advocates share most; now and then a newcomer shares their link.
            pool = newcomers if newcomers and rand.random() < 0.1 else advocates[: 2 + day // 10]
            advocate = rand.choice(pool)
            at = moment + timedelta(minutes=rand.randint(0, 1439))
            channel = rand.choice(CHANNELS)
            kind = channel if channel in ("copy", "qr") else "share"
            await store.record_event(
                campaign.id, advocate.id, kind, channel if kind == "share" else None, at
            )
            for _ in range(rand.choice((0, 1, 1, 2, 3))):
                click_at = at + timedelta(minutes=rand.randint(1, 600))
                if click_at >= now:
                    continue
                token = secrets.token_urlsafe(6)
                ip = f"198.51.100.{rand.randint(1, 254)}"
                device = rand.choice(("mobile", "mobile", "mobile", "desktop", "tablet"))
                salt = await store.ip_salt_for(shop_days.local_day(click_at, store.zone))
                await store.record_click(
                    advocate.id, token, channel, visitors.ip_hash(salt, ip), device, click_at
                )
                if rand.random() < 0.16:
                    orders += 1
                    friend = rand.choice(FRIENDS)
                    paid_at = click_at + timedelta(hours=rand.randint(1, 30))
                    if paid_at >= now:
                        continue
                    await store.record_paid_order(
                        f"demo-{orders}",
                        PaidOrder(
                            source="orders",
                            order_id=f"D{1000 + orders}",
                            email=f"{friend.lower()}{orders}@example.com",
                            email_key=f"{friend.lower()}{orders}@example.com",
                            total_minor=int(rand.choice(BASKETS).replace(".", "")),
                            currency="EUR",
                            paid_at=paid_at,
                            name=friend,
                        ),
                        Candidate(
                            advocate.id,
                            advocate.email_key,
                            campaign.id,
                            "link",
                            token,
                            click_at,
                        ),
                        "no_ref",
                    )
    await store.approve_due_rewards(now)
    return orders


def new_demo_password() -> str:
    return secrets.token_urlsafe(9)
