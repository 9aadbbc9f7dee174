"""The shop's customers: records, imports, exports, ambassador scores and campaign targeting."""
