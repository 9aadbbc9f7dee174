"""Customers as records: what the shop knows of each buyer, in and out of its CRM (issue 12)."""
