"""Permission-matrix entries for the two-factor sign-in pages (see tests/web/matrix.py).

Every signed-in user has a security page and may set up an authenticator app (PARINDEX_REQUIRE_2FA
says who must); the code page sends a user who owes no code on (302); asking for new recovery
codes without an app is refused with a message (302 back); an administrator resets another
user's second factor. The flow itself: tests/security/test_two_factor.py.
"""

from __future__ import annotations

from .matrix import ADMIN, ALL, Entry

ENTRIES: dict[str, Entry] = {
    "two_factor:status": Entry(ALL),
    "two_factor:setup": Entry(ALL),
    "two_factor:codes": Entry(ALL, method="post"),
    "two_factor:verify": Entry(ALL),
    "accounts:two_factor_reset": Entry(ADMIN, lambda p: [p["users"]["officer_a"].pk]),
}
