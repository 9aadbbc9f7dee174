"""Cash rewards paid by bank transfer: payout accounts checked with schwifty, what a reward still
owes after clawbacks, and a payout batch as a SEPA credit transfer (pain.001.001.03, by sepaxml).

Pure: no storage, no Starlette. Where the accounts come from: the advocate enters their own
through the signed link in their approval e-mail (payout_page.py), or the owner enters them (the
owner's API or the dashboard) as the advocate gave them; a batch
keeps the account as it was when the batch was made, so a later change never alters a file
already sent to the bank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from itsdangerous import BadData, URLSafeTimedSerializer
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaTransfer

from shareback.i18n import gettext as _

SEPA_SCHEMA = "pain.001.001.03"
SEPA_CURRENCY = "EUR"
MAX_NAME = 70  # SEPA's Nm field
MAX_BATCH = 500


class InvalidAccount(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class PayoutAccount:
    holder_name: str
    iban: str  # compact: NL91ABNA0417164300
    bic: str | None = None

    @property
    def iban_formatted(self) -> str:
        return IBAN(self.iban).formatted


def account(holder_name: object, iban: object, bic: object = None) -> PayoutAccount:
    """An account a SEPA transfer can pay: a holder's name, a valid IBAN of the SEPA zone and, when
    given, a valid BIC (else the one the IBAN's bank is known by, if any)."""
    if not isinstance(holder_name, str) or not holder_name.strip():
        raise InvalidAccount("holder_name", _("Enter the account holder's name."))
    name = " ".join(holder_name.split())
    if len(name) > MAX_NAME or "\x00" in name:
        raise InvalidAccount(
            "holder_name", _("The holder's name is at most %(num)s characters.") % {"num": MAX_NAME}
        )
    if not isinstance(iban, str) or len(iban) > 64:
        raise InvalidAccount("iban", _("Enter an IBAN, such as NL91 ABNA 0417 1643 00."))
    try:
        number = IBAN(iban)
    except SchwiftyException as exc:
        raise InvalidAccount(
            "iban", _("That is not a valid IBAN: %(problem)s.") % {"problem": exc}
        ) from None
    if not number.in_sepa_zone:
        raise InvalidAccount("iban", _("SEPA transfers pay IBANs of the SEPA zone only."))
    code: str | None = None
    if bic is not None and bic != "":
        if not isinstance(bic, str) or len(bic) > 16:
            raise InvalidAccount("bic", _("Enter a BIC such as ABNANL2A, or leave it out."))
        try:
            code = BIC(bic).compact
        except SchwiftyException as exc:
            raise InvalidAccount(
                "bic", _("That is not a valid BIC: %(problem)s.") % {"problem": exc}
            ) from None
    elif number.bic is not None:
        code = number.bic.compact
    return PayoutAccount(name, number.compact, code)


def payable_minor(amount_minor: int | None, clawed_minor: int) -> int:
    """What a cash reward still owes its advocate once clawbacks are taken off (never below 0)."""
    return max((amount_minor or 0) - clawed_minor, 0)


@dataclass(frozen=True)
class PayoutLine:
    """One transfer of a batch: to whom, how much, and the end-to-end id the bank statement shows."""

    reward_id: int | None  # None: a partner's commissions (partner_payout_id)
    end_to_end_id: str
    account: PayoutAccount
    amount_minor: int
    currency: str
    description: str


def end_to_end_id(batch_id: int, reward_id: int) -> str:
    """At most 35 characters, the same in every export of the batch: SB-B12-R3456."""
    return f"SB-B{batch_id}-R{reward_id}"


def partner_end_to_end_id(batch_id: int, payout_id: int) -> str:
    """A partner's transfer: SB-B12-P34 (the partner payout's id)."""
    return f"SB-B{batch_id}-P{payout_id}"


def message_id(batch_id: int, created_at: datetime) -> str:
    """The file's MsgId, the same for every download of one batch: a bank refuses a file whose
    MsgId it has seen, so a batch sent twice is not paid twice."""
    return f"SHAREBACK-{created_at:%Y%m%d}-B{batch_id}"


class CannotExport(ValueError):
    pass


def sepa_credit_transfer(
    debtor: PayoutAccount,
    batch_id: int,
    created_at: datetime,
    lines: Sequence[PayoutLine],
    execution_date: date,
) -> bytes:
    """The batch as a pain.001.001.03 file, validated by sepaxml against that schema's XSD."""
    if not lines:
        raise CannotExport(_("The batch has no transfers."))
    if {line.currency for line in lines} != {SEPA_CURRENCY}:
        raise CannotExport(_("SEPA credit transfers are in euros; export this batch as CSV."))
    config = {
        "name": debtor.holder_name,
        "IBAN": debtor.iban,
        "batch": True,
        "currency": SEPA_CURRENCY,
    }
    if debtor.bic:
        config["BIC"] = debtor.bic
    transfer = SepaTransfer(config, schema=SEPA_SCHEMA, clean=True)
    transfer.msg_id = message_id(batch_id, created_at)
    header = transfer._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId")  # set in the constructor
    if header is not None:
        header.text = transfer.msg_id
    for line in lines:
        payment: dict[str, object] = {
            "name": line.account.holder_name,
            "IBAN": line.account.iban,
            "amount": line.amount_minor,
            "execution_date": execution_date,
            "description": line.description[:140],
            "endtoend_id": line.end_to_end_id,
        }
        if line.account.bic:
            payment["BIC"] = line.account.bic
        transfer.add_payment(payment)
    exported: bytes = transfer.export(validate=True)
    return exported


# Why a reward is left out of a new batch.
REFUSALS = {
    "unknown_reward": "There is no such reward.",
    "not_payable": "Only approved cash rewards are paid in a payout batch.",
    "already_in_a_batch": "The reward is in a payout batch already; a reward is paid once.",
    "no_payout_account": "Enter the advocate's account holder and IBAN first.",
    "nothing_owed": "Clawbacks took the whole reward back: nothing is owed.",
    "other_currency": "A batch pays one currency; make another batch for the others.",
    "unknown_partner": "There is no such partner.",
}


# The advocate's own link to give or change their bank account (in the approval e-mail of a cash
# reward): signed, naming the advocate's code, good for 60 days.
ACCOUNT_LINK_SALT = "shareback-payout-account"
ACCOUNT_LINK_DAYS = 60


def account_link_token(secret_key: str, advocate_code: str) -> str:
    return URLSafeTimedSerializer(secret_key, salt=ACCOUNT_LINK_SALT).dumps(advocate_code)


def account_link_code(secret_key: str, token: str) -> str | None:
    """The advocate code a genuine, unexpired token names; None for anything else."""
    if not token or len(token) > 300:
        return None
    serializer = URLSafeTimedSerializer(secret_key, salt=ACCOUNT_LINK_SALT)
    try:
        code = serializer.loads(token, max_age=ACCOUNT_LINK_DAYS * 86_400)
    except BadData:
        return None
    return code if isinstance(code, str) else None


def masked_iban(iban: str) -> str:
    """NL91 •••• •••• 4300: the country, check digits and last four, enough for its owner to
    recognise and nothing to reuse."""
    compact = IBAN(iban).compact
    return f"{compact[:4]} \u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 {compact[-4:]}"
