"""`/healthz`: is this instance serving? For the monitoring and the load balancer.

No login; GET or HEAD; never cached. HTTP 200 when the database and the data folder work, 503
otherwise; the JSON body says which part (`parindex.operations.health`):

    {"status": "ok", "database": "ok", "storage": "ok", "worker": "ok"|"stale"|"unknown",
     "worker_heartbeat_age_seconds": 4}

It reveals no data, no version and no error text (those go to the log). The worker's state
does not change the status code: a stopped worker delays jobs, the pages still work.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from parindex.operations.health import health


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, body = health()
    return JsonResponse(body, status=200 if healthy else 503)
