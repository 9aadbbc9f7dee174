"""The store, written once in SQL that SQLite and PostgreSQL both run: one query module per area."""

from __future__ import annotations

from shareback.storage.sql.admin import AdminQueries
from shareback.storage.sql.campaigns import CampaignQueries
from shareback.storage.sql.codes import CodeQueries
from shareback.storage.sql.contests import ContestQueries
from shareback.storage.sql.customer_reads import CustomerQueries
from shareback.storage.sql.customer_sync import CustomerSyncQueries
from shareback.storage.sql.experiments import ExperimentQueries
from shareback.storage.sql.fraud import FraudQueries
from shareback.storage.sql.gdpr import GdprQueries
from shareback.storage.sql.imports import ImportQueries
from shareback.storage.sql.issuing import IssuingQueries
from shareback.storage.sql.loyalty import LoyaltyQueries
from shareback.storage.sql.mail import MailQueries
from shareback.storage.sql.outbox import OutboxQueries
from shareback.storage.sql.owner import OwnerQueries
from shareback.storage.sql.partners import PartnerQueries
from shareback.storage.sql.payouts import PayoutQueries
from shareback.storage.sql.people import PeopleQueries
from shareback.storage.sql.privacy import PrivacyQueries
from shareback.storage.sql.referrals import ReferralQueries
from shareback.storage.sql.refunds import RefundQueries
from shareback.storage.sql.reporting import ReportingQueries
from shareback.storage.sql.rollups import RollupQueries
from shareback.storage.sql.scores import ScoreQueries
from shareback.storage.sql.segments import SegmentQueries
from shareback.storage.sql.shared import SharedStateQueries
from shareback.storage.sql.two_factor import TwoFactorQueries
from shareback.storage.sql.validation import ValidationQueries

__all__ = ["SqlStore"]


class SqlStore(
    ScoreQueries,
    CustomerQueries,
    CustomerSyncQueries,
    ImportQueries,
    PartnerQueries,
    ExperimentQueries,
    ContestQueries,
    CampaignQueries,
    ReferralQueries,
    RefundQueries,
    FraudQueries,
    AdminQueries,
    TwoFactorQueries,
    ReportingQueries,
    RollupQueries,
    OwnerQueries,
    PeopleQueries,
    OutboxQueries,
    CodeQueries,
    ValidationQueries,
    PrivacyQueries,
    GdprQueries,
    SharedStateQueries,
    PayoutQueries,
    IssuingQueries,
    MailQueries,
    SegmentQueries,
    LoyaltyQueries,
):
    """Implements shareback.storage.base.Store on any shareback.storage.database.Database."""
