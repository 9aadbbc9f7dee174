"""POST /admin/campaigns/{slug}/code-pool: friends' codes uploaded as a CSV file, checked exactly
as the owner's API checks them (shareback.code_pool), the problems shown beside the file field."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import code_pool, tokens
from shareback.admin import campaign_form
from shareback.admin.campaigns import campaign_or_404, form_page
from shareback.admin.render import redirect
from shareback.admin.sessions import admin_upload
from shareback.context import context
from shareback.storage.base import AdminSession

MIB = 1024 * 1024
# The file itself may be code_pool.MAX_BYTES; the multipart framing and the CSRF field come on top.
FORM_OVERHEAD = 64 * 1024
TOO_LARGE = (
    f"Upload at most {code_pool.MAX_BYTES // MIB} MiB ({code_pool.MAX_CODES:,} codes) at a time: "
    "split the file and upload the parts one after the other."
)


async def read_codes(form: FormData) -> tuple[list[str], str | None]:
    """The file's codes, or why there are none."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return [], "Choose a CSV file: one code per line, or a header row with a “code” column."
    body = await upload.read(code_pool.MAX_BYTES + 1)
    if len(body) > code_pool.MAX_BYTES:
        return [], TOO_LARGE
    try:
        return code_pool.parse_pool(body), None
    except code_pool.InvalidPool as exc:
        return [], str(exc)


@admin_upload(code_pool.MAX_BYTES + FORM_OVERHEAD, TOO_LARGE)
async def upload_code_pool(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await campaign_or_404(request)
    codes, error = await read_codes(form)
    if error is not None:
        values = campaign_form.campaign_values(campaign)
        return await form_page(request, session, values, {}, campaign, pool_error=error)
    upload = await context(request).store.add_pool_codes(campaign.id, codes, tokens.now_utc())
    counts = urlencode(
        {"added": upload.added, "duplicates": upload.duplicates, "conflicts": upload.conflicts}
    )
    return redirect(f"/admin/campaigns/{campaign.slug}?{counts}#code-pool")


routes = [Route("/admin/campaigns/{slug}/code-pool", upload_code_pool, methods=["POST"])]
