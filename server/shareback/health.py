"""GET /livez: the process answers (restart it if not). GET /healthz: it is ready, its database
answers too (send it no traffic if not). A database outage must not restart a healthy process."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import __version__
from shareback.context import context


async def check_liveness(request: Request) -> Response:
    return JSONResponse({"status": "ok", "version": __version__})


async def check_health(request: Request) -> Response:
    try:
        await context(request).store.ping()
    except Exception as exc:
        return JSONResponse({"status": "error", "database": str(exc)}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "version": __version__})


routes = [
    Route("/livez", check_liveness, methods=["GET"]),
    Route("/healthz", check_health, methods=["GET"]),
]
