"""Notifications: in the application and by e-mail, and marking them read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.assessments.errors import WorkflowError
from parindex.assessments.models import Notification
from parindex.units.models import Unit


def page_url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # pages not installed (e.g. a command-line import)
        return ""


def notify(
    users: Iterable[User], message_id: str, params: dict[str, Any] | None = None, url: str = ""
) -> None:
    """In-application notification and an e-mail (console backend by default).

    `message_id` is a sentence marked with `gettext_noop`, with %(name)s placeholders filled
    from `params` (plain values: names, codes, dates as text). Each reader sees it in the
    language of the page; the stored text and the e-mail are in the default language, the
    recipient's own being unknown. One e-mail per recipient, so that nobody sees the others'
    addresses.
    """
    params = {key: str(value) for key, value in (params or {}).items()}
    with translation.override(settings.LANGUAGE_CODE):
        message = gettext(message_id) % params
    recipients = [user for user in users if user.is_active]
    Notification.objects.bulk_create(
        Notification(
            user=user,
            message=message[:300],
            message_id=message_id,
            message_params=params,
            url=url,
        )
        for user in recipients
    )
    subject = f"[parindex] {message[:120]}"
    body = f"{message}\n\n{url}" if url else message
    mails = [(subject, body, None, [user.email]) for user in recipients if user.email]
    if mails:
        send_mass_mail(mails, fail_silently=True)


def unit_users(unit: Unit) -> list[User]:
    return list(User.objects.filter(unit=unit, is_active=True))


def role_users(*roles: str) -> list[User]:
    return list(User.objects.filter(role__in=roles, is_active=True))


def notification_read(*, user: User, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise WorkflowError(gettext("Thông báo của người khác."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_read_all(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
