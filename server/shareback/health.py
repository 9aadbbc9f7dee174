"""GET /healthz: the process answers and the database does too."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import __version__
from shareback.context import context


async def check_health(request: Request) -> Response:
    try:
        await context(request).store.ping()
    except Exception as exc:
        return JSONResponse({"status": "error", "database": str(exc)}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "version": __version__})


routes = [Route("/healthz", check_health, methods=["GET"])]
