"""FEEL text -> tokens, with DMN's multi-word names joined into one token.

A FEEL name is a sequence of tokens (``Monthly Salary``, ``date and
time``, ``Income+Expenses``), so the grammar alone cannot tell a name from
an expression. DMN resolves it with the names in scope, matched left to
right, longest first (DMN 1.5 §10.3.1.4). This module does exactly that
between lark's lexer and its parser: it matches token sequences against
the names the caller passes, the built-in function, property and type
names, and the names the text itself binds (context keys, ``for``/``some``
/``every`` variables, function parameters), and re-emits each match as one
``NAME`` token.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from lark import Lark, Token
from lark.lexer import LexerThread

#: Token types that may continue a multi-word name (a name part MAY be a keyword).
_KEYWORDS = frozenset(
    {
        "IF", "THEN", "ELSE", "FOR", "RETURN", "SOME", "EVERY", "SATISFIES", "FUNCTION", "EXTERNAL",
        "BETWEEN", "INSTANCE", "OF", "AND", "OR", "NOT", "IN", "TRUE", "FALSE", "NULL",
    }
)  # fmt: skip
_NAME_PARTS = _KEYWORDS | {"NAME", "NUMBER"}
#: Punctuation allowed inside a name (DMN's "additional name symbols").
_NAME_SYMBOLS = frozenset({".", "/", "-", "+", "*"})
#: Tokens after which an expression cannot start: a `[` before one of them closes an interval.
_CANNOT_START = frozenset({",", ")", "]", "}", ":", "..", ".", "*", "/", "**", "+", "=", "!=", "->"})
_ENDS_EXPRESSION = frozenset({"THEN", "ELSE", "RETURN", "SATISFIES", "AND", "OR", "IN", "BETWEEN", "INSTANCE", "OF"})
#: Tokens an expression can end with (so a `]` after them closes something).
_CAN_END_TYPES = frozenset({"NAME", "NUMBER", "STRING", "TRUE", "FALSE", "NULL", "OPEN_END"})
_CAN_END_VALUES = frozenset({")", "]", "}"})


def _cannot_end(token: Token) -> bool:
    return token.type not in _CAN_END_TYPES and str(token) not in _CAN_END_VALUES


def tokenize(lark: Lark, text: str, names: Iterable[str] = ()) -> list[Token]:
    """The tokens of ``text`` with multi-word names joined, for ``lark``'s parser."""
    raw = _lex(lark, text)
    known = _known_for(lark, tuple(names))
    runs = list(_bound_runs(raw))
    if runs:
        known = known.copy()
        for run in runs:
            known.add_tokens(run, _canonical(text, run))
    merged = known.merge(raw) if known.has_multiword else raw
    return _mark_open_ends(merged)


def _lex(lark: Lark, text: str) -> list[Token]:
    return list(LexerThread.from_text(_basic_lexer(lark), text).lex(None))


@functools.lru_cache(maxsize=4)
def _basic_lexer(lark: Lark) -> Any:
    # Lark.lex() builds a new lexer on every call; build it once per grammar.
    return lark._build_lexer()


@functools.lru_cache(maxsize=1)
def _builtin_names() -> tuple[str, ...]:
    from engine.feel.builtins import multiword_names

    return multiword_names()


@functools.lru_cache(maxsize=64)
def _known_for(lark: Lark, names: tuple[str, ...]) -> _Known:
    """The multi-word names of a scope (the caller's and the built-ins'), built once per scope."""
    known = _Known(lark)
    for name in (*names, *_builtin_names()):
        known.add(name, name)
    return known


class _Known:
    """Multi-word names by their first token, longest first."""

    def __init__(self, lark: Lark) -> None:
        self.lark = lark
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.has_multiword = False

    def copy(self) -> _Known:
        twin = _Known(self.lark)
        twin.by_first = {first: list(entries) for first, entries in self.by_first.items()}
        twin.has_multiword = self.has_multiword
        return twin

    def add(self, name: str, canonical: str) -> None:
        parts = _name_tokens(self.lark, name)
        if parts is not None and len(parts) > 1:
            self._add(parts, canonical)

    def add_tokens(self, run: Sequence[Token], canonical: str) -> None:
        if len(run) > 1:
            self._add(tuple(str(t) for t in run), canonical)

    def _add(self, parts: tuple[str, ...], canonical: str) -> None:
        entries = self.by_first.setdefault(parts[0], [])
        if all(existing != parts for existing, _ in entries):
            entries.append((parts, canonical))
            entries.sort(key=lambda e: -len(e[0]))
        self.has_multiword = True

    def merge(self, tokens: list[Token]) -> list[Token]:
        out: list[Token] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            candidates = self.by_first.get(str(token)) if token.type == "NAME" else None
            if candidates:
                for parts, canonical in candidates:
                    end = index + len(parts)
                    if end <= len(tokens) and all(str(tokens[index + k]) == parts[k] for k in range(len(parts))):
                        out.append(_joined(canonical, token, tokens[end - 1]))
                        index = end
                        break
                else:
                    out.append(token)
                    index += 1
                continue
            out.append(token)
            index += 1
        return out


