"""Outgoing webhooks: events announced to the owner's endpoints, signed, retried until delivered."""
