"""GET /metrics in the Prometheus text format: request counts and latencies per endpoint, and the
queues an operator watches (pending rewards, webhook deliveries waiting or dead)."""

from __future__ import annotations

import time
from collections import defaultdict

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shareback.context import context

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Any token is a valid HTTP method; a made-up one must not add a series of its own.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "OTHER"


def method_label(method: str) -> str:
    return method if method in METHODS else OTHER_METHOD


class RequestMetrics:
    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, str], int] = defaultdict(int)
        self.bucket_counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
        self.sums: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)

    def observe(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        self.requests[(endpoint, method, str(status))] += 1
        self.sums[endpoint] += seconds
        self.counts[endpoint] += 1
        buckets = self.bucket_counts[endpoint]
        for index, bound in enumerate(BUCKETS):
            if seconds <= bound:
                buckets[index] += 1

    def render(self) -> list[str]:
        lines = [
            "# HELP shareback_http_requests_total HTTP requests by endpoint, method and status.",
            "# TYPE shareback_http_requests_total counter",
        ]
        for (endpoint, method, status), n in sorted(self.requests.items()):
            lines.append(
                f'shareback_http_requests_total{{endpoint="{endpoint}",method="{method}",status="{status}"}} {n}'
            )
        lines += [
            "# HELP shareback_http_request_duration_seconds Time to answer, by endpoint.",
            "# TYPE shareback_http_request_duration_seconds histogram",
        ]
        for endpoint in sorted(self.counts):
            for bound, n in zip(BUCKETS, self.bucket_counts[endpoint], strict=True):
                lines.append(
                    f'shareback_http_request_duration_seconds_bucket{{endpoint="{endpoint}",le="{bound}"}} {n}'
                )
            lines.append(
                f'shareback_http_request_duration_seconds_bucket{{endpoint="{endpoint}",le="+Inf"}} {self.counts[endpoint]}'
            )
            lines.append(
                f'shareback_http_request_duration_seconds_sum{{endpoint="{endpoint}"}} {self.sums[endpoint]:.6f}'
            )
            lines.append(
                f'shareback_http_request_duration_seconds_count{{endpoint="{endpoint}"}} {self.counts[endpoint]}'
            )
        return lines


class MetricsMiddleware:
    """Labels by the matched endpoint's name, never the raw path (referral codes stay out of
    metrics), and by one of a fixed set of methods: the series are bounded whatever is sent."""

    def __init__(self, app: ASGIApp, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            endpoint = getattr(scope.get("endpoint"), "__name__", "unmatched")
            self.metrics.observe(
                endpoint, method_label(scope["method"]), status, time.perf_counter() - started
            )


async def show_metrics(request: Request) -> Response:
    ctx = context(request)
    lines = ctx.metrics.render()
    queues = await ctx.store.queue_sizes()
    queues |= {("mail", status): n for status, n in (await ctx.store.mail_counts()).items()}
    lines += [
        "# HELP shareback_queue_size Rows waiting, by queue and status.",
        "# TYPE shareback_queue_size gauge",
    ]
    lines += [
        f'shareback_queue_size{{queue="{q}",status="{s}"}} {n}'
        for (q, s), n in sorted(queues.items())
    ]
    return PlainTextResponse("\n".join(lines) + "\n", media_type=CONTENT_TYPE)


routes = [Route("/metrics", show_metrics, methods=["GET"])]
