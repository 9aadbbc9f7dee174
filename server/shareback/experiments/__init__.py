"""A/B experiments on a campaign: statistics (stats.py), assignment, storage adapters."""
