"""The words of the public survey pages in Vietnamese and English.

Respondents are citizens and businesses, not staff: the public form speaks the language
their browser asks for (Vietnamese by default), and the questions come in that language
from the questionnaire itself. These few sentences are kept here, beside the form, so that
the public pages are complete in both languages whatever the state of the staff pages'
translation catalogue.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "submit": "Gửi phiếu",
        "answer_required": "Vui lòng trả lời câu này.",
        "required_note": "Câu có dấu * là bắt buộc.",
        "anonymous_note": "Phiếu không ghi tên người trả lời. Câu trả lời chỉ dùng để tổng hợp.",
        "errors": "Phiếu chưa gửi được: vui lòng xem lại các câu được đánh dấu.",
        "unit_fixed": "Đơn vị được đánh giá",
        "group_fixed": "Anh/chị trả lời với tư cách",
        "thanks_title": "Cảm ơn anh/chị!",
        "thanks_body": "Phiếu trả lời đã được ghi nhận. Anh/chị có thể đóng trang này.",
        "refused_title": "Không mở được phiếu khảo sát",
        "token_unknown": "Mã mời không đúng. Vui lòng kiểm tra lại đường dẫn trong thư mời.",
        "token_used": "Mã mời này đã được dùng để gửi phiếu lúc {when}. Mỗi mã chỉ dùng được một lần.",
        "token_expired": "Mã mời này đã hết hạn lúc {when}.",
        "survey_not_open": "Cuộc khảo sát chưa bắt đầu.",
        "survey_closed": "Cuộc khảo sát đã kết thúc thu phiếu. Cảm ơn anh/chị đã quan tâm.",
        "open_link_unknown": "Đường dẫn khảo sát không đúng hoặc không còn được dùng.",
        "rate_limited": (
            "Đã nhận đủ {limit} phiếu từ thiết bị này trong một giờ qua. Vui lòng thử lại sau."
        ),
        "choose": "— chọn —",
        "demo": "DỮ LIỆU MINH HỌA (demo) — không phải khảo sát thật",
    },
    "en": {
        "submit": "Send",
        "answer_required": "Please answer this question.",
        "required_note": "Questions marked * are required.",
        "anonymous_note": "The form records no name. Answers are only used in aggregate.",
        "errors": "The form was not sent: please check the questions marked below.",
        "unit_fixed": "Unit assessed",
        "group_fixed": "You answer as",
        "thanks_title": "Thank you!",
        "thanks_body": "Your answers have been recorded. You may close this page.",
        "refused_title": "This survey cannot be opened",
        "token_unknown": "This invitation code is not valid. Please check the link you received.",
        "token_used": "This invitation was already used to send answers at {when}. Each invitation works once.",
        "token_expired": "This invitation expired at {when}.",
        "survey_not_open": "The survey has not started yet.",
        "survey_closed": "The survey is closed. Thank you for your interest.",
        "open_link_unknown": "This survey link is not valid or no longer in use.",
        "rate_limited": (
            "{limit} answers were already received from this device in the last hour."
            " Please try again later."
        ),
        "choose": "— choose —",
        "demo": "DEMO DATA — not a real survey",
    },
}


def page_language(language_code: str | None) -> str:
    """ "en" when the page is in English (the browser asked for it), else "vi"."""
    return "en" if (language_code or "").lower().startswith("en") else "vi"


def texts(language_code: str | None) -> dict[str, str]:
    return TEXTS[page_language(language_code)]


def _moment(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")
    return str(value)


def refusal_message(code: str, language_code: str | None, **params: Any) -> str:
    return texts(language_code)[code].format(
        **{key: _moment(value) for key, value in params.items()}
    )
