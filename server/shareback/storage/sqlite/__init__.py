"""The SQLite backend, one query module per area joined into one store."""

from __future__ import annotations

from shareback.storage.sqlite.admin import AdminQueries
from shareback.storage.sqlite.campaigns import CampaignQueries
from shareback.storage.sqlite.codes import CodeQueries
from shareback.storage.sqlite.connection import SqliteBase, database_path
from shareback.storage.sqlite.outbox import OutboxQueries
from shareback.storage.sqlite.owner import OwnerQueries
from shareback.storage.sqlite.referrals import ReferralQueries
from shareback.storage.sqlite.reporting import ReportingQueries
from shareback.storage.sqlite.validation import ValidationQueries

__all__ = ["SqliteBase", "SqliteStore", "database_path"]


class SqliteStore(
    CampaignQueries,
    ReferralQueries,
    AdminQueries,
    ReportingQueries,
    OwnerQueries,
    OutboxQueries,
    CodeQueries,
    ValidationQueries,
):
    """Implements shareback.storage.base.Store."""
