"""FEEL-lite text -> syntax tree, with errors an analyst can act on.

The grammar lives in ``grammar/feel.lark``; this module loads it once per
process (a parser is immutable, so sharing it adds no state) and turns
lark's parse tree into :mod:`engine.feel.ast` nodes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from engine.feel import ast
from engine.feel import values as V

#: Cells longer than this are refused: decision-table cells are short, and
#: parsing cost must stay bounded on untrusted workbooks.
MAX_CELL_LENGTH = 4000
#: Deepest bracket nesting accepted (the compiler recurses over the tree).
MAX_NESTING = 40
#: Deepest syntax tree accepted, in levels of the parse tree: each operator,
#: call, path and bracketed expression nested in another adds one or more
#: (``1 + 1 + …`` may have 148 additions). The recursions over the tree then
#: stay far below Python's limit of 1,000 frames. See :func:`_check_depth`.
MAX_DEPTH = 150


class FeelSyntaxError(ValueError):
    """A cell that is not valid FEEL-lite.

    ``column`` is 1-based inside the cell text; ``caret`` draws it.
    """

    def __init__(self, message: str, text: str, column: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.column = column
        self.hint = hint

    @property
    def caret(self) -> str:
        return f"{self.text}\n{' ' * (self.column - 1)}^"

    def __str__(self) -> str:
        return f"column {self.column}: {self.message}"


def grammar_text() -> str:
    """The grammar, from the installed package or from a source checkout."""
    from engine.resources import grammar_file

    return grammar_file().read_text("utf-8")


@functools.lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(
        grammar_text(),
        parser="lalr",
        start=["start_tests", "start_expression"],
        propagate_positions=True,
        maybe_placeholders=True,
    )


def parse_unary_tests(text: str) -> ast.UnaryTests:
    """Parse an input entry. Empty text means ``-`` (any value).

    >>> parse_unary_tests('"a", "b"').tests[1]
    EqualTest(value=Literal(value='b', col=6), col=6)
    """
    if not text.strip():
        return ast.AnyTest()
    return _transform(text, _parse(text, "start_tests"))


def parse_expression(text: str) -> ast.Expr:
    """Parse an input header, an output entry or a literal cell.

    >>> parse_expression("1 + 2")
    Arithmetic(op='+', left=Literal(value=1, col=1), right=Literal(value=2, col=5), col=1)
    """
    if not text.strip():
        raise FeelSyntaxError("an expression is expected here, the cell is empty", text, 1)
    return _transform(text, _parse(text, "start_expression"))


def _parse(text: str, start: str) -> Any:
    _check_size(text)
    try:
        return _lark().parse(text, start=start)
    except UnexpectedInput as error:
        raise _friendly(error, text, start) from None


def _transform(text: str, tree: Any) -> Any:
    _check_depth(tree, text)
    try:
        return _ToAst().transform(tree).children[0]
    except VisitError as error:
        if isinstance(error.orig_exc, _NotCallable):
            raise FeelSyntaxError(
                "only a function can be called with `(…)`",
                text,
                error.orig_exc.column,
                "built-in functions are listed in the README's FEEL-lite cheat sheet",
            ) from None
        raise


def _check_size(text: str) -> None:
    if len(text) > MAX_CELL_LENGTH:
        raise FeelSyntaxError(
            f"the cell is {len(text)} characters long; at most {MAX_CELL_LENGTH} are accepted",
            text[:60] + "…",
            1,
            "split the logic over several rules or columns",
        )
    for index, char, depth in outside_text(text):
        if char in "([" and depth > MAX_NESTING:
            raise FeelSyntaxError(f"brackets are nested more than {MAX_NESTING} deep", text, index + 1)


def outside_text(text: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, bracket depth after it) for every character outside ``"…"`` literals.

    ``"\\"`` ends with an escaped backslash, not an escaped quote.
    """
    depth = 0
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        yield index, char, depth


