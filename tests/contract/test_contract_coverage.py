"""The contract covers the whole Store: a verb added to a protocol in storage/base.py without a
test registered for it (`@contract("verb")` or `@covers("verb")`) fails here."""

from __future__ import annotations

import importlib
from pathlib import Path

from shareback.storage.sql import SqlStore
from store_contract import COVERED, protocol_verbs


def test_every_store_verb_has_a_contract_test() -> None:
    for path in sorted(Path(__file__).parent.glob("test_contract_*.py")):
        importlib.import_module(path.stem)  # registers its tests
    verbs = protocol_verbs()
    assert len(verbs) >= 60, sorted(verbs)  # the protocols were read, not an empty set
    untested = sorted(verbs - COVERED.keys())
    assert untested == [], f"Store verbs without a contract test: {untested}"
    unknown = sorted(COVERED.keys() - verbs)
    assert unknown == [], f"contract tests name verbs no protocol has: {unknown}"


def test_the_sql_store_implements_every_verb() -> None:
    missing = sorted(
        verb for verb in protocol_verbs() if not callable(getattr(SqlStore, verb, None))
    )
    assert missing == []
