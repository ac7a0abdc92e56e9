"""The variables of a response-level export, built once from the questionnaire: names, labels, codes.

Every format writes the same variables in the same order. Names are valid in Stata, SPSS and R
(letters, digits, underscore; at most 32 characters; unique). Values:
- scale items, yes/no (1 = yes, 0 = no) and numbers are numeric in every format;
- a multiple-choice item becomes one 0/1 variable per choice (missing when not asked);
- a single-choice item with text codes (e.g. sex `male`, ethnicity `01`) keeps its code in CSV,
  XLSX and Parquet; SPSS and Stata get a number with the label attached, because Stata value
  labels exist only on whole numbers: the code itself where it is written in digits (`01` is 1),
  else the choice's position (see `choice_numbers`). The codebook lists code, number and label.
Labels are Vietnamese (NFC) with English beside them in the codebook.
"""
import re
import unicodedata
from dataclasses import dataclass, field

from survey.i18n_lazy import _l
from survey.questionnaires import localized
from survey.questionnaires.types import (
    EXPORT_CODED,
    EXPORT_NUMERIC,
    EXPORT_PER_CHOICE,
    EXPORT_TEXT,
)

# Stata allows 32 characters, but a Stata file names each value-label set after its variable and
# readstat refuses a 32-character label name ("dissatisfied_reasons_asked_money" did): 31.
NAME_LIMIT = 31
NUMERIC, TEXT, CODED = EXPORT_NUMERIC, EXPORT_TEXT, EXPORT_CODED
PICKED_LABELS = {1: {"vi": "Có chọn", "en": "Chosen"}, 0: {"vi": "Không chọn", "en": "Not chosen"}}


@dataclass(frozen=True)
class Variable:
    name: str
    label: dict            # language → text
    kind: str              # NUMERIC, TEXT, or CODED (text code ↔ number 1..K)
    item_id: str | None = None
    # For NUMERIC: number → {lang: text}. For CODED: code → (number, {lang: text}).
    values: dict = field(default_factory=dict)
    # For a multiple-choice dummy: the choice code it stands for.
    choice: str | None = None
    section: str = ""
    condition: str = ""
    # Stored text → number, for items stored as words (yes/no).
    text_numbers: dict | None = None

    def label_in(self, lang: str) -> str:
        return nfc(self.label.get(lang) or self.label.get("vi", ""))

    def value_labels(self, lang: str = "vi") -> dict[int, str]:
        """Number → label, as SPSS and Stata store it."""
        if self.kind == CODED:
            return {number: nfc(text.get(lang) or text["vi"]) for number, text in self.values.values()}
        return {number: nfc(text.get(lang) or text["vi"]) for number, text in self.values.items()}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", str(text))


# (name, vi, en, kind): the design and provenance columns before the items.
DESIGN_VARIABLES = (
    ("response_id", "Mã phiếu trả lời", "Response id", NUMERIC),
    ("channel", "Kênh trả lời", "Channel", CODED),
    ("submitted_at", "Thời điểm gửi (UTC)", "Submitted at (UTC)", TEXT),
    ("flags", "Cờ kiểm tra tính toàn vẹn", "Integrity flags", TEXT),
    ("verification", "Tình trạng xác minh phiếu giấy", "Paper form verification", CODED),
    ("unit_code_old", "Mã đơn vị hành chính cũ (trước 1/7/2025)", "Unit code before 1 July 2025", TEXT),
    ("unit_code_new", "Mã đơn vị hành chính mới (từ 1/7/2025)", "Unit code from 1 July 2025", TEXT),
    ("district_code", "Mã huyện (cũ)", "Former district code", TEXT),
    ("service_point_code", "Mã điểm phục vụ", "Service point code", TEXT),
    ("service_kind", "Loại điểm phục vụ", "Service point kind", TEXT),
    ("stratum", "Tầng (lớp) chọn mẫu", "Stratum", TEXT),
    ("psu", "Đơn vị mẫu cấp 1 (PSU)", "Primary sampling unit", TEXT),
    ("fpc", "Hiệu chỉnh tổng thể hữu hạn: quy mô tổng thể của tầng (trống: không dùng)",
     "Finite population correction: population of the stratum (blank: none used)", NUMERIC),
    ("weight", "Quyền số cuối cùng", "Final weight", NUMERIC),
    ("stratum_population", "Quy mô khung mẫu của tầng", "Sampling frame size of the stratum",
     NUMERIC),
    ("base_weight", "Quyền số thiết kế (trước hiệu chỉnh)", "Base (design) weight, before calibration",
     NUMERIC),
    ("counted", "Được tính trong ước lượng chính thức", "Counted in the official estimate", NUMERIC),
    ("interview_date", "Ngày phỏng vấn ghi trên phiếu giấy", "Interview date on the paper form", TEXT),
)
DESIGN_CODES = {
    "channel": {"qr": (1, {"vi": "Mã QR", "en": "QR code"}),
                "paper": (2, {"vi": "Phiếu giấy", "en": "Paper form"})},
    "verification": {"verified": (1, {"vi": "Đã xác minh", "en": "Verified"}),
                     "unverified": (2, {"vi": "Mới nhập một lần", "en": "Keyed once"}),
                     "conflict": (3, {"vi": "Có chênh lệch", "en": "Conflict"})},
    "counted": {1: {"vi": "Có", "en": "Yes"}, 0: {"vi": "Không", "en": "No"}},
}
KIND_TITLES = {NUMERIC: _l("number"), TEXT: _l("text"), CODED: _l("code")}


