"""Reading untrusted JSON input values, with bounds and one-line errors.

Used for ``dtable eval --input``, each line of a ``dtable batch`` JSONL file
and ``dtable serve`` request bodies: one place decides what JSON the engine
accepts.

- size: at most :data:`MAX_JSON_BYTES`, checked while reading, so
  ``@/dev/zero`` costs 10 MiB, not all memory;
- UTF-8 only (a BOM is skipped); other bytes name their offset;
- nesting at most :data:`MAX_JSON_DEPTH` deep;
- no ``NaN``/``Infinity`` (not JSON; Python's parser takes them), no lone
  surrogates (``"\\ud800"`` cannot be written back out), no name twice in
  one object;
- numbers are exact (:class:`~decimal.Decimal`), whatever their length
  (Python's int parser stops at 4,300 digits); past decimal128 they become
  null with a warning when decided.

>>> loads_bounded(b'{"age": 12.5}', "--input")
{'age': Decimal('12.5')}
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import IO, Any

from engine.errors import InputError
from engine.messages import shorten

#: Largest JSON document read, in bytes (``--input``, a request body).
MAX_JSON_BYTES = 10 * 2**20
#: Deepest nesting of arrays and objects; the case array and object count.
MAX_JSON_DEPTH = 64
# Longer digit strings are parsed as Decimal: int() refuses 4,300 digits.
_LONGEST_INT = 40


class JsonInputError(InputError):
    """JSON input that is not accepted; the message is one line and names the input.

    ``problem`` is the message without the input's name (``not valid JSON: …``).
    """

    def __init__(self, what: str, problem: str) -> None:
        verb = " is " if problem.startswith(_VERB_PHRASES) else ": "
        super().__init__(f"{what}{verb}{problem}")
        self.what = what
        self.problem = problem


# Problems read as "--input is larger …", the others as "--input: NaN is …".
_VERB_PHRASES = ("larger", "not UTF-8", "not valid JSON", "nested")


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def read_limited(file: IO[bytes], what: str, limit: int = MAX_JSON_BYTES) -> bytes:
    """At most ``limit`` bytes of ``file``; more is an error (nothing past the limit is read)."""
    data = file.read(limit + 1)
    if len(data) > limit:
        raise JsonInputError(what, f"larger than {_size(limit)}; at most {_size(limit)} of JSON are read")
    return data


def loads_bounded(data: bytes | str, what: str) -> Any:
    """Parse one JSON document under the bounds above; raises :class:`JsonInputError`.

    ``what`` names the input in messages (``--input``, ``line 12``).
    """
    if isinstance(data, bytes):
        if len(data) > MAX_JSON_BYTES:
            raise JsonInputError(what, f"larger than {_size(MAX_JSON_BYTES)}; at most {_size(MAX_JSON_BYTES)} of JSON are read")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise JsonInputError(
                what, f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start:,})"
            ) from None
    else:
        text = data
        if not _valid_unicode(text):  # e.g. a command-line argument of non-UTF-8 bytes
            raise JsonInputError(what, "a lone surrogate (\\ud800-\\udfff) is in the text, which is not Unicode")
    too_deep = f"nested more than {MAX_JSON_DEPTH} deep; at most {MAX_JSON_DEPTH} levels of arrays and objects are read"
    try:
        try:
            value = json.loads(text, parse_float=Decimal, parse_constant=_constant, object_pairs_hook=_object)
        except ValueError as error:
            if "integer string conversion" not in str(error):
                raise
            # An integer of over 4,300 digits: parse the long ones as Decimal (slower, so only then).
            value = json.loads(
                text, parse_float=Decimal, parse_int=_integer, parse_constant=_constant, object_pairs_hook=_object
            )
    except _Refused as refused:
        raise JsonInputError(what, refused.message) from None
    except RecursionError:  # deeper than Python's parser goes (about 1,000)
        raise JsonInputError(what, too_deep) from None
    except json.JSONDecodeError as error:
        raise JsonInputError(what, f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and _deeper_than(value, MAX_JSON_DEPTH):
        raise JsonInputError(what, too_deep)
    if _SURROGATE_ESCAPE.search(text):
        problem = _lone_surrogate(value)
        if problem:
            raise JsonInputError(what, problem)
    return value


def _integer(text: str) -> int | Decimal:
    return int(text) if len(text) <= _LONGEST_INT else Decimal(text)


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON value (JSON has no NaN or infinities); write null for a missing value")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise _Refused(f"the name `{shorten(name)}` appears twice in one object; give each input once")
            seen.add(name)
    return value


# A \\u escape of a surrogate: only these can make a lone one (UTF-8 bytes cannot).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest deeper than ``limit``: level by level, visiting only containers."""
    level = [value] if isinstance(value, (list, dict)) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below: list[Any] = []
        for item in level:
            children = item.values() if item.__class__ is dict else item
            below.extend([c for c in children if c.__class__ is list or c.__class__ is dict])
        level = below
    return False


def _lone_surrogate(value: Any) -> str | None:
    """Where a lone surrogate is in the parsed value (paths are built only for the message)."""
    stack: list[tuple[Any, tuple]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if not _valid_unicode(item):
                return f"the text at {_path(path)} holds a lone surrogate (\\ud800-\\udfff), which is not Unicode text"
            continue
        pairs = enumerate(item) if isinstance(item, list) else item.items()
        for key, v in pairs:
            if isinstance(key, str) and not _valid_unicode(key):
                return f"a name at {_path(path)} holds a lone surrogate (\\ud800-\\udfff), which is not Unicode text"
            if isinstance(v, (str, list, dict)):
                stack.append((v, (path, key)))
    return None


def _path(path: tuple) -> str:
    keys: list[Any] = []
    while path:
        path, key = path
        keys.append(key)
    text = ""
    for key in reversed(keys):
        text += f"[{key}]" if isinstance(key, int) else (f".{shorten(key, 40)}" if text else shorten(key, 40))
    return shorten(text, 80) if text else "the top"


def _valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _size(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit:,} bytes"
