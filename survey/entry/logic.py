"""The questionnaire as the entry page's script needs it: item order, types and skip logic as JSON.

Skip logic is shipped as a small JSON tree compiled from the same parsed expression the server
evaluates (survey.questionnaires.relevance), so the page hides exactly what check_answers drops.
"""
import ast

from survey.questionnaires.relevance import Condition

_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def _literal(node) -> str:
    return str(node.value)


def condition_tree(condition: Condition | None):
    """The expression as nested lists the page's evaluator reads, or None (always shown)."""
    return None if condition is None else _node(condition.tree.body)


def _node(node):
    if isinstance(node, ast.BoolOp):
        return ["and" if isinstance(node.op, ast.And) else "or", *[_node(v) for v in node.values]]
    if isinstance(node, ast.UnaryOp):
        return ["not", _node(node.operand)]
    if isinstance(node, ast.Call):
        item = node.args[0].id
        if node.func.id == "answered":
            return ["answered", item]
        return ["selected", item, _literal(node.args[1])]
    op, right = node.ops[0], node.comparators[0]
    if isinstance(op, ast.In | ast.NotIn):
        values = [_literal(e) for e in right.elts]
        return ["in" if isinstance(op, ast.In) else "not in", node.left.id, values]
    return [_OPS[type(op)], node.left.id, _literal(right)]


def page_logic(questionnaire) -> dict:
    """Items in questionnaire order with their type and skip-logic tree."""
    return {
        "questionnaire": questionnaire.id,
        "version": questionnaire.version,
        "items": [{"id": item.id, "type": item.type, "relevant": condition_tree(item.condition)}
                  for section in questionnaire.sections for item in section.items],
    }
