"""Incoming webhooks: verification schemes and the handlers per source."""
