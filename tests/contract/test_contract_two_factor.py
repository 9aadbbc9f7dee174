"""Contract: roles and TOTP two-factor sign-in (enrolment, one use per code, recovery codes)."""

from __future__ import annotations

import asyncio

from shareback.storage.base import Store
from store_contract import T0, at, contract


async def owner(store: Store) -> int:
    user = await store.create_admin_user("owner@shop.example", "h", T0)
    assert user is not None
    return user.id


@contract("admin_user_by_id", "set_admin_role")
async def test_a_user_is_found_by_id_and_keeps_the_role_it_is_given(store: Store) -> None:
    user = await store.create_admin_user("finance@shop.example", "h", T0, role="finance")
    assert user is not None and user.role == "finance" and user.two_factor is False
    assert await store.admin_user_by_id(user.id) == user
    assert await store.admin_user_by_id(user.id + 1000) is None
    assert await store.set_admin_role(user.id, "viewer") is True
    found = await store.admin_user_by_id(user.id)
    assert found is not None and found.role == "viewer"
    assert await store.set_admin_role(user.id + 1000, "owner") is False
    created = await store.create_admin_user("second@shop.example", "h", T0)
    assert created is not None and created.role == "owner"  # the default


@contract("two_factor_state", "begin_two_factor", "confirm_two_factor")
async def test_enrolment_takes_effect_only_with_the_pending_secret(store: Store) -> None:
    user_id = await owner(store)
    state = await store.two_factor_state(user_id)
    assert state is not None and (state.secret, state.pending_secret) == (None, None)
    assert state.recovery_codes_left == 0
    assert await store.two_factor_state(user_id + 1000) is None
    assert await store.begin_two_factor(user_id, "PENDING1") is True
    assert await store.begin_two_factor(user_id + 1000, "X") is False
    state = await store.two_factor_state(user_id)
    assert state is not None and (state.secret, state.pending_secret) == (None, "PENDING1")
    # A second enrolment replaced the first: confirming the old secret changes nothing.
    assert await store.begin_two_factor(user_id, "PENDING2") is True
    assert await store.confirm_two_factor(user_id, "PENDING1", 100, ["a", "b"], at(1)) is False
    assert await store.confirm_two_factor(user_id, "PENDING2", 100, ["a", "b"], at(1)) is True
    state = await store.two_factor_state(user_id)
    assert state is not None
    assert (state.secret, state.pending_secret, state.recovery_codes_left) == ("PENDING2", None, 2)
    user = await store.admin_user_by_id(user_id)
    assert user is not None and user.two_factor is True


@contract("use_totp_step")
async def test_each_time_step_is_used_once_even_when_asked_at_once(store: Store) -> None:
    user_id = await owner(store)
    assert await store.use_totp_step(user_id, 5) is False  # no secret in force
    await store.begin_two_factor(user_id, "S")
    assert await store.confirm_two_factor(user_id, "S", 100, [], at(1))
    assert await store.use_totp_step(user_id, 100) is False  # the confirming code is spent
    answers = await asyncio.gather(*(store.use_totp_step(user_id, 101) for _ in range(5)))
    assert sorted(answers) == [False] * 4 + [True]
    assert await store.use_totp_step(user_id, 99) is False  # an older code
    assert await store.use_totp_step(user_id, 102) is True


@contract("use_recovery_code", "replace_recovery_codes")
async def test_recovery_codes_work_once_and_are_replaced_whole(store: Store) -> None:
    user_id = await owner(store)
    assert await store.replace_recovery_codes(user_id, ["x"], at(1)) is False  # no 2FA yet
    await store.begin_two_factor(user_id, "S")
    await store.confirm_two_factor(user_id, "S", 1, ["r1", "r2"], at(1))
    assert await store.use_recovery_code(user_id, "r1", at(2)) is True
    assert await store.use_recovery_code(user_id, "r1", at(3)) is False
    assert await store.use_recovery_code(user_id, "nope", at(3)) is False
    state = await store.two_factor_state(user_id)
    assert state is not None and state.recovery_codes_left == 1
    assert await store.replace_recovery_codes(user_id, ["n1", "n2", "n3"], at(4)) is True
    assert await store.use_recovery_code(user_id, "r2", at(5)) is False  # the old set is gone
    assert await store.use_recovery_code(user_id, "n3", at(5)) is True
    state = await store.two_factor_state(user_id)
    assert state is not None and state.recovery_codes_left == 2


@contract("reset_two_factor")
async def test_a_reset_turns_two_factor_sign_in_off(store: Store) -> None:
    user_id = await owner(store)
    await store.begin_two_factor(user_id, "S")
    await store.confirm_two_factor(user_id, "S", 1, ["r1"], at(1))
    assert await store.reset_two_factor(user_id) is True
    state = await store.two_factor_state(user_id)
    assert state is not None
    assert (state.secret, state.pending_secret, state.recovery_codes_left) == (None, None, 0)
    assert await store.use_recovery_code(user_id, "r1", at(2)) is False
    assert await store.reset_two_factor(user_id + 1000) is False
