"""E-mails Shareback sends itself: the SMTP target, the journeys, rendering, the sender loop."""
