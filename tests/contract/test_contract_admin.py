"""Contract: admin users and their roles, sessions, sign-in attempts, two-factor secrets and
recovery codes, and API keys with their scopes, the same on every engine."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta, timezone

from shareback.storage.base import Store
from shareback.storage.records import TwoFactorState
from store_contract import T0, assert_moment, at, contract


@contract("create_admin_user", "admin_user")
async def test_an_address_has_one_admin_account_whatever_its_case(store: Store) -> None:
    # A time in another zone is stored as the same instant and read back in UTC.
    amsterdam = T0.astimezone(timezone(timedelta(hours=2)))
    user = await store.create_admin_user("Owner@Shop.Example", "hash-1", amsterdam)
    assert user is not None
    assert (user.email, user.password_hash, user.last_login_at) == (
        "owner@shop.example",
        "hash-1",
        None,
    )
    assert isinstance(user.id, int)
    assert_moment(user.created_at, T0)
    assert await store.create_admin_user("OWNER@shop.example", "hash-2", at(1)) is None
    assert await store.admin_user("owner@SHOP.example") == user
    assert await store.admin_user("nobody@shop.example") is None


@contract("admin_users")
async def test_admin_users_are_listed_by_address(store: Store) -> None:
    assert await store.admin_users() == []
    for email in ("zoe@shop.example", "anna@shop.example", "mark@shop.example"):
        await store.create_admin_user(email, "h", T0)
    assert [u.email for u in await store.admin_users()] == [
        "anna@shop.example",
        "mark@shop.example",
        "zoe@shop.example",
    ]


@contract("set_admin_password")
async def test_a_new_password_ends_every_session_of_that_user(store: Store) -> None:
    owner = await store.create_admin_user("owner@shop.example", "old", T0)
    other = await store.create_admin_user("other@shop.example", "theirs", T0)
    assert owner is not None and other is not None
    await store.start_session("tok-owner", owner.id, "csrf", T0, at(1))
    await store.start_session("tok-other", other.id, "csrf", T0, at(1))
    assert await store.set_admin_password("OWNER@shop.example", "new") is True
    changed = await store.admin_user("owner@shop.example")
    assert changed is not None and changed.password_hash == "new"
    assert await store.session("tok-owner", T0) is None
    assert await store.session("tok-other", T0) is not None
    assert await store.set_admin_password("nobody@shop.example", "x") is False
    # Setting the same password again still answers True: the account exists.
    assert await store.set_admin_password("owner@shop.example", "new") is True


@contract("delete_admin_user")
async def test_deleting_a_user_ends_their_sessions_once(store: Store) -> None:
    user = await store.create_admin_user("owner@shop.example", "h", T0)
    assert user is not None
    await store.start_session("tok", user.id, "csrf", T0, at(1))
    assert await store.delete_admin_user(user.id) is True
    assert await store.session("tok", T0) is None
    assert await store.admin_user("owner@shop.example") is None
    assert await store.delete_admin_user(user.id) is False
    assert await store.delete_admin_user(987654) is False
    # The address is free again.
    assert await store.create_admin_user("owner@shop.example", "h2", T0) is not None


@contract("start_session", "session", "end_session")
async def test_a_session_lives_until_it_expires_or_ends(store: Store) -> None:
    user = await store.create_admin_user("owner@shop.example", "h", T0)
    assert user is not None
    expires = at(hours=12)
    await store.start_session("tok", user.id, "csrf-1", at(minutes=1), expires)
    found = await store.session("tok", at(hours=1))
    assert found is not None
    assert (found.user.id, found.user.email, found.csrf_token) == (
        user.id,
        "owner@shop.example",
        "csrf-1",
    )
    assert_moment(found.expires_at, expires)
    # Starting a session stamps the login.
    assert_moment(found.user.last_login_at, at(minutes=1))
    # Valid strictly before its expiry.
    assert await store.session("tok", expires - timedelta(microseconds=1)) is not None
    assert await store.session("tok", expires) is None
    assert await store.session("unknown", at(hours=1)) is None
    await store.end_session("tok")
    assert await store.session("tok", at(hours=1)) is None
    await store.end_session("tok")  # ending it again changes nothing
    await store.end_session("never-started")


@contract("start_session")
async def test_starting_a_session_sweeps_expired_ones(store: Store) -> None:
    user = await store.create_admin_user("owner@shop.example", "h", T0)
    assert user is not None
    await store.start_session("old", user.id, "c", T0, at(hours=1))
    await store.start_session("new", user.id, "c", at(days=2), at(days=3))
    # Past its expiry the old session is gone even for a clock that says it is still valid.
    assert await store.session("old", T0) is None
    assert await store.session("new", at(days=2)) is not None


@contract("count_login_attempt", "clear_login_failures")
async def test_sign_in_attempts_are_counted_under_every_key_up_to_the_limit(store: Store) -> None:
    keys = ("email:owner@shop.example", "ip:203.0.113.7")
    for minutes in range(3):
        assert await store.count_login_attempt(keys, T0, at(minutes=minutes), 3) is True
    # The fourth within the window is refused, and refusing it counts nothing.
    assert await store.count_login_attempt(keys, T0, at(minutes=3), 3) is False
    assert await store.count_login_attempt(keys, T0, at(minutes=4), 3) is False
    # Another account from that network is refused too; that account from elsewhere is not.
    other = ("email:other@shop.example", "ip:203.0.113.7")
    assert await store.count_login_attempt(other, T0, at(minutes=4), 3) is False
    elsewhere = ("email:other@shop.example", "ip:198.51.100.1")
    assert await store.count_login_attempt(elsewhere, T0, at(minutes=4), 3) is True
    # `since` is inclusive: moved past the first attempt, one place is free again.
    assert await store.count_login_attempt(keys, at(microseconds=1), at(minutes=5), 3) is True
    assert await store.count_login_attempt(keys, at(microseconds=1), at(minutes=5), 3) is False
    await store.clear_login_failures("email:owner@shop.example")
    await store.clear_login_failures("ip:203.0.113.7")
    assert await store.count_login_attempt(keys, T0, at(minutes=6), 3) is True
    await store.clear_login_failures("ip:unknown")


@contract("set_admin_role", "admin_user_by_id", "create_admin_user")
async def test_a_user_has_a_role_owner_unless_given_another(store: Store) -> None:
    owner = await store.create_admin_user("owner@shop.example", "h", T0)
    viewer = await store.create_admin_user("viewer@shop.example", "h", T0, "viewer")
    assert owner is not None and viewer is not None
    assert (owner.role, viewer.role, owner.two_factor) == ("owner", "viewer", False)
    assert await store.set_admin_role(viewer.id, "finance") is True
    assert await store.admin_user_by_id(viewer.id) == replace(viewer, role="finance")
    assert await store.set_admin_role(987654, "owner") is False
    assert await store.admin_user_by_id(987654) is None
    # The session's user carries the role in force at each request.
    await store.start_session("tok", viewer.id, "csrf", T0, at(1))
    found = await store.session("tok", T0)
    assert found is not None and found.user.role == "finance"


@contract("set_admin_locale", "admin_user_by_id", "session")
async def test_a_users_dashboard_language_is_kept_until_they_change_it(store: Store) -> None:
    user = await store.create_admin_user("owner@shop.example", "h", T0)
    assert user is not None and user.locale is None
    assert await store.set_admin_locale(user.id, "nl") is True
    assert await store.admin_user_by_id(user.id) == replace(user, locale="nl")
    # Every request's session carries it, so the next page speaks it.
    await store.start_session("tok", user.id, "csrf", T0, at(1))
    found = await store.session("tok", T0)
    assert found is not None and found.user.locale == "nl"
    assert await store.set_admin_locale(user.id, None) is True
    again = await store.admin_user("owner@shop.example")
    assert again is not None and again.locale is None
    assert await store.set_admin_locale(987654, "en") is False


@contract("begin_two_factor", "confirm_two_factor", "two_factor_state", "use_totp_step")
async def test_two_factor_goes_into_force_once_confirmed(store: Store) -> None:
    user = await store.create_admin_user("owner@shop.example", "h", T0)
    assert user is not None
    assert await store.two_factor_state(user.id) == TwoFactorState(None, None, 0)
    assert await store.two_factor_state(987654) is None
    assert await store.begin_two_factor(user.id, "PENDINGSECRET") is True
    assert await store.two_factor_state(user.id) == TwoFactorState(None, "PENDINGSECRET", 0)
    # Confirming a secret that is no longer the pending one does nothing.
    assert await store.confirm_two_factor(user.id, "OTHER", 100, ["a"], T0) is False
    hashes = [f"hash-{n}" for n in range(10)]
    assert await store.confirm_two_factor(user.id, "PENDINGSECRET", 100, hashes, T0) is True
    assert await store.two_factor_state(user.id) == TwoFactorState("PENDINGSECRET", None, 10)
    assert (await store.admin_user_by_id(user.id)) == replace(user, two_factor=True)
    # The confirming step is used; each later step once; never an older one.
    assert await store.use_totp_step(user.id, 100) is False
    assert await store.use_totp_step(user.id, 101) is True
    assert await store.use_totp_step(user.id, 101) is False
    assert await store.use_totp_step(user.id, 99) is False
    assert await store.use_totp_step(user.id, 103) is True
    # A new phone: the old secret stays in force until the new one is confirmed.
    assert await store.begin_two_factor(user.id, "NEWSECRET") is True
    assert await store.two_factor_state(user.id) == TwoFactorState("PENDINGSECRET", "NEWSECRET", 10)
    assert await store.begin_two_factor(987654, "X") is False


@contract("use_recovery_code", "replace_recovery_codes", "reset_two_factor")
async def test_a_recovery_code_is_good_once(store: Store) -> None:
    user = await store.create_admin_user("owner@shop.example", "h", T0)
    other = await store.create_admin_user("other@shop.example", "h", T0)
    assert user is not None and other is not None
    # No codes before two-factor is on.
    assert await store.replace_recovery_codes(user.id, ["x"], T0) is False
    await store.begin_two_factor(user.id, "S")
    await store.confirm_two_factor(user.id, "S", 1, ["a", "b"], T0)
    assert await store.use_recovery_code(other.id, "a", at(1)) is False  # someone else's
    assert await store.use_recovery_code(user.id, "a", at(1)) is True
    assert await store.use_recovery_code(user.id, "a", at(2)) is False
    assert (await store.two_factor_state(user.id)) == TwoFactorState("S", None, 1)
    assert await store.replace_recovery_codes(user.id, ["c", "d", "e"], at(3)) is True
    assert await store.use_recovery_code(user.id, "b", at(4)) is False  # replaced
    assert (await store.two_factor_state(user.id)) == TwoFactorState("S", None, 3)
    assert await store.reset_two_factor(user.id) is True
    assert await store.two_factor_state(user.id) == TwoFactorState(None, None, 0)
    assert await store.use_recovery_code(user.id, "c", at(5)) is False
    assert await store.use_totp_step(user.id, 50) is False  # no secret, no codes
    assert await store.reset_two_factor(987654) is False
    # Deleting a user takes their codes along.
    await store.begin_two_factor(other.id, "T")
    await store.confirm_two_factor(other.id, "T", 1, ["z"], T0)
    assert await store.delete_admin_user(other.id) is True


@contract("create_api_key", "api_key", "api_keys")
async def test_an_api_key_is_found_by_its_hash_and_stamped_once_a_minute(store: Store) -> None:
    key = await store.create_api_key("CI", "sb_ab12", "hash-a", T0)
    other = await store.create_api_key("Zapier", "sb_cd34", "hash-b", at(1), "read")
    assert (key.name, key.prefix, key.last_used_at, key.revoked_at) == ("CI", "sb_ab12", None, None)
    assert (key.scope, other.scope) == ("full", "read")
    assert_moment(key.created_at, T0)
    assert await store.api_keys() == [key, other]

    found = await store.api_key("hash-a", at(2))
    assert found is not None and found.id == key.id
    assert_moment((await store.api_keys())[0].last_used_at, at(2))
    # Within a minute the stamp stays; after it, it moves.
    await store.api_key("hash-a", at(2, seconds=59))
    assert_moment((await store.api_keys())[0].last_used_at, at(2))
    await store.api_key("hash-a", at(2, seconds=61))
    assert_moment((await store.api_keys())[0].last_used_at, at(2, seconds=61))
    assert (await store.api_keys())[1].last_used_at is None
    assert await store.api_key("hash-unknown", at(2)) is None


@contract("revoke_api_key", "api_key")
async def test_a_revoked_key_is_refused_and_revoked_once(store: Store) -> None:
    key = await store.create_api_key("CI", "sb_ab12", "hash-a", T0)
    assert await store.revoke_api_key(key.id, at(1)) is True
    assert await store.api_key("hash-a", at(2)) is None
    assert await store.revoke_api_key(key.id, at(3)) is False
    [listed] = await store.api_keys()
    assert_moment(listed.revoked_at, at(1))  # the first revocation's time stays
    assert await store.revoke_api_key(424242, at(1)) is False
