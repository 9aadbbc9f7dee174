"""Shareback: self-hosted referral marketing for web shops."""

__version__ = "0.1.0"
