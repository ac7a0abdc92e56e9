"""Where things live: one store writes responses, types own their answers, tests share factories.

Read from the source with `ast`, so a comment or a string mentioning a name is not a finding.
"""
import ast
from pathlib import Path

import pytest

from survey.questionnaires.types import TYPES

ROOT = Path(__file__).resolve().parents[2]
SURVEY = ROOT / "survey"


def _modules(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _name(node) -> str:
    """`Response`, `Response.__table__` → "Response"; anything else → ""."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def test_only_the_response_store_writes_responses_and_answers():
    writes = []
    for where, tree in _modules(SURVEY):
        if where.startswith(("survey/responses/", "survey/models/")):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            model = node.func.id if node.func.id in ("Response", "Answer") else ""
            if node.func.id in ("insert", "update", "delete") and node.args:
                model = _name(node.args[0]) if _name(node.args[0]) in ("Response", "Answer") else ""
            # flask's Response (a page) is imported from flask, not survey.models.
            imported = {alias.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                        and n.module == "survey.models" for alias in n.names}
            if model and model in imported:
                writes.append(f"{where}:{node.lineno} {node.func.id}({model})")
    assert writes == []


def _constants(node):
    if isinstance(node, ast.Constant):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [e.value for e in node.elts if isinstance(e, ast.Constant)]
    return []


def test_no_feature_switches_on_a_question_type_name():
    """`item.type == "yes_no"` and the like: ask the item's type (item.qtype) instead."""
    found = []
    for where, tree in _modules(SURVEY):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            on_type = any(isinstance(s, ast.Attribute) and s.attr == "type" for s in sides)
            if on_type and any(c in TYPES for s in sides for c in _constants(s)):
                found.append(f"{where}:{node.lineno}")
    assert found == []


@pytest.mark.parametrize("folder", ["survey", "browser", "questionnaires", "analysis"])
def test_test_modules_do_not_import_from_each_other(folder):
    """Builders shared by several modules are create_* fixtures in the conftest."""
    found = [f"{where}:{node.lineno} {node.module}"
             for where, tree in _modules(ROOT / "tests" / folder)
             for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) and node.module
             and node.module.rsplit(".", 1)[-1].startswith("test_")]
    assert found == []
