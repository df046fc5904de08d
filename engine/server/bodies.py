"""Request bodies: read at most the limit, then parse as bounded JSON.

The size is checked against ``Content-Length`` before anything is read and
again while the body streams in (a chunked body has no length), so a
client cannot make the server hold more than the limit.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from starlette.requests import Request


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is larger than the limit of {limit:,} bytes")
        self.limit = limit


class Malformed(Exception):
    """The body is not one UTF-8 JSON document; the message says where."""


async def read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(data: bytes) -> Any:
    """One JSON value; numbers exact (Decimal), NaN/Infinity refused, nesting bounded by the body size."""
    if not data.strip():
        raise Malformed("the request body is empty; send a JSON object of input values")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Malformed(f"the request body is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})") from None
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except RecursionError:
        raise Malformed("the request body is nested too deeply to be input values") from None
    except json.JSONDecodeError as error:
        raise Malformed(f"the request body is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None  # fmt: skip
    except ValueError as error:  # NaN/Infinity, or an integer too long to convert
        raise Malformed(f"the request body is not valid JSON: {error}") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
