"""Responses from every channel: the one store that writes and reads a response and its answers.

The QR survey, paper entry, the demo and the test factories all go through here.
"""
from survey.responses.operations import (
    insert_response,
    record_response,
    set_flags,
    update_response,
    write_answers,
)
from survey.responses.queries import (
    count_by_unit,
    count_responses,
    dossier_rated,
    query_answers,
    query_answers_of,
    query_paper_form,
    query_response,
    query_response_by_id,
)

__all__ = [
    "count_by_unit",
    "count_responses",
    "dossier_rated",
    "insert_response",
    "query_answers",
    "query_answers_of",
    "query_paper_form",
    "query_response",
    "query_response_by_id",
    "record_response",
    "set_flags",
    "update_response",
    "write_answers",
]
