"""An advocate's row as the Advocate record: one builder for every module that reads advocates."""

from __future__ import annotations

from shareback.storage.database import Row, db_time
from shareback.storage.records import Advocate


def advocate_from_row(row: Row) -> Advocate:
    return Advocate(
        id=row["id"],
        campaign_id=row["campaign_id"],
        email=row["email"],
        email_key=row["email_key"],
        name=row["name"],
        code=row["code"],
        verified=bool(row["verified"]),
        created_at=db_time(row["created_at"]),
        coupon_code=row["coupon_code"],
        findable=bool(row["findable"]),
    )
