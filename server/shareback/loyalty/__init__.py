"""Loyalty (issue 14): milestone rewards, a cap on referrer rewards, and tiers; pure rules."""
