"""Build a WTForms class from a questionnaire: one field `q_<item_id>` per item.

The form hands its raw answers to check_answers and puts the resulting error codes back on
the fields as messages, so a web form and a synced paper form are judged by the same rules.
"""
from functools import lru_cache

from survey.forms import BaseForm
from survey.forms import messages as _answer_texts  # noqa: F401  (registers the texts)
from survey.forms.fields import FIELD_BUILDERS
from survey.problems import describe
from survey.questionnaires import CheckedAnswers, check_answers, localized

FIELD_PREFIX = "q_"


class QuestionnaireForm(BaseForm):
    class Meta:
        # CSRFProtect already checks every POST before the view runs; checking the same token
        # again here would only cost time on the busiest page (templates use csrf_token()).
        csrf = False

    questionnaire = None
    item_ids: tuple[str, ...] = ()

    def raw_answers(self) -> dict[str, list[str]]:
        answers = {}
        for item_id in self.item_ids:
            data = self[FIELD_PREFIX + item_id].data
            values = data if isinstance(data, list) else [data]
            answers[item_id] = [str(v) for v in values if v not in (None, "")]
        return answers

    def check(self, earlier=None) -> CheckedAnswers:
        """Check the submitted answers and attach a message to every field that has a problem."""
        checked = check_answers(self.questionnaire, self.raw_answers(), self.item_ids, earlier)
        for item_id, code in checked.errors.items():
            field = self._fields.get(FIELD_PREFIX + item_id)
            if field is not None:
                field.errors = [*field.errors, describe(code)]
        return checked


@lru_cache(maxsize=256)
def form_class(questionnaire, lang: str, section_ids: tuple[str, ...] | None = None):
    """The form for `questionnaire` in `lang`, for some sections or (None) the whole of it."""
    attrs = {"questionnaire": questionnaire}
    item_ids = []
    for section in questionnaire.sections:
        if section_ids is not None and section.id not in section_ids:
            continue
        for item in section.items:
            build = FIELD_BUILDERS[item.type]
            attrs[FIELD_PREFIX + item.id] = build(
                item, lang, label=localized(item.text, lang),
                description=localized(item.hint, lang) if item.hint else "")
            item_ids.append(item.id)
    attrs["item_ids"] = tuple(item_ids)
    name = f"Form_{questionnaire.id.replace('-', '_')}_v{questionnaire.version}_{lang}"
    return type(name, (QuestionnaireForm,), attrs)
