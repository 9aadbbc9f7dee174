"""A package, so its conftest is `browser.conftest` beside the suite's own `conftest` (for mypy)."""
