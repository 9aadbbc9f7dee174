"""Numbered plain-SQL migrations, shared by name across dialects, each applied in its own transaction."""

from __future__ import annotations

from importlib.resources import files


def migration_files(dialect: str) -> list[tuple[str, str]]:
    """(name, sql) pairs in the order they apply: 0001_…, 0002_…"""
    folder = files("shareback.storage").joinpath("migrations", dialect)
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".sql"))
    return [(name.removesuffix(".sql"), folder.joinpath(name).read_text("utf-8")) for name in names]
