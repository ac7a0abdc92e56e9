"""Every shipped questionnaire renders in each of its languages, and answers are checked the shared way."""
import pytest
from bs4 import BeautifulSoup

from survey.forms.builder import FIELD_PREFIX
from tests.survey.conftest import csrf_token


def _questionnaires(app):
    return list(app.extensions["questionnaires"])


def test_every_questionnaire_renders_every_item_in_each_language(app, login):
    client = login("viewer")
    for q in _questionnaires(app):
        for lang in q.languages:
            page = client.get(f"/questionnaires/{q.id}/v{q.version}?lang={lang}")
            assert page.status_code == 200, (q.id, lang)
            soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
            assert soup.select_one("main form[lang]")["lang"] == lang
            assert soup.h1.get_text(strip=True) == q.title[lang]
            for item in q.items.values():
                block = soup.select_one(f"#item-{item.id}")
                assert block is not None, (q.id, item.id)
                # Every question is labelled: a legend for choice groups, a label otherwise.
                assert (block.legend or block.label).get_text(" ", strip=True).startswith(item.text[lang])
            for box in soup.select("input[type=radio], input[type=checkbox], input[type=text], textarea"):
                assert soup.select_one(f'label[for="{box["id"]}"]'), (q.id, box["id"])


def test_choice_groups_are_fieldsets_with_legends(login):
    soup = BeautifulSoup(login("viewer").get("/questionnaires/tthc-desk/v1").get_data(as_text=True),
                         "html.parser")
    group = soup.select_one("#item-satisfaction fieldset")
    assert group.legend and len(group.select("input[type=radio]")) == 3


def _post(client, url, answers):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token,
                                  **{FIELD_PREFIX + k: v for k, v in answers.items()}})


def test_valid_answers_are_accepted_and_not_saved(login):
    client = login("viewer")
    response = _post(client, "/questionnaires/tthc-desk/v1", {"satisfaction": "3"})
    assert response.status_code == 200
    assert "không được lưu" in response.get_data(as_text=True)


@pytest.mark.parametrize("answers, field, message", [
    ({}, "satisfaction", "Vui lòng trả lời câu hỏi này."),
    ({"satisfaction": "9"}, "satisfaction", "Not a choice"),
    ({"satisfaction": "1", "comment": "x" * 1001}, "comment", "too long"),
])
def test_bad_answers_are_listed_in_the_error_summary(login, answers, field, message):
    client = login("viewer")
    response = _post(client, "/questionnaires/tthc-desk/v1", answers)
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one(f'.error-summary a[href="#{FIELD_PREFIX}{field}"]')


def test_unknown_questionnaire_is_404(login):
    assert login("viewer").get("/questionnaires/nope/v1").status_code == 404
