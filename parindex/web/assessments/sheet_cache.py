"""The self-assessment and appraisal pages' sheet, rendered once per version of what it shows.

A sheet (progress or totals, the areas' heads, the open area's forms) of a 150-node framework
takes tens of milliseconds to render, for content that changes when someone saves. The key is
a digest of everything the rendered part shows: `selectors.sheet_version` (the assessment's
state and the latest change of its entries, evidence, explanation rounds and the unit's
documents, in one query) and what the view decides per request (who may edit now, the unit's
deadline, the tasks on its criteria, the area asked for, the language, today's date), so a
cached body is never stale: any change makes another key. Bodies are rendered with a
placeholder for the CSRF token, put back per request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from parindex.assessments.models import Assessment
from parindex.assessments.selectors import sheet_version
from parindex.tasks.models import Task

# Cached bodies are keyed by version, so they are never stale; this only frees memory.
CACHE_SECONDS = 30 * 60
# Rendered in place of the CSRF token (`{% csrf_token %}` reads `csrf_token` from the context).
CSRF_PLACEHOLDER = "csrf-token-placeholder-5b1d0c"


def tasks_version(node_tasks: Mapping[str, Sequence[Task]]) -> tuple[Any, ...]:
    """What the rows show of the tasks on their criteria."""
    return tuple(
        (code, tuple((task.pk, task.version, task.status, str(task.deadline)) for task in tasks))
        for code, tasks in sorted(node_tasks.items())
    )


def sheet_body(
    request: HttpRequest,
    assessment: Assessment,
    kind: str,
    parts: tuple[Any, ...],
    build: Callable[[dict[str, Any]], dict[str, str]],
) -> dict[str, SafeString]:
    """The parts of a page that show the assessment's sheet (by name): from the cache when
    nothing they show changed, else `build(extra_context)`, rendered with the token
    placeholder that `extra_context` holds."""
    key_parts = (
        kind,
        sheet_version(assessment),
        parts,
        get_language(),
        timezone.localdate().isoformat(),
    )
    digest = hashlib.sha256(repr(key_parts).encode("utf-8")).hexdigest()
    key = f"assessments:sheet:{assessment.pk}:{kind}:{digest}"
    bodies = cache.get(key)
    if bodies is None:
        bodies = build({"csrf_token": CSRF_PLACEHOLDER})
        cache.set(key, bodies, CACHE_SECONDS)
    token = get_token(request)
    # Rendered by our own templates, escaped there; the token is the request's own.
    return {name: mark_safe(body.replace(CSRF_PLACEHOLDER, token)) for name, body in bodies.items()}
