"""Two-factor sign-in pages: the code after the password, setting up an authenticator app (QR
code drawn on the server as SVG, and the secret to type), recovery codes, the administrator's
reset.

How a login goes: the password is checked by Django's login view; when it is right,
`on_login` asks the policy what the user still owes (`policy.two_factor_step`) and writes it in
the session ("verify": a code, for anybody who set up an app; "enrol": set one up, for the
roles PARINDEX_REQUIRE_2FA covers). Until it is paid, `TwoFactorMiddleware` sends every page to
that step (the session is signed in, but reaches only the step, logout and the language
switch): a stolen password alone opens nothing. Every way of signing in (this site's form, the
Django admin's, a test's `force_login`) goes through `on_login`.
"""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from parindex import policy
from parindex.accounts import two_factor
from parindex.policy import require
from parindex.web.http import AuthedRequest

# What the signed-in session still owes ("verify" or "enrol"), and the secret being set up.
STEP = "parindex_2fa_step"
SECRET = "parindex_2fa_secret"
FAILURES = "parindex_2fa_failures"
# Wrong codes in one session before it is signed out (django-otp also slows each device down).
MAX_FAILURES = 10


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """`user_logged_in`: write the step the user still owes into the new session."""
    if request is None or not hasattr(request, "session"):
        return
    step = policy.two_factor_step(user, enrolled=two_factor.is_enrolled(user))
    for key in (STEP, SECRET, FAILURES):
        request.session.pop(key, None)
    if step is not None:
        request.session[STEP] = step


def pending_step(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    return session.get(STEP) if session is not None else None


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _done(request: HttpRequest, device: Any) -> HttpResponse:
    """The step is paid: the session is rotated (a new id once fully signed in) and goes on."""
    target = _safe_next(request, request.GET.get("next", ""))
    for key in (STEP, SECRET, FAILURES):
        request.session.pop(key, None)
    request.session.cycle_key()
    otp_login(request, device)
    return redirect(target)


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as an inline SVG element (drawn here: no CDN, no JavaScript)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#111"))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthedRequest) -> HttpResponse:
    """The code after the password: from the authenticator app, or a recovery code."""
    if pending_step(request) != "verify":
        return redirect(_safe_next(request, request.GET.get("next", "")))
    error = ""
    if request.method == "POST":
        device = two_factor.two_factor_check(request.user, request.POST.get("code", ""))
        if device is not None:
            if device.name == "recovery" and two_factor.recovery_codes_left(request.user) <= 2:
                messages.warning(
                    request, _("Sắp hết mã khôi phục: hãy tạo mã mới trong trang Bảo mật.")
                )
            return _done(request, device)
        failures = request.session.get(FAILURES, 0) + 1
        if failures >= MAX_FAILURES:
            logout(request)
            messages.error(request, _("Nhập sai mã quá nhiều lần; hãy đăng nhập lại."))
            return redirect("login")
        request.session[FAILURES] = failures
        error = _("Mã không đúng hoặc đã dùng.")
        until = two_factor.throttled_until(request.user)
        if until is not None:
            error += " " + _("Hãy chờ đến %(time)s rồi thử lại.") % {
                "time": timezone.localtime(until).strftime("%H:%M:%S")
            }
    return render(request, "accounts/two_factor_verify.html", {"error": error}, status=200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: AuthedRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: scan the QR code or type the secret, then
    prove it with a code. A user who still owes a code (`verify`) cannot come here."""
    require(request.user, "account.two_factor")
    if pending_step(request) == "verify":
        return redirect("two_factor:verify")
    secret = request.session.get(SECRET) or two_factor.new_secret()
    request.session[SECRET] = secret
    error = ""
    if request.method == "POST":
        try:
            codes = two_factor.two_factor_enable(
                actor=request.user,
                user=request.user,
                secret=secret,
                code=request.POST.get("code", ""),
            )
        except two_factor.TwoFactorError as refused:
            error = str(refused)
        else:
            device = next(
                device for device in two_factor.devices(request.user) if device.name != "recovery"
            )
            response = _done(request, device)
            messages.success(request, _("Đã bật xác thực hai bước."))
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next_url": response["Location"]},
            )
    uri = two_factor.provisioning_uri(request.user, secret)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "qr": qr_svg(uri),
            "secret": two_factor.secret_text(secret),
            "error": error,
            "enrolled": two_factor.is_enrolled(request.user),
            "required": policy.two_factor_required(request.user),
            "pending": pending_step(request) == "enrol",
        },
    )


@never_cache
@login_required
def status(request: AuthedRequest) -> HttpResponse:
    """The user's own security page: whether the second factor is on, the codes left."""
    require(request.user, "account.two_factor")
    enrolled = two_factor.is_enrolled(request.user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enrolled": enrolled,
            "required": policy.two_factor_required(request.user),
            "codes_left": two_factor.recovery_codes_left(request.user) if enrolled else 0,
            "idle_minutes": request.session.get_expiry_age() // 60,
        },
    )


@never_cache
@login_required
@require_POST
def new_codes(request: AuthedRequest) -> HttpResponse:
    require(request.user, "account.two_factor")
    try:
        codes = two_factor.two_factor_new_codes(actor=request.user, user=request.user)
    except two_factor.TwoFactorError as refused:
        messages.error(request, str(refused))
        return redirect("two_factor:status")
    return render(
        request,
        "accounts/two_factor_codes.html",
        {"codes": codes, "next_url": reverse("two_factor:status")},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reset(request: AuthedRequest, pk: int) -> HttpResponse:
    """An administrator removes another user's app and codes (a lost phone), with a reason;
    audited."""
    account = policy.two_factor_reset_for(request.user, pk)
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()[:500]
        if not reason:
            messages.error(request, _("Hãy ghi lý do đặt lại."))
        else:
            two_factor.two_factor_reset(actor=request.user, user=account, reason=reason)
            messages.success(
                request,
                _("Đã đặt lại xác thực hai bước của %(name)s.") % {"name": account},
            )
            return redirect("accounts:edit", pk=account.pk)
    return render(
        request,
        "accounts/two_factor_reset.html",
        {"account": account, "enrolled": two_factor.is_enrolled(account)},
    )
