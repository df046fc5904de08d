"""FEEL text -> syntax tree, with errors an analyst can act on.

The grammar lives in ``grammar/feel.lark``; this module loads it once per
process (a parser is immutable, so sharing it adds no state), feeds it the
tokens of :mod:`engine.feel.lexer` (which joins multi-word names against
the names in scope) and turns lark's parse tree into :mod:`engine.feel.ast`
nodes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
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
from engine.feel.lexer import tokenize

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
        lexer="basic",
        start=["start_tests", "start_expression"],
        propagate_positions=True,
        maybe_placeholders=True,
    )


def parse_unary_tests(text: str, names: Iterable[str] = ()) -> ast.UnaryTests:
    """Parse an input entry. Empty text means ``-`` (any value).

    ``names`` are the names in scope, so that multi-word names lex as one.

    >>> parse_unary_tests('"a", "b"').tests[1]
    EqualTest(value=Literal(value='b', col=6), col=6)
    """
    if not text.strip():
        return ast.AnyTest()
    return _transform(text, _parse(text, "start_tests", names))


def parse_expression(text: str, names: Iterable[str] = ()) -> ast.Expr:
    """Parse an input header, an output entry, a literal cell or a DMN literal expression.

    ``names`` are the (possibly multi-word) names in scope: with
    ``names=["Monthly Salary"]``, ``12 * Monthly Salary`` multiplies by one name.

    >>> parse_expression("1 + 2")
    Arithmetic(op='+', left=Literal(value=1, col=1), right=Literal(value=2, col=5), col=1)
    """
    if not text.strip():
        raise FeelSyntaxError("an expression is expected here, the cell is empty", text, 1)
    return _transform(text, _parse(text, "start_expression", names))


def _parse(text: str, start: str, names: Iterable[str]) -> Any:
    _check_size(text)
    lark = _lark()
    try:
        tokens = tokenize(lark, text, names)
    except UnexpectedCharacters as error:
        # The whole cell is lexed before parsing: a syntax error before the bad character comes first.
        _parse_prefix(lark, text, error.pos_in_stream or 0, start, names)
        raise _friendly(error, text, start) from None
    try:
        interactive = lark.parse_interactive(start=start)
        for token in tokens:
            interactive.feed_token(token)
        return interactive.feed_eof(tokens[-1] if tokens else None)
    except UnexpectedInput as error:
        raise _friendly(error, text, start) from None


def _parse_prefix(lark: Lark, text: str, end: int, start: str, names: Iterable[str]) -> None:
    """Raise the syntax error inside ``text[:end]``, if it has one before its end."""
    try:
        tokens = tokenize(lark, text[:end], names)
    except UnexpectedInput:
        return
    interactive = lark.parse_interactive(start=start)
    try:
        for token in tokens:
            interactive.feed_token(token)
    except UnexpectedToken as error:
        raise _friendly(error, text, start) from None


def _transform(text: str, tree: Any) -> Any:
    _check_depth(tree, text)
    try:
        return _expr(_ToAst(text).transform(tree).children[0], text)
    except VisitError as error:
        if isinstance(error.orig_exc, _NotCallable):
            raise FeelSyntaxError(
                "only a function can be called with `(…)`",
                text,
                error.orig_exc.column,
                "built-in functions are listed in the README's FEEL cheat sheet",
            ) from None
        if isinstance(error.orig_exc, FeelSyntaxError):
            raise error.orig_exc from None
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
        if char in "([{" and depth > MAX_NESTING:
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
        if char in "([{":
            depth += 1
        elif char in ")]}":
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


_NAMED_TERMINALS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a "text" in double quotes',
    "$END": "the end of the cell",
    "OPEN_END": "`[`",
}


@functools.lru_cache(maxsize=1)
def _terminal_words() -> dict[str, str]:
    """How an error message names each token the parser expected."""
    words = dict(_NAMED_TERMINALS)
    for terminal in _lark().terminals:
        if terminal.name not in words and terminal.pattern.type == "str":
            words[terminal.name] = f"`{terminal.pattern.value}`"
    return words


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
    words = _terminal_words()
    expected = sorted(words.get(t, t.lower()) for t in error.expected)
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


def _op(children: list[Any]) -> str:
    return str(children[0]) if not isinstance(children[0], str) else children[0]


@v_args(meta=True)
class _ToAst(Transformer):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    # ----- unary tests -----
    def any_test(self, meta, children):
        return ast.AnyTest(_col(meta))

    def unary_tests(self, meta, children):
        return children[0]

    def positive_tests(self, meta, children):
        tests = [c for c in children if not isinstance(c, Token)]
        if len(tests) == 1 and isinstance(tests[0], _NotCall):
            inner = tests[0]
            return ast.Tests(tuple(self._as_test(t) for t in inner.arguments), negated=True, col=_col(meta))
        for test in tests:
            if isinstance(test, _NotCall):
                raise FeelSyntaxError(
                    "`not` is allowed only around the whole entry", self.text, test.col, 'write e.g. not("a", "b")'
                )
        return ast.Tests(tuple(self._as_test(t) for t in tests), col=_col(meta))

    def _as_test(self, node: Any) -> ast.PositiveTest:
        if isinstance(node, _NotCall):
            node = node.as_expression(self.text)
        if isinstance(node, (ast.CompareTest, ast.IntervalTest)):
            return node
        return ast.EqualTest(node, getattr(node, "col", 1))

    # ----- expressions -----
    def if_expr(self, meta, children):
        _, condition, _, then, _, otherwise = children
        return ast.If(_expr(condition, self.text), _expr(then, self.text), _expr(otherwise, self.text), _col(meta))

    def for_expr(self, meta, children):
        iterators = tuple(c for c in children if isinstance(c, tuple))
        return ast.For(iterators, _expr(children[-1], self.text), _col(meta))

    def iterator(self, meta, children):
        name, _, domain, high = children
        if high is not None:
            domain = ast.IterationRange(_expr(domain, self.text), _expr(high, self.text), getattr(domain, "col", 1))
        return (str(name), _expr(domain, self.text))

    def binding(self, meta, children):
        name, _, domain = children
        return (str(name), _expr(domain, self.text))

    def _quantified(self, meta, children, every):
        iterators = tuple(c for c in children if isinstance(c, tuple))
        return ast.Quantified(every, iterators, _expr(children[-1], self.text), _col(meta))

    def some_expr(self, meta, children):
        return self._quantified(meta, children, False)

    def every_expr(self, meta, children):
        return self._quantified(meta, children, True)

    def function_def(self, meta, children):
        parameters = [c for c in children if isinstance(c, _Parameter)]
        external = any(isinstance(c, Token) and c.type == "EXTERNAL" for c in children)
        body = _expr(children[-1], self.text)
        types = tuple(p.type for p in parameters)
        return ast.FunctionDefinition(
            tuple(p.name for p in parameters),
            body,
            _col(meta),
            types if any(t is not None for t in types) else (),
            external,
        )

    def parameter(self, meta, children):
        name, type_ref = children
        return _Parameter(str(name), type_ref)

    def or_expr(self, meta, children):
        operands = tuple(c for c in children if not isinstance(c, Token))
        if len(operands) == 1:
            return operands[0]
        return ast.Or(tuple(_expr(c, self.text) for c in operands), _col(meta))

    def and_expr(self, meta, children):
        operands = tuple(c for c in children if not isinstance(c, Token))
        if len(operands) == 1:
            return operands[0]
        return ast.And(tuple(_expr(c, self.text) for c in operands), _col(meta))

    def cmp_op(self, meta, children):
        return str(children[0])

    def compare(self, meta, children):
        left, op, right = children
        return ast.Comparison(op, _expr(left, self.text), _expr(right, self.text), _col(meta))

    def between(self, meta, children):
        value, _, low, _, high = children
        return ast.Between(_expr(value, self.text), _expr(low, self.text), _expr(high, self.text), _col(meta))

    def in_expr(self, meta, children):
        value, _, test = children
        return ast.In(_expr(value, self.text), self._as_test(test), _col(meta))

    def in_tests(self, meta, children):
        value = children[0]
        tests = tuple(self._as_test(c) for c in children[2:])
        return ast.InTests(_expr(value, self.text), tests, _col(meta))

    def instance_of(self, meta, children):
        value, _, _, type_ref = children
        return ast.InstanceOf(_expr(value, self.text), type_ref, _col(meta))

    def arith(self, meta, children):
        left, op, right = children
        return ast.Arithmetic(str(op), _expr(left, self.text), _expr(right, self.text), _col(meta))

    def negative(self, meta, children):
        operand = _expr(children[-1], self.text)
        if isinstance(operand, ast.Literal) and isinstance(operand.value, (int, Decimal)) and not isinstance(operand.value, bool):
            return ast.Literal(V.negate(operand.value), _col(meta))
        return ast.Negative(operand, _col(meta))

    def path(self, meta, children):
        base, attribute = children
        return ast.Path(_expr(base, self.text), str(attribute), _col(meta))

    def call(self, meta, children):
        function, arguments = children
        positional, named = _split_arguments(arguments or (), self.text, _col(meta))
        if isinstance(function, _NotCall):
            function = function.as_expression(self.text)
        if isinstance(function, ast.Name):
            return ast.Call(function.name, positional, _col(meta), named)
        return ast.Invoke(function, positional, named, _col(meta))

    def filter(self, meta, children):
        items, condition = children
        return ast.Filter(_expr(items, self.text), _expr(condition, self.text), _col(meta))

    def arguments(self, meta, children):
        return tuple(children)

    def named_argument(self, meta, children):
        name, value = children
        return _Named(str(name), _expr(value, self.text))

    def not_call(self, meta, children):
        _, arguments = children
        return _NotCall(tuple(arguments or ()), _col(meta))

    def list_expr(self, meta, children):
        return ast.ListExpr(tuple(_expr(c, self.text) for c in children if c is not None), _col(meta))

    def context(self, meta, children):
        entries = tuple(c for c in children if c is not None)
        keys = [k for k, _ in entries]
        for key in keys:
            if keys.count(key) > 1:
                raise FeelSyntaxError(f"the context has the key `{key}` twice", self.text, _col(meta))
        return ast.Context(entries, None, _col(meta))

    def entry(self, meta, children):
        key, value = children
        text = _unescape(str(key)[1:-1]) if key.type == "STRING" else str(key)
        return (text, _expr(value, self.text))

    def unary_comparison(self, meta, children):
        op, endpoint = children
        return ast.CompareTest(op, _expr(endpoint, self.text), _col(meta))

    def interval(self, meta, children):
        opening, low, _, high, closing = children
        return ast.IntervalTest(
            _expr(low, self.text), str(opening) == "[", _expr(high, self.text), str(closing) == "]", _col(meta)
        )

    def number(self, meta, children):
        text = str(children[0])
        if "e" in text or "E" in text:
            number = Decimal(text)
            if abs(number.adjusted()) > 6144:
                raise FeelSyntaxError("the number is beyond FEEL's range (decimal128)", self.text, _col(meta))
            rounded = V.DECIMAL128.plus(number)  # inside the exponent range checked above
            whole = rounded.adjusted() < 34 and rounded == rounded.to_integral_value()
            return ast.Literal(int(rounded) if whole else rounded, _col(meta))
        # Past 34 digits a literal is rounded, as decimal128 holds it.
        value = int(text) if "." not in text and len(text) <= 34 else V.feel_number(Decimal(text))
        return ast.Literal(value, _col(meta))

    def string(self, meta, children):
        return ast.Literal(_unescape(str(children[0])[1:-1]), _col(meta))

    def at_literal(self, meta, children):
        from engine.feel.temporal import parse_temporal

        text = _unescape(str(children[0])[1:-1])
        value = parse_temporal(text)
        if value is None:
            raise FeelSyntaxError(
                f"@{children[0]} is not a date, time, date and time or duration",
                self.text,
                _col(meta),
                'write e.g. @"2026-01-31", @"10:30:00", @"2026-01-31T10:30:00" or @"P1DT2H"',
            )
        return ast.Literal(value, _col(meta))

    def true(self, meta, children):
        return ast.Literal(True, _col(meta))

    def false(self, meta, children):
        return ast.Literal(False, _col(meta))

    def null(self, meta, children):
        return ast.Literal(None, _col(meta))

    def name(self, meta, children):
        return ast.Name(str(children[0]), _col(meta))

    # ----- types -----
    def qualified_type(self, meta, children):
        return ast.NamedType(".".join(str(c) for c in children))

    def generic_type(self, meta, children):
        kind, element = str(children[0]), children[1]
        if kind == "list":
            return ast.ListType(element)
        if kind == "range":
            return ast.RangeType(element)
        raise FeelSyntaxError(f"`{kind}<…>` is not a type; write list<…>, range<…>, context<…> or function<…>", self.text, _col(meta))

    def context_type(self, meta, children):
        if str(children[0]) != "context":
            raise FeelSyntaxError("only `context<…>` lists fields", self.text, _col(meta))
        return ast.ContextType(tuple(children[1:]))

    def type_field(self, meta, children):
        return (str(children[0]), children[1])

    def function_type(self, meta, children):
        parameters = tuple(c for c in children[1:-2] if c is not None and not isinstance(c, Token))
        return ast.FunctionType(parameters, children[-1])


class _Parameter:
    def __init__(self, name: str, type_ref: Any) -> None:
        self.name = name
        self.type = type_ref


class _Named:
    def __init__(self, name: str, value: Any) -> None:
        self.name = name
        self.value = value


class _NotCall:
    """``not(…)``: negated tests around a whole entry, else the function ``not``."""

    def __init__(self, arguments: tuple[Any, ...], col: int) -> None:
        self.arguments = arguments
        self.col = col

    def as_expression(self, text: str) -> Any:
        if any(isinstance(a, _Named) for a in self.arguments):
            named = tuple((a.name, a.value) for a in self.arguments if isinstance(a, _Named))
            positional = tuple(_expr(a, text) for a in self.arguments if not isinstance(a, _Named))
            return ast.Call("not", positional, self.col, named)
        if len(self.arguments) == 1:
            return ast.Not(_expr(self.arguments[0], text), self.col)
        return ast.Call("not", tuple(_expr(a, text) for a in self.arguments), self.col)


def _expr(node: Any, text: str) -> Any:
    if isinstance(node, _NotCall):
        return node.as_expression(text)
    return node


def _split_arguments(arguments: tuple[Any, ...], text: str, col: int) -> tuple[tuple[Any, ...], tuple[tuple[str, Any], ...]]:  # fmt: skip
    positional = tuple(_expr(a, text) for a in arguments if not isinstance(a, _Named))
    named = tuple((a.name, a.value) for a in arguments if isinstance(a, _Named))
    if positional and named:
        raise FeelSyntaxError("arguments are either all named or all positional", text, col, "e.g. f(a: 1, b: 2) or f(1, 2)")
    return positional, named


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
            if nxt == "U" and _is_hex(body[index + 2 : index + 8], 6) and int(body[index + 2 : index + 8], 16) <= 0x10FFFF:
                out.append(chr(int(body[index + 2 : index + 8], 16)))
                index += 8
                continue
            if nxt == "u" and _is_hex(body[index + 2 : index + 6]):
                code = int(body[index + 2 : index + 6], 16)
                low = body[index + 6 : index + 12]
                if 0xD800 <= code < 0xDC00 and low[:2] == "\\u" and _is_hex(low[2:]) and 0xDC00 <= int(low[2:], 16) < 0xE000:
                    # A surrogate pair written as two escapes is one character.
                    out.append(chr(0x10000 + ((code - 0xD800) << 10) + (int(low[2:], 16) - 0xDC00)))
                    index += 12
                    continue
                out.append(chr(code))
                index += 6
                continue
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _is_hex(text: str, digits: int = 4) -> bool:
    return len(text) == digits and all(c in "0123456789abcdefABCDEF" for c in text)