@functools.lru_cache(maxsize=8192)
def _name_tokens(lark: Lark, name: str) -> tuple[str, ...] | None:
    try:
        parts = tuple(str(t) for t in _lex(lark, name))
    except Exception:  # a name with characters FEEL cannot lex is never matched
        return None
    return parts or None


def _is_part(token: Token) -> bool:
    return token.type in _NAME_PARTS or str(token) in _NAME_SYMBOLS


def _bound_runs(tokens: list[Token]) -> Iterable[list[Token]]:
    """Token runs the text itself binds as names: keys, iterator variables, parameters."""
    count = len(tokens)
    in_parameters = 0
    for index, token in enumerate(tokens):
        value = str(token)
        if token.type == "FUNCTION" and index + 1 < count and str(tokens[index + 1]) == "(":
            in_parameters = index + 2
        if token.type != "NAME":
            continue
        previous = str(tokens[index - 1]) if index else ""
        previous_type = tokens[index - 1].type if index else ""
        if previous not in ("{", ",", "(") and previous_type not in ("FOR", "SOME", "EVERY"):
            continue
        end = index
        while end < count and (tokens[end].type == "NAME" or (end > index and _is_part(tokens[end]))):
            end += 1
        # Trim trailing parts until the run is followed by what a binding needs.
        while end - index > 1:
            follower = str(tokens[end]) if end < count else ""
            follower_type = tokens[end].type if end < count else ""
            if follower == ":":
                yield tokens[index:end]
                break
            if follower_type == "IN" and all(t.type == "NAME" for t in tokens[index:end]):
                yield tokens[index:end]
                break
            if in_parameters and index >= in_parameters and follower in (",", ")"):
                if all(t.type == "NAME" for t in tokens[index:end]):
                    yield tokens[index:end]
                break
            end -= 1
        if value == ")" and in_parameters:
            in_parameters = 0


def _canonical(text: str, run: Sequence[Token]) -> str:
    """A name's text as written, with each run of white space as one space."""
    start, end = run[0].start_pos, run[-1].end_pos
    if start is None or end is None:
        return " ".join(str(t) for t in run)
    return " ".join(text[start:end].split())


def _joined(canonical: str, first: Token, last: Token) -> Token:
    return Token(
        "NAME",
        canonical,
        start_pos=first.start_pos,
        line=first.line,
        column=first.column,
        end_line=last.end_line,
        end_column=last.end_column,
        end_pos=last.end_pos,
    )


def _mark_open_ends(tokens: list[Token]) -> list[Token]:
    """``]1..5[``: a ``]`` where an expression starts opens an interval; a ``[`` that
    ends an interval's upper end, with nothing an expression could continue with after it, closes one."""
    if not any(str(t) == ".." for t in tokens):
        return tokens
    out: list[Token] = []
    in_upper_end = False  # after `..`, before the bracket that closes the interval
    depth = 0
    for index, token in enumerate(tokens):
        value = str(token) if token.type != "STRING" else ""
        if value == "..":
            in_upper_end, depth = True, 0
        elif value == "]":
            previous: Any = tokens[index - 1] if index else None
            if previous is None or (str(previous) != "[" and _cannot_end(previous)):
                out.append(Token.new_borrow_pos("OPEN_START", value, token))
                continue
        if in_upper_end:
            if value == "[" and depth == 0:
                nxt: Any = tokens[index + 1] if index + 1 < len(tokens) else None
                if nxt is None or str(nxt) in _CANNOT_START or nxt.type in _ENDS_EXPRESSION:
                    out.append(Token.new_borrow_pos("OPEN_END", value, token))
                    in_upper_end = False
                    continue
            if value in ("(", "[", "{"):
                depth += 1
            elif value in (")", "]", "}"):
                if depth == 0:
                    in_upper_end = False
                else:
                    depth -= 1
        out.append(token)
    return out
