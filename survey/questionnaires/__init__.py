"""Questionnaires as data: the Flask-free loader, checks, registry and answer checking."""
from survey.questionnaires.answers import CheckedAnswers, check_answers
from survey.questionnaires.compiled import Item, Questionnaire, Section
from survey.questionnaires.errors import CODES, QuestionnaireError, QuestionnaireLoadError
from survey.questionnaires.loader import check_directory, load_registry, parse_file
from survey.questionnaires.registry import Registry
from survey.questionnaires.schema import localized

__all__ = [
    "CODES",
    "CheckedAnswers",
    "Item",
    "Questionnaire",
    "QuestionnaireError",
    "QuestionnaireLoadError",
    "Registry",
    "Section",
    "check_answers",
    "check_directory",
    "load_registry",
    "localized",
    "parse_file",
]
