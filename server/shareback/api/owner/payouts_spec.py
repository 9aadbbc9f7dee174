"""Fulfilment in /openapi.json: payout accounts, payable cash rewards, payout batches and their
exports; store credit (balance, spends) and the referrers' coupon pool."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.schema_kit import (
    EMAIL,
    ID,
    NOT_BLANK_NO_NUL,
    STRING,
    TIME,
    Schema,
    array,
    body,
    enum,
    nullable,
    obj,
    operation,
    param,
    ref,
    response,
)
from shareback.api.owner.schemas import DECIMAL
from shareback.api.owner.spec import CSV
from shareback.codes import COUPON_PATTERN
from shareback.payouts import MAX_BATCH, REFUSALS

TAG = "payouts"
ACCOUNT = obj(
    {
        "holder_name": STRING,
        "iban": {**STRING, "description": "compact: NL91ABNA0417164300"},
        "iban_formatted": {**STRING, "description": "in groups of four, for people"},
        "bic": nullable(STRING),
    }
)
SCHEMAS: dict[str, Schema] = {
    "PayoutAccount": ACCOUNT,
    "PayoutAccountInput": obj(
        {
            "holder_name": {**STRING, "maxLength": 70, "pattern": NOT_BLANK_NO_NUL},
            "iban": {**STRING, "description": "checked (schwifty): an IBAN of the SEPA zone"},
            "bic": nullable({**STRING, "description": "optional: else the IBAN's bank's"}),
        },
        optional=["bic"],
    ),
    "PayableReward": obj(
        {
            "reward_id": ID,
            "campaign": STRING,
            "advocate_code": STRING,
            "email": EMAIL,
            "amount": {**ref("Money"), "description": "what it still owes, clawbacks taken off"},
            "clawed_back": ref("Money"),
            "approved_at": nullable(TIME),
            "account": {
                **nullable(ref("PayoutAccount")),
                "description": "null: enter the advocate's account before it can be paid",
            },
        }
    ),
    "PayableRewardList": obj({"data": array(ref("PayableReward"))}),
    "PayoutBatchInput": obj(
        {
            "reward_ids": array(ID, maxItems=MAX_BATCH),
            "partner_ids": {
                **array(ID, maxItems=MAX_BATCH),
                "description": "partners whose approved commissions (less clawbacks not yet "
                "settled) this batch pays, one transfer each (GET /api/v1/partners/payable)",
            },
        },
        optional=["reward_ids", "partner_ids"],
        description="At least one id in all.",
    )
    | {
        "anyOf": [
            {"required": ["reward_ids"], "properties": {"reward_ids": {"minItems": 1}}},
            {"required": ["partner_ids"], "properties": {"partner_ids": {"minItems": 1}}},
        ]
    },
    "PayoutBatchSummary": obj(
        {
            "id": ID,
            "status": {**enum(["open", "paid"]), "description": "paid: its rewards are fulfilled"},
            "total": ref("Money"),
            "transfers": {"type": "integer", "minimum": 1},
            "created_by": STRING,
            "created_at": TIME,
            "paid_by": nullable(STRING),
            "paid_at": nullable(TIME),
            "sepa_url": STRING,
            "csv_url": STRING,
        }
    ),
    "PayoutBatchList": obj({"data": array(ref("PayoutBatchSummary"))}),
    "CreditBalance": obj(
        {
            "email": EMAIL,
            "balance": {
                **ref("SignedMoney"),
                "description": "below zero when clawed-back credit had been spent already",
            },
            "entries": array(
                obj(
                    {
                        "id": ID,
                        "kind": enum(["reward", "redemption", "clawback"]),
                        "amount": {
                            **ref("Money"),
                            "description": "added (reward), or taken (redemption, clawback)",
                        },
                        "reward_id": nullable(ID),
                        "idempotency_key": nullable(STRING),
                        "order_id": nullable(STRING),
                        "created_at": TIME,
                    }
                )
            ),
        }
    ),
    "CreditRedemptionInput": obj(
        {
            "email": EMAIL,
            "amount": {**DECIMAL, "description": 'e.g. "5.00", more than 0'},
            "currency": {**STRING, "default": "EUR"},
            "idempotency_key": {
                **STRING,
                "maxLength": 200,
                "description": "the same key for a retry of the same spend: spent once",
            },
            "order_id": nullable(STRING),
        },
        optional=["currency", "order_id"],
    ),
    "CreditRedemption": obj(
        {
            "status": enum(["redeemed", "replayed"]),
            "amount": ref("Money"),
            "balance": {**ref("SignedMoney"), "description": "after the spend"},
            "entry_id": nullable(ID),
        }
    ),
    "RewardCodeUpload": obj(
        {"codes": array({**STRING, "pattern": COUPON_PATTERN.pattern}, minItems=1, maxItems=10_000)}
    ),
    "RewardCodePool": obj(
        {
            "campaign": STRING,
            "added": {"type": "integer", "minimum": 0},
            "duplicates": {"type": "integer", "minimum": 0},
            "conflicts": {"type": "integer", "minimum": 0},
            "remaining": {"type": "integer", "minimum": 0},
        }
    ),
}
BATCH_FIELDS: dict[str, Schema] = SCHEMAS["PayoutBatchSummary"]["properties"]
ITEM = obj(
    {
        "reward_id": ID,
        "end_to_end_id": {**STRING, "description": "the transfer's id on the bank statement"},
        "advocate_code": STRING,
        "email": EMAIL,
        "amount": ref("Money"),
        "account": {**ref("PayoutAccount"), "description": "as it was when the batch was made"},
    }
)
PARTNER_ITEM = obj(
    {
        "partner_id": ID,
        "end_to_end_id": {**STRING, "description": "SB-B{batch}-P{payout}: on the bank statement"},
        "partner_code": STRING,
        "email": EMAIL,
        "amount": ref("Money"),
        "account": {**ref("PayoutAccount"), "description": "as it was when the batch was made"},
    },
    description="A partner's transfer: their approved commissions less unsettled clawbacks.",
)
SCHEMAS["PayoutBatch"] = obj(
    {**BATCH_FIELDS, "items": array(ITEM), "partner_items": array(PARTNER_ITEM)}
)
SCHEMAS["CreatedPayoutBatch"] = obj(
    {
        **BATCH_FIELDS,
        "items": array(ITEM),
        "partner_items": array(PARTNER_ITEM),
        "skipped": array(
            obj(
                {
                    "reward_id": nullable({"type": "integer"}),
                    "partner_id": {"type": "integer"},
                    "code": enum(REFUSALS),
                    "message": STRING,
                },
                optional=["partner_id"],
            ),
        ),
    }
)


def paths() -> dict[str, dict[str, Any]]:
    code = param("code", "path", STRING, "The advocate's referral code.")
    batch = param("batch_id", "path", ID, "The batch's id.")
    return {
        "/api/v1/advocates/{code}/payout-account": {
            "get": operation(
                "getPayoutAccount",
                "The account an advocate's cash rewards are paid to",
                TAG,
                {200: response("The account.", ref("PayoutAccount"))},
                errors=[404],
                parameters=[code],
            ),
            "put": operation(
                "setPayoutAccount",
                "Enter or change the account an advocate's cash rewards are paid to",
                TAG,
                {200: response("The account, as it will be paid.", ref("PayoutAccount"))},
                errors=[400, 404, 413, 415, 422],
                parameters=[code],
                request_body=body(ref("PayoutAccountInput")),
                description="The owner enters what the advocate gave them; batches made "
                "afterwards pay it, batches made before keep the account they were made with.",
            ),
        },
        "/api/v1/payouts/payable": {
            "get": operation(
                "listPayableRewards",
                "Approved cash rewards in no payout batch yet",
                TAG,
                {200: response("Oldest approval first.", ref("PayableRewardList"))},
                errors=[400, 404],
                parameters=[param("campaign", "query", STRING, "Only this campaign's.")],
            )
        },
        "/api/v1/payout-batches": {
            "get": operation(
                "listPayoutBatches",
                "Payout batches, newest first",
                TAG,
                {200: response("The batches.", ref("PayoutBatchList"))},
                errors=[400],
            ),
            "post": operation(
                "createPayoutBatch",
                "Make a payout batch of approved cash rewards",
                TAG,
                {201: response("The batch, and what was left out.", ref("CreatedPayoutBatch"))},
                errors=[400, 409, 413, 415, 422],
                request_body=body(ref("PayoutBatchInput")),
                description="A reward is in at most one batch, ever: one already in a batch, "
                "not approved, not cash, owing nothing or without an account is skipped with "
                "its reason. 409 nothing_to_pay when none can be paid.",
            ),
        },
        "/api/v1/payout-batches/{batch_id}": {
            "get": operation(
                "getPayoutBatch",
                "One payout batch with its transfers",
                TAG,
                {200: response("The batch.", ref("PayoutBatch"))},
                errors=[404],
                parameters=[batch],
            )
        },
        "/api/v1/payout-batches/{batch_id}/sepa.xml": {
            "get": operation(
                "exportPayoutBatchSepa",
                "This batch as a SEPA credit transfer (pain.001.001.03)",
                TAG,
                {
                    200: response(
                        "The file for the bank; its MsgId is the same on every download.",
                        STRING,
                        media_type="application/xml",
                    )
                },
                errors=[404, 409],
                parameters=[batch],
                description="409 payout_account_missing without SHAREBACK_PAYOUT_IBAN; 409 "
                "not_exportable for a batch in another currency than euros.",
            )
        },
        "/api/v1/payout-batches/{batch_id}/payouts.csv": {
            "get": operation(
                "exportPayoutBatchCsv",
                "This batch's transfers as CSV",
                TAG,
                {200: response("Every transfer of the batch.", CSV, media_type="text/csv")},
                errors=[404],
                parameters=[batch],
            )
        },
        "/api/v1/credit": {
            "get": operation(
                "getCreditBalance",
                "A person's store-credit balance and ledger (for the checkout)",
                "store credit",
                {200: response("The balance and every entry, oldest first.", ref("CreditBalance"))},
                errors=[400],
                parameters=[
                    param("email", "query", EMAIL, "The person's address.", required=True),
                    param(
                        "currency",
                        "query",
                        {**STRING, "pattern": "^[A-Za-z]{3}$"},
                        "The ledger's currency (EUR), an ISO 4217 code in use.",
                    ),
                ],
            )
        },
        "/api/v1/credit/redemptions": {
            "post": operation(
                "redeemCredit",
                "Spend store credit at the checkout, once per idempotency key",
                "store credit",
                {
                    201: response("Spent.", ref("CreditRedemption")),
                    200: response(
                        "This key was spent already: the same spend.", ref("CreditRedemption")
                    ),
                },
                errors=[400, 409, 413, 415, 422],
                request_body=body(ref("CreditRedemptionInput")),
                description="409 insufficient_credit: the balance is less than the amount, and "
                "nothing is spent. Concurrent spends of one balance never spend it twice.",
            )
        },
        "/api/v1/campaigns/{slug}/reward-code-pool": {
            "post": operation(
                "uploadRewardCodes",
                "Add single-use coupon codes for referrers' coupon rewards",
                "store credit",
                {200: response("What was added.", ref("RewardCodePool"))},
                errors=[400, 404, 413, 415, 422],
                parameters=[param("slug", "path", STRING, "The campaign's slug.")],
                request_body=body(ref("RewardCodeUpload")),
                description="A referrer's approved coupon reward takes the first free code; "
                "with none left, Shareback generates one (THANKS-XXXXXX) and announces it in "
                "reward.fulfilled so the shop can create it.",
            )
        },
        "/api/v1/payout-batches/{batch_id}/paid": {
            "post": operation(
                "markPayoutBatchPaid",
                "Say the bank paid the batch: its rewards become fulfilled",
                TAG,
                {200: response("The paid batch (also when it already was).", ref("PayoutBatch"))},
                errors=[404],
                parameters=[batch],
            )
        },
    }
