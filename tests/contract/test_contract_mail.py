"""Contract: e-mail: settings and templates, planning once per occasion, leased claims, attempts,
resending dead letters, and the suppression list."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from shareback.mail import journeys
from shareback.storage.base import Store
from shareback.storage.records import MailSettings, MailTemplate
from store_contract import T0, assert_moment, at, contract, join, make_campaign, refer

LEASE = timedelta(minutes=2)


async def plan_one(
    store: Store, campaign_id: int, key: str = "k1", email: str = "anna@example.nl"
) -> bool:
    return await store.plan_mail(
        campaign_id, journeys.INVITE, key, email, email.lower(), "Anna", {"order_id": "1"}, T0
    )


@contract("mail_settings", "set_mail_settings")
async def test_mail_settings_default_until_set_and_then_kept(store: Store) -> None:
    campaign = await make_campaign(store)
    assert await store.mail_settings(campaign.id) == journeys.defaults(campaign.id)
    mine = MailSettings(campaign.id, "Shop <hi@shop.example>", "nl", ("invite", "reminder"), 3)
    await store.set_mail_settings(mine, T0)
    assert await store.mail_settings(campaign.id) == mine
    again = dataclasses.replace(mine, sender=None, journeys=())
    await store.set_mail_settings(again, at(1))
    assert await store.mail_settings(campaign.id) == again


@contract("mail_templates", "set_mail_template")
async def test_templates_are_kept_per_journey_and_language_and_reset(store: Store) -> None:
    campaign = await make_campaign(store)
    assert await store.mail_templates(campaign.id) == []
    nl = MailTemplate("invite", "nl", "Hoi", "Tekst {{ link }}", "<p>{{ link }}</p>")
    en = MailTemplate("invite", "en", "Hi", "Text", "<p>x</p>")
    await store.set_mail_template(campaign.id, nl, "invite", "nl", T0)
    await store.set_mail_template(campaign.id, en, "invite", "en", T0)
    changed = dataclasses.replace(nl, subject="Hallo")
    await store.set_mail_template(campaign.id, changed, "invite", "nl", at(1))
    assert await store.mail_templates(campaign.id) == [en, changed]
    await store.set_mail_template(campaign.id, None, "invite", "en", at(2))
    assert await store.mail_templates(campaign.id) == [changed]


@contract("plan_mail", "list_mail", "mail_counts")
async def test_a_message_is_planned_once_per_key_and_only_for_journeys_sent(store: Store) -> None:
    campaign = await make_campaign(store)
    assert await plan_one(store, campaign.id) is True
    assert await plan_one(store, campaign.id) is False  # a replay
    await store.set_mail_settings(MailSettings(campaign.id, None, "en", ("reminder",), 7), T0)
    assert await plan_one(store, campaign.id, "k2") is False  # invite switched off
    assert await plan_one(store, campaign.id + 99, "k3") is False  # no such campaign
    [row] = await store.list_mail()
    assert (row.journey, row.recipient, row.status, row.attempts) == (
        "invite",
        "anna@example.nl",
        "pending",
        0,
    )
    assert_moment(row.created_at, T0)
    assert (await store.mail_counts())["pending"] == 1
    assert await store.list_mail(status="sent") == []
    assert await store.list_mail(before=row.id) == []


@contract("plan_mail")
async def test_orders_and_reward_changes_plan_their_messages_in_their_transaction(
    store: Store,
) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await refer(store, campaign, anna, "1001", "femke@example.com")
    planned = sorted((m.journey, m.recipient) for m in await store.list_mail())
    assert planned == [("invite", "femke@example.com"), ("reward_pending", "anna@example.nl")]
    assert await store.approve_due_rewards(at(30)) == 2
    planned = sorted((m.journey, m.recipient) for m in await store.list_mail())
    assert ("reward_approved", "anna@example.nl") in planned
    assert [j for j, _ in planned].count("reward_approved") == 1  # the referrer's side only


@contract("claim_mail", "finish_mail", "mail_attempts")
async def test_due_messages_are_leased_to_one_sender_and_every_attempt_kept(store: Store) -> None:
    campaign = await make_campaign(store)
    await plan_one(store, campaign.id, "a")
    await plan_one(store, campaign.id, "b", "mark@example.nl")
    assert await store.claim_mail("w0", T0 - timedelta(seconds=1), LEASE, 10) == []  # not yet due
    first = await store.claim_mail("w1", T0, LEASE, 1)
    second = await store.claim_mail("w2", T0, LEASE, 10)
    assert len(first) == 1 and len(second) == 1 and first[0].id != second[0].id
    assert await store.claim_mail("w3", at(seconds=60), LEASE, 10) == []  # both leased
    mail = first[0]
    assert (mail.journey, mail.recipient, mail.facts, mail.contact_lang) == (
        "invite",
        "anna@example.nl",
        {"order_id": "1"},
        None,
    )
    retry = at(seconds=30)
    assert (
        await store.finish_mail(
            mail.id, "w2", status="sent", error=None, duration_ms=1, now=at(seconds=1)
        )
        is False
    )
    assert await store.finish_mail(
        mail.id,
        "w1",
        status="pending",
        error="SMTPServerDisconnected",
        duration_ms=5,
        now=at(seconds=1),
        retry_at=retry,
    )
    assert await store.claim_mail("w4", at(seconds=29), LEASE, 10) == []
    [again] = await store.claim_mail("w4", retry, LEASE, 10)
    assert again.attempts == 1
    assert await store.finish_mail(
        again.id,
        "w4",
        status="sent",
        error=None,
        duration_ms=7,
        now=retry,
        message_id="<sb.1@shop.example>",
        subject="Hi",
        lang="en",
    )
    row = (await store.list_mail(status="sent"))[0]
    assert (row.message_id, row.subject, row.lang, row.attempts, row.last_error) == (
        "<sb.1@shop.example>",
        "Hi",
        "en",
        2,
        None,
    )
    assert_moment(row.sent_at, retry)
    attempts = await store.mail_attempts(again.id)
    assert [(a.error, a.duration_ms) for a in attempts] == [
        ("SMTPServerDisconnected", 5),
        (None, 7),
    ]
    assert_moment(attempts[0].at, at(seconds=1))


@contract("resend_mail", "finish_mail")
async def test_a_dead_letter_can_be_sent_again_and_nothing_else_can(store: Store) -> None:
    campaign = await make_campaign(store)
    await plan_one(store, campaign.id)
    [mail] = await store.claim_mail("w", T0, LEASE, 10)
    assert await store.resend_mail(mail.id, at(1)) is False  # still pending
    await store.finish_mail(
        mail.id, "w", status="dead", error="550 no such user", duration_ms=1, now=T0
    )
    assert await store.resend_mail(mail.id, at(1)) is True
    [row] = await store.list_mail()
    assert (row.status, row.attempts) == ("pending", 0)
    assert len(await store.claim_mail("w", at(1), LEASE, 10)) == 1


@contract("remember_mail_lang", "claim_mail")
async def test_the_shoppers_language_comes_with_the_claimed_message(store: Store) -> None:
    campaign = await make_campaign(store)
    await store.remember_mail_lang("anna@example.nl", "en", T0)
    await store.remember_mail_lang("anna@example.nl", "nl", at(1))
    await plan_one(store, campaign.id)
    [mail] = await store.claim_mail("w", T0, LEASE, 10)
    assert mail.contact_lang == "nl"


@contract("suppress_address", "is_suppressed")
async def test_an_address_is_suppressed_once(store: Store) -> None:
    assert await store.is_suppressed("h1") is False
    assert await store.suppress_address("h1", "unsubscribed", T0) is True
    assert await store.suppress_address("h1", "unsubscribed", at(1)) is False
    assert await store.is_suppressed("h1") is True
    assert await store.is_suppressed("h2") is False


@contract("plan_mail_reminders")
async def test_one_reminder_to_advocates_who_never_shared(store: Store) -> None:
    campaign = await make_campaign(store)
    quiet = await join(store, campaign, "quiet@example.nl", "Quiet", when=T0)
    sharer = await join(store, campaign, "sharer@example.nl", "Sharer", when=T0)
    await store.record_event(campaign.id, sharer.id, "share", "whatsapp", at(1))
    await join(store, campaign, "new@example.nl", "New", when=at(6))
    assert await store.plan_mail_reminders(at(6)) == 0  # nobody's seven days are up
    assert await store.plan_mail_reminders(at(7, seconds=1)) == 1
    assert await store.plan_mail_reminders(at(8)) == 0  # once
    [row] = await store.list_mail()
    assert (row.journey, row.recipient) == ("reminder", quiet.email)
    assert await store.plan_mail_reminders(at(13, seconds=1)) == 1  # "new", its day come
    # Switched on late: who joined long before their reminder day gets none.
    late = await make_campaign(store, slug="late")
    await join(store, late, "old@example.nl", "Old", when=T0)
    assert await store.plan_mail_reminders(at(30)) == 0


@contract("plan_mail_summaries")
async def test_owners_get_last_weeks_summary_once_for_campaigns_that_ask(store: Store) -> None:
    campaign = await make_campaign(store)
    for email, role in (("olga@shop.example", "owner"), ("fien@shop.example", "finance")):
        await store.create_admin_user(email, "hash", T0, role)
    assert await store.plan_mail_summaries(T0) == 0  # not asked for: off by default
    await store.set_mail_settings(
        dataclasses.replace(
            journeys.defaults(campaign.id), journeys=(*journeys.DEFAULT_JOURNEYS, "summary")
        ),
        T0,
    )
    assert await store.plan_mail_summaries(T0) == 1  # the owner only
    assert await store.plan_mail_summaries(at(hours=5)) == 0  # the same week: once
    [row] = await store.list_mail()
    assert (row.journey, row.recipient) == ("summary", "olga@shop.example")
    [due] = await store.claim_mail("w", T0, LEASE, 10)
    # T0 is Sunday 1 June 2025: the week before is 19-26 May.
    assert due.facts == {"start": "2025-05-19T00:00:00+00:00", "end": "2025-05-26T00:00:00+00:00"}
    assert await store.plan_mail_summaries(at(1, hours=1)) == 1  # Monday: a new week