def _safe_name(raw: str, taken: set[str]) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", raw)
    if not name or name[0].isdigit():
        name = f"v_{name}"
    name = name[:NAME_LIMIT]
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f"_{n}"
        candidate = name[:NAME_LIMIT - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def export_variables(questionnaire) -> tuple[Variable, ...]:
    """The export's variables in order: design columns, then every item in questionnaire order."""
    taken: set[str] = set()
    out = [Variable(_safe_name(name, taken), {"vi": vi, "en": en}, kind,
                    values=DESIGN_CODES.get(name, {}))
           for name, vi, en, kind in DESIGN_VARIABLES]
    for section in questionnaire.sections:
        for item in section.items:
            out.extend(_item_variables(item, taken, section.id))
    return tuple(out)


def _item_variables(item, taken, section_id):
    text = {lang: nfc(value) for lang, value in item.text.items()}
    common = {"item_id": item.id, "section": section_id,
              "condition": item.condition.source if item.condition is not None else ""}
    kind, codes = item.qtype.export_kind(item), item.qtype.codes(item)

    def texts(code):
        return {lang: localized(code.text, lang) for lang in {**text, **code.text}}

    if kind == EXPORT_PER_CHOICE:
        for code in codes:
            label = {lang: f"{text[lang]}: {localized(code.text, lang)}" for lang in text}
            yield Variable(_safe_name(f"{item.id}_{code.code}", taken), label, NUMERIC,
                           values=PICKED_LABELS, choice=code.code, **common)
    elif kind == EXPORT_CODED:
        numbers = choice_numbers(codes)
        values = {c.code: (numbers[c.code], texts(c)) for c in codes}
        yield Variable(_safe_name(item.id, taken), text, CODED, values=values, **common)
    elif kind == EXPORT_NUMERIC and codes:
        yield Variable(_safe_name(item.id, taken), text, NUMERIC,
                       values={c.number: texts(c) for c in codes},
                       text_numbers={c.code: float(c.number) for c in codes}, **common)
    else:
        yield Variable(_safe_name(item.id, taken), text, kind, **common)


def choice_numbers(choices) -> dict[str, int]:
    """The number SPSS and Stata store for each text code of a single-choice list.

    Codes written as digits keep their own number (GSO ethnicity "01" = Kinh is 1), whatever
    their position, so the numbers hold across questionnaire versions. Other codes in such a
    list (e.g. "other") are numbered from the next power of ten above the codes' width (100, 101…
    for two-digit codes), in list order; a list without digit codes is numbered 1..K in order.
    """
    digits = [c.code for c in choices if c.code.isdigit()]
    start = 10 ** max(len(code) for code in digits) if digits else 1
    numbers, others = {}, 0
    for choice in choices:
        if choice.code.isdigit():
            numbers[choice.code] = int(choice.code)
        else:
            numbers[choice.code] = start + others
            others += 1
    return numbers
