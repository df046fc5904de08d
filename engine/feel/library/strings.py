"""String functions (DMN 1.5 §10.3.4.3); regular expressions follow XPath (flags s, m, i, x, q)."""

from __future__ import annotations

import functools
import re
from typing import Any

from engine.feel import values as V
from engine.feel.builtins import Problem, builtin, signature


def substring(s: str, start: Any, length: Any = None) -> Any:
    # FEEL positions are 1-based; a negative start counts from the end.
    begin = int(start)
    if begin == 0:
        return Problem("`substring` positions start at 1 (or -1 from the end), not 0")
    index = max(begin - 1 if begin > 0 else len(s) + begin, 0)
    if length is None:
        return s[index:]
    if length < 0:
        return Problem("`substring`'s length cannot be negative")
    return s[index : index + int(length)]


def _before(s: str, t: str) -> str:
    index = s.find(t)
    return "" if index < 0 else s[:index]


def _after(s: str, t: str) -> str:
    index = s.find(t)
    return "" if index < 0 else s[index + len(t) :]


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str, flags: str = "") -> re.Pattern[str] | Problem:
    """An XPath regular expression (fn:matches) as a Python one."""
    if any(f not in "smixq" for f in flags):
        return Problem(f"unknown regular-expression flag in {V.describe(flags)}: use s, m, i, x or q")
    py_flags = 0
    if "s" in flags:
        py_flags |= re.DOTALL
    if "m" in flags:
        py_flags |= re.MULTILINE
    if "i" in flags:
        py_flags |= re.IGNORECASE
    if "q" in flags:
        return re.compile(re.escape(pattern), py_flags)
    if "x" in flags:
        pattern = _without_white_space(pattern)
    try:
        translated = _translate(pattern, py_flags)
        return re.compile(translated, py_flags)
    except (re.error, ValueError, OverflowError, RecursionError) as error:
        return Problem(f"not a valid regular expression {V.describe(pattern)}: {error}")


def _without_white_space(pattern: str) -> str:
    """XPath's flag x: white space outside character classes is removed (no comments, unlike Python's)."""
    out: list[str] = []
    depth = 0
    escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char == "[":
            depth += 1
        elif char == "]" and depth:
            depth -= 1
        elif char in " \t\n\r" and not depth:
            continue
        out.append(char)
    return "".join(out)


def _translate(pattern: str, flags: int) -> str:
    from elementpath.regex import translate_pattern  # XPath/XSD regex dialect -> Python re

    try:
        return translate_pattern(pattern, flags=flags, back_references=True, lazy_quantifiers=True, anchors=True)
    except Exception as error:  # elementpath raises its own RegexError (a ValueError subclass)
        raise ValueError(str(error)) from None


def _matches(text: str, pattern: str, flags: Any = None) -> Any:
    if flags is not None and not isinstance(flags, str):
        return Problem("`matches`' flags must be a string")
    compiled = compile_pattern(pattern, flags or "")
    if isinstance(compiled, Problem):
        return compiled
    return compiled.search(text) is not None


def _replacement(replacement: str, literal: bool) -> str | Problem:
    if literal:
        return replacement.replace("\\", "\\\\")
    out = []
    index = 0
    while index < len(replacement):
        char = replacement[index]
        if char == "\\":
            if index + 1 < len(replacement) and replacement[index + 1] in "\\$":
                out.append("\\\\" if replacement[index + 1] == "\\" else "$")
                index += 2
                continue
            return Problem("in a replacement, `\\` must be followed by `\\` or `$`")
        if char == "$":
            digits = re.match(r"\d+", replacement[index + 1 :])
            if digits is None:
                return Problem("in a replacement, `$` must be followed by a group number")
            out.append(f"\\g<{digits.group(0)}>")
            index += 1 + len(digits.group(0))
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _replace(text: str, pattern: str, replacement: str, flags: Any = None) -> Any:
    if flags is not None and not isinstance(flags, str):
        return Problem("`replace`'s flags must be a string")
    compiled = compile_pattern(pattern, flags or "")
    if isinstance(compiled, Problem):
        return compiled
    if compiled.match(""):
        return Problem(f"`replace`'s pattern {V.describe(pattern)} matches the empty string")
    template = _replacement(replacement, "q" in (flags or ""))
    if isinstance(template, Problem):
        return template
    try:
        return compiled.sub(lambda m: m.expand(template), text)
    except (re.error, IndexError) as error:
        return Problem(f"`replace`: {error}")


def _split(text: str, delimiter: str) -> Any:
    compiled = compile_pattern(delimiter, "")
    if isinstance(compiled, Problem):
        return compiled
    if compiled.match(""):
        return Problem(f"`split`'s delimiter {V.describe(delimiter)} matches the empty string")
    if compiled.groups:
        return re.split(compiled, text)[:: compiled.groups + 1]
    return compiled.split(text)


def _join(items: list, delimiter: Any = None) -> Any:
    if delimiter is not None and not isinstance(delimiter, str):
        return Problem("`string join`'s delimiter must be a string")
    parts = [x for x in items if x is not None]
    if not all(isinstance(x, str) for x in parts):
        return Problem("`string join` joins strings only")
    return (delimiter or "").join(parts)


FUNCTIONS = (
    builtin("substring", signature("string: string, start position: number, length?: number", substring), group="string"),
    builtin("string length", signature("string: string", len), group="string"),
    builtin("upper case", signature("string: string", str.upper), group="string"),
    builtin("lower case", signature("string: string", str.lower), group="string"),
    builtin("substring before", signature("string: string, match: string", _before), group="string"),
    builtin("substring after", signature("string: string, match: string", _after), group="string"),
    builtin("replace", signature("input: string, pattern: string, replacement: string, flags?: Any", _replace), group="string"),
    builtin("contains", signature("string: string, match: string", lambda s, t: t in s), group="string"),
    builtin("starts with", signature("string: string, match: string", str.startswith), group="string"),
    builtin("ends with", signature("string: string, match: string", str.endswith), group="string"),
    builtin("matches", signature("input: string, pattern: string, flags?: Any", _matches), group="string"),
    builtin("split", signature("string: string, delimiter: string", _split), group="string"),
    builtin("string join", signature("list: list, delimiter?: Any", _join), group="string"),
)
