"""Two-factor sign-in: an authenticator app's codes (TOTP, RFC 6238) and one-time recovery codes,
kept as django-otp devices (`TOTPDevice`, `StaticDevice`). Writes audit what changed; the
secret and the codes are never written to the audit trail or the logs.

Who must use it is the policy's question (`policy.two_factor_required`); the pages are in
`parindex/web/accounts/two_factor.py` (docs/deployment.md says how to run it).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from parindex.accounts.models import User
from parindex.audit.services import audit_record

RECOVERY_CODES = 10
# A code is accepted from the 30-second window before to the one after (a phone's clock a
# little off); a window already used is refused (a code works once).
TOLERANCE = 1


class TwoFactorError(Exception):
    """A refusal, in the user's language."""


def new_secret() -> str:
    """A fresh 160-bit secret (hex, as django-otp stores it)."""
    return str(random_hex(20))


def _valid_secret(secret: str) -> bytes | None:
    try:
        key = binascii.unhexlify(secret.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return key if len(key) == 20 else None


def secret_text(secret: str) -> str:
    """The secret as an authenticator app asks for it when typed: Base32, in groups of four."""
    key = _valid_secret(secret) or b""
    text = base64.b32encode(key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return str(TOTPDevice(user=user, key=secret, name="authenticator").config_url)


def _clean(code: str) -> str:
    return "".join(str(code or "").split()).replace("-", "").lower()


def code_matches(secret: str, code: str, *, now: float | None = None) -> bool:
    """Whether `code` is the secret's current code (within `TOLERANCE` windows)."""
    key, typed = _valid_secret(secret), _clean(code)
    if key is None or not (typed.isascii() and typed.isdigit() and len(typed) == 6):
        return False
    totp = TOTP(key, 30, 0, 6, 0)
    totp.time = time.time() if now is None else now
    return bool(totp.verify(int(typed), TOLERANCE))


def devices(user: User) -> list[Device]:
    """The user's confirmed devices: the authenticator app, then the recovery codes."""
    found: list[Device] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    found += list(StaticDevice.objects.filter(user=user, confirmed=True))
    return found


def is_enrolled(user: Any) -> bool:
    """Whether the user has set up an authenticator app (then every login asks for a code)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _new_codes(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _remove_devices(user: User) -> int:
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[0]
    return removed


def two_factor_enable(*, actor: Any, user: User, secret: str, code: str) -> list[str]:
    """Set up the authenticator app whose current `code` proves it holds `secret` (replacing
    any earlier one), with new recovery codes, which are returned to be shown once."""
    if _valid_secret(secret) is None:
        raise TwoFactorError(gettext("Mã bí mật đã hết hạn; hãy quét lại mã QR mới."))
    if not code_matches(secret, code):
        raise TwoFactorError(
            gettext(
                "Mã không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng xác thực "
                "(kiểm tra giờ của điện thoại)."
            )
        )
    with transaction.atomic():
        replaced = _remove_devices(user) > 0
        TOTPDevice.objects.create(
            user=user, name="authenticator", key=secret, confirmed=True, tolerance=TOLERANCE
        )
        recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        codes = _new_codes(recovery)
        audit_record(
            actor=actor,
            action="two_factor_enable",
            instance=user,
            changes={"two_factor": [replaced, True], "recovery_codes": [None, len(codes)]},
        )
    return codes


def two_factor_new_codes(*, actor: Any, user: User) -> list[str]:
    """Replace the recovery codes (the old ones stop working); returned to be shown once."""
    with transaction.atomic():
        if not is_enrolled(user):
            raise TwoFactorError(gettext("Tài khoản chưa bật xác thực hai bước."))
        recovery, _created = StaticDevice.objects.get_or_create(
            user=user, name="recovery", defaults={"confirmed": True}
        )
        before = recovery.token_set.count()
        codes = _new_codes(recovery)
        audit_record(
            actor=actor,
            action="two_factor_codes",
            instance=user,
            changes={"recovery_codes": [before, len(codes)]},
        )
    return codes


def two_factor_reset(*, actor: Any, user: User, reason: str = "") -> bool:
    """An administrator's reset (a lost phone): the user's app and codes are removed; the
    next login sets up a new app if the policy requires one. Returns whether anything was."""
    with transaction.atomic():
        enrolled = is_enrolled(user)
        removed = _remove_devices(user)
        audit_record(
            actor=actor,
            action="two_factor_reset",
            instance=user,
            changes={"two_factor": [enrolled, False]},
            reason=reason,
        )
    return removed > 0


def two_factor_check(user: User, code: str) -> Device | None:
    """The device that accepts `code` (six digits: the app; else a recovery code, used up),
    or None. django-otp slows down guessing: after a wrong code each device waits 1, 2, 4, …
    seconds before it checks another. A recovery code's use is audited."""
    typed = _clean(code)
    if not typed:
        return None
    app_code = typed.isascii() and typed.isdigit() and len(typed) == 6
    for device in devices(user):
        if isinstance(device, TOTPDevice) != app_code:
            continue
        accepted = verify_token(user, device.persistent_id, typed)
        if accepted is not None:
            if isinstance(accepted, StaticDevice):
                audit_record(
                    actor=user,
                    action="two_factor_recovery",
                    instance=user,
                    changes={"recovery_codes": [None, recovery_codes_left(user)]},
                )
            return accepted
    return None


def throttled_until(user: User) -> datetime.datetime | None:
    """When the user's app accepts a code again, if it is holding back after wrong codes."""
    for device in devices(user):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            return data["locked_until"]
    return None