def _check_depth(tree: Tree, text: str) -> None:
    """Refuse a syntax tree nested deeper than :data:`MAX_DEPTH`, before anything recurses over it.

    Brackets are bounded by :func:`_check_size`, but ``1+1+…+1``, ``---…1``,
    ``x.a.a…`` or ``2**2**…`` nest as deep as the cell is long; the
    transformer, the compiler and the evaluator all recurse over the tree.
    The walk here does not.
    """
    stack = [(tree, 0)]  # the start rule is level 0; literals and names, the leaves, are not counted
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH and any(isinstance(child, Tree) for child in node.children):
            raise FeelSyntaxError(
                f"the expression is nested more than {MAX_DEPTH} levels deep",
                text,
                _col(node.meta),
                "a chain like `1 + 1 + …` or `- - … 1` this long cannot be a rule's logic; "
                "split it over several columns or decisions",
            )
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


_TERMINAL_WORDS = {
    "CMP_OP": "a comparison (`<`, `>=`, `=` …)",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*` or `/`",
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a "text" in double quotes',
    "COMMA": "`,`",
    "RPAR": "`)`",
    "RSQB": "`]`",
    "LPAR": "`(`",
    "LSQB": "`[`",
    "__ANON_0": "`..`",
    "$END": "the end of the cell",
    "THEN": "`then`",
    "ELSE": "`else`",
}


def _friendly(error: UnexpectedInput, text: str, start: str) -> FeelSyntaxError:
    column = getattr(error, "column", None) or len(text) + 1
    if isinstance(error, UnexpectedCharacters):
        pos = error.pos_in_stream
        assert pos is not None  # lark always sets it on UnexpectedCharacters (the lexer's position)
        char = text[pos] if pos < len(text) else ""
        if char == '"':
            return FeelSyntaxError(
                "this text is not closed", text, column, 'add the closing `"`, e.g. "läkare"'
            )
        if char == "'":
            return FeelSyntaxError(
                "text values use double quotes, not single quotes", text, column, 'write "läkare"'
            )
        return FeelSyntaxError(f"unexpected character `{char}`", text, column, _hint_for(text, start))
    if isinstance(error, UnexpectedEOF) or (
        isinstance(error, UnexpectedToken) and error.token.type == "$END"
    ):
        return _unexpected_end(text, start)
    assert isinstance(error, UnexpectedToken)
    token: Token = error.token
    expected = sorted(_TERMINAL_WORDS.get(t, t.lower()) for t in error.expected)
    before = text[: column - 1].rstrip()
    if token.type in ("NAME", "STRING", "NUMBER") and before and before[-1].isalnum():
        return FeelSyntaxError(
            f"unexpected `{token}` after `{before.split()[-1]}`",
            text,
            column,
            'text with spaces must be in double quotes, e.g. "annan vårdpersonal"; '
            "separate several values with commas",
        )
    shown = ", ".join(expected[:6]) + (" …" if len(expected) > 6 else "")
    return FeelSyntaxError(f"unexpected `{token}`; expected {shown}", text, column, _hint_for(text, start))


def _unexpected_end(text: str, start: str) -> FeelSyntaxError:
    stripped = text.rstrip()
    column = len(stripped) + 1
    for op in ("<=", ">=", "!=", "<", ">", "="):
        if stripped.endswith(op):
            return FeelSyntaxError(
                f"after `{op}` a value is expected", text, column, f"e.g. `{op} 18` or `{op} \"text\"`"
            )
    for op in ("**", "+", "-", "*", "/"):
        if stripped.endswith(op):
            return FeelSyntaxError(
                f"after `{op}` a value is expected", text, column, f"e.g. `a {op} 2`"
            )
    if stripped.endswith(".."):
        return FeelSyntaxError(
            "an interval needs an upper end", text, column, "e.g. `[1..10]` or `[1..10)`"
        )
    if stripped.endswith(","):
        return FeelSyntaxError("a value is expected after the comma", text, column, 'e.g. `"a", "b"`')
    opened = stripped.count("(") - stripped.count(")")
    if opened > 0:
        return FeelSyntaxError("a `(` is not closed", text, column, "add `)`")
    if stripped.count("[") > stripped.count("]") and ".." in stripped:
        return FeelSyntaxError(
            "an interval is not closed", text, column, "end it with `]` (included) or `)` (excluded)"
        )
    if stripped.count("[") > stripped.count("]"):
        return FeelSyntaxError("a `[` is not closed", text, column, "add `]`")
    return FeelSyntaxError("the cell ends too early", text, column, _hint_for(text, start))


def _hint_for(text: str, start: str) -> str:
    if start == "start_tests":
        return 'an input entry is e.g. `"läkare"`, `"a", "b"`, `< 18`, `[1..5)`, `not("x")` or `-`'
    return 'an output entry is e.g. `"Mottagningsbesök"`, `true`, `12.5`, `null` or a name'


def _col(meta: Any) -> int:
    return getattr(meta, "column", 1) or 1


@v_args(meta=True)
class _ToAst(Transformer):
    # ----- unary tests -----
    def any_test(self, meta, children):
        return ast.AnyTest(_col(meta))

    def unary_tests(self, meta, children):
        return children[0]

    def negated_tests(self, meta, children):
        return ast.Tests(children[1].tests, negated=True, col=_col(meta))

    def positive_tests(self, meta, children):
        return ast.Tests(tuple(children), col=_col(meta))

    def comparison_test(self, meta, children):
        op, endpoint = children
        return ast.CompareTest(str(op), endpoint, _col(meta))

    def equality_test(self, meta, children):
        return ast.EqualTest(children[0], _col(meta))

    def _interval(self, meta, children, low_closed, high_closed):
        low, high = children
        return ast.IntervalTest(low, low_closed, high, high_closed, _col(meta))

    def interval_cc(self, meta, children):
        return self._interval(meta, children, True, True)

    def interval_co(self, meta, children):
        return self._interval(meta, children, True, False)

    def interval_oc(self, meta, children):
        return self._interval(meta, children, False, True)

    def interval_oo(self, meta, children):
        return self._interval(meta, children, False, False)

    # ----- expressions -----
    def if_expr(self, meta, children):
        _, condition, _, then, _, otherwise = children
        return ast.If(condition, then, otherwise, _col(meta))

    def or_expr(self, meta, children):
        operands = tuple(c for c in children if not isinstance(c, Token))
        return operands[0] if len(operands) == 1 else ast.Or(operands, _col(meta))

    def and_expr(self, meta, children):
        operands = tuple(c for c in children if not isinstance(c, Token))
        return operands[0] if len(operands) == 1 else ast.And(operands, _col(meta))

    def not_expr(self, meta, children):
        return ast.Not(children[1], _col(meta))

    def compare(self, meta, children):
        left, op, right = children
        return ast.Comparison(str(op), left, right, _col(meta))

    def in_expr(self, meta, children):
        value, _, test = children
        return ast.In(value, test, _col(meta))

    def arith(self, meta, children):
        left, op, right = children
        return ast.Arithmetic(str(op), left, right, _col(meta))

    def negative(self, meta, children):
        operand = children[0]
        if isinstance(operand, ast.Literal) and isinstance(operand.value, (int, Decimal)):
            return ast.Literal(V.negate(operand.value), _col(meta))
        return ast.Negative(operand, _col(meta))

    def path(self, meta, children):
        base, attribute = children
        return ast.Path(base, str(attribute), _col(meta))

    def call(self, meta, children):
        function, arguments = children
        if not isinstance(function, ast.Name):
            raise _NotCallable(_col(meta))
        return ast.Call(function.name, tuple(arguments or ()), _col(meta))

    def arguments(self, meta, children):
        return tuple(children)

    def list_expr(self, meta, children):
        return ast.ListExpr(tuple(c for c in children if c is not None), _col(meta))

    def number(self, meta, children):
        text = str(children[0])
        # Past 34 digits a literal is rounded, as decimal128 holds it.
        value = int(text) if "." not in text and len(text) <= 34 else V.feel_number(Decimal(text))
        return ast.Literal(value, _col(meta))

    def string(self, meta, children):
        return ast.Literal(_unescape(str(children[0])[1:-1]), _col(meta))

    def true(self, meta, children):
        return ast.Literal(True, _col(meta))

    def false(self, meta, children):
        return ast.Literal(False, _col(meta))

    def null(self, meta, children):
        return ast.Literal(None, _col(meta))

    def name(self, meta, children):
        return ast.Name(str(children[0]), _col(meta))


class _NotCallable(Exception):
    def __init__(self, column: int) -> None:
        self.column = column


_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "'": "'"}


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            nxt = body[index + 1]
            if nxt == "u" and _is_hex(body[index + 2 : index + 6]):
                out.append(chr(int(body[index + 2 : index + 6], 16)))
                index += 6
                continue
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _is_hex(text: str) -> bool:
    return len(text) == 4 and all(c in "0123456789abcdefABCDEF" for c in text)
