"""How uvicorn serves the app (`shareback serve`, `shareback demo`): which proxies it believes."""

from __future__ import annotations

from typing import Any

from shareback.settings import Settings


def proxy_options(settings: Settings) -> dict[str, Any]:
    """X-Forwarded-For and -Proto only from SHAREBACK_FORWARDED_ALLOW_IPS. Uvicorn's own default
    (its FORWARDED_ALLOW_IPS variable, else 127.0.0.1) would let anything on the machine, or a
    proxy that passes the header through, choose the client address every per-IP limit counts."""
    allowed = settings.forwarded_allow_ips
    if not allowed:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(allowed)}
