"""The words of the public survey pages in Vietnamese and English.

Respondents are citizens and businesses, not staff: the public form speaks the language
their browser asks for (Vietnamese by default), and the questions come in that language
from the questionnaire itself. These few sentences are kept here, beside the form, and go
through the translation catalogue like every other text of the platform; `texts` gives them
in Vietnamese or English whatever language the rest of the request is in.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

# The public pages' sentences, by key; the English is in the catalogue (parindex/locale/en).
TEXTS: dict[str, Any] = {
    "submit": _("Gửi phiếu"),
    "answer_required": _("Vui lòng trả lời câu này."),
    "required_note": _("Câu có dấu * là bắt buộc."),
    "anonymous_note": _("Phiếu không ghi tên người trả lời. Câu trả lời chỉ dùng để tổng hợp."),
    "errors": _("Phiếu chưa gửi được: vui lòng xem lại các câu được đánh dấu."),
    "unit_fixed": _("Đơn vị được đánh giá"),
    "group_fixed": _("Anh/chị trả lời với tư cách"),
    "thanks_title": _("Cảm ơn anh/chị!"),
    "thanks_body": _("Phiếu trả lời đã được ghi nhận. Anh/chị có thể đóng trang này."),
    "refused_title": _("Không mở được phiếu khảo sát"),
    "token_unknown": _("Mã mời không đúng. Vui lòng kiểm tra lại đường dẫn trong thư mời."),
    "token_used": _(
        "Mã mời này đã được dùng để gửi phiếu lúc %(when)s. Mỗi mã chỉ dùng được một lần."
    ),
    "token_expired": _("Mã mời này đã hết hạn lúc %(when)s."),
    "survey_not_open": _("Cuộc khảo sát chưa bắt đầu."),
    "survey_closed": _("Cuộc khảo sát đã kết thúc thu phiếu. Cảm ơn anh/chị đã quan tâm."),
    "open_link_unknown": _("Đường dẫn khảo sát không đúng hoặc không còn được dùng."),
    "rate_limited": _(
        "Đã nhận đủ %(limit)s phiếu từ thiết bị này trong một giờ qua. Vui lòng thử lại sau."
    ),
    "choose": _("— chọn —"),
    "repeat_elsewhere": _(
        "Phần «%(section)s» gồm các mục lặp lại: phần này chỉ thu bằng ứng dụng ODK Collect"
        " hoặc KoboToolbox, trang này không hỏi."
    ),
    "demo": _("DỮ LIỆU MINH HỌA (demo) — không phải khảo sát thật"),
}


def page_language(language_code: str | None) -> str:
    """ "en" when the page is in English (the browser asked for it), else "vi"."""
    return "en" if (language_code or "").lower().startswith("en") else "vi"


def texts(language_code: str | None) -> dict[str, str]:
    """Every sentence of the public pages in the page's language (Vietnamese or English)."""
    with translation.override(page_language(language_code)):
        return {key: str(text) for key, text in TEXTS.items()}


def _moment(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")
    return str(value)


def refusal_message(code: str, language_code: str | None, **params: Any) -> str:
    return texts(language_code)[code] % {key: _moment(value) for key, value in params.items()}
