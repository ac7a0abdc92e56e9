"""Skip logic: a small, safe expression language over earlier answers.

Grammar (a subset of Python expressions, parsed with `ast` and never evaluated by Python):
    expr     := expr and expr | expr or expr | not expr | (expr) | compare | call
    compare  := item_id OP literal        OP: == != < <= > >=, or `in` / `not in` [literals]
    call     := selected(item_id, 'code')   (a multiple-choice answer includes the code)
               | answered(item_id)
An unanswered item makes every comparison on it false, so dependent items stay hidden.
"""
import ast
from dataclasses import dataclass

_COMPARE = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
}
FUNCTIONS = ("selected", "answered")


class RelevanceSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Condition:
    """A parsed expression: the AST plus the items it reads and the literals it compares them to."""

    tree: ast.Expression
    references: tuple[str, ...]
    compared: tuple[tuple[str, str], ...]  # (item_id, literal as answer text)

    @property
    def source(self) -> str:
        """The expression as written (normalised spacing), for people to read."""
        return ast.unparse(self.tree)

    def holds(self, answers: dict[str, str]) -> bool:
        return bool(_eval(self.tree.body, answers))


def parse(source: str) -> Condition:
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise RelevanceSyntaxError(exc.msg) from None
    refs: list[str] = []
    compared: list[tuple[str, str]] = []
    _check(tree.body, refs, compared)
    return Condition(tree, tuple(dict.fromkeys(refs)), tuple(compared))


def _literal(node) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float):
        if isinstance(node.value, bool):
            raise RelevanceSyntaxError("booleans are not answers")
        return str(node.value)
    raise RelevanceSyntaxError("expected a literal value")


def _check(node, refs, compared):
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, refs, compared)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check(node.operand, refs, compared)
    elif isinstance(node, ast.Compare):
        if len(node.ops) != 1 or not isinstance(node.left, ast.Name):
            raise RelevanceSyntaxError("compare one item with one value")
        op, right = node.ops[0], node.comparators[0]
        refs.append(node.left.id)
        if isinstance(op, ast.In | ast.NotIn):
            if not isinstance(right, ast.List | ast.Tuple) or not right.elts:
                raise RelevanceSyntaxError("`in` needs a list of values")
            compared.extend((node.left.id, _literal(e)) for e in right.elts)
        elif type(op) in _COMPARE:
            compared.append((node.left.id, _literal(right)))
        else:
            raise RelevanceSyntaxError("unsupported comparison")
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
            raise RelevanceSyntaxError(f"functions are {', '.join(FUNCTIONS)}")
        want = 2 if node.func.id == "selected" else 1
        if len(node.args) != want or not isinstance(node.args[0], ast.Name):
            raise RelevanceSyntaxError(f"{node.func.id}() takes an item id")
        refs.append(node.args[0].id)
        if want == 2:
            compared.append((node.args[0].id, _literal(node.args[1])))
    else:
        raise RelevanceSyntaxError(f"unsupported expression: {type(node).__name__}")


def _as_number(text):
    # float() reads "15_30" (a choice code) as 1530; a code is not a number.
    if not isinstance(text, str) or "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _eval(node, answers):
    if isinstance(node, ast.BoolOp):
        results = (_eval(v, answers) for v in node.values)
        return all(results) if isinstance(node.op, ast.And) else any(results)
    if isinstance(node, ast.UnaryOp):
        return not _eval(node.operand, answers)
    if isinstance(node, ast.Call):
        answer = answers.get(node.args[0].id)
        if node.func.id == "answered":
            return answer not in (None, "")
        return answer is not None and _literal(node.args[1]) in answer.split()
    answer = answers.get(node.left.id)
    if answer in (None, ""):
        return False
    op, right = node.ops[0], node.comparators[0]
    if isinstance(op, ast.In | ast.NotIn):
        inside = answer in {_literal(e) for e in right.elts}
        return inside if isinstance(op, ast.In) else not inside
    expected = _literal(right)
    if isinstance(op, ast.Eq | ast.NotEq):
        return _COMPARE[type(op)](answer, expected)
    left, bound = _as_number(answer), _as_number(expected)
    return left is not None and bound is not None and _COMPARE[type(op)](left, bound)
