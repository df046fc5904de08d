"""Request bodies: read at most the limit, then parse as bounded JSON.

The size is checked against ``Content-Length`` before anything is read and
again while the body streams in (a chunked body has no length), so a
client cannot make the server hold more than the limit.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from engine.json_input import JsonInputError, loads_bounded


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
    """One JSON value under engine.json_input's bounds (UTF-8, depth, no NaN, no lone surrogates, exact numbers)."""
    if not data.strip():
        raise Malformed("the request body is empty; send a JSON object of input values")
    try:
        return loads_bounded(data, "the request body")
    except JsonInputError as error:
        raise Malformed(str(error)) from None
