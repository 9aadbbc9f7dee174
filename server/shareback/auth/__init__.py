"""Owner authentication: passwords, API keys, dashboard sessions."""
