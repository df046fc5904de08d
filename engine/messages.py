"""Pieces of messages that stay bounded whatever the input: cut text, did-you-mean.

Input names and values reach messages; a 200 MB JSON key or value must
cost what its first hundred characters cost. difflib's ratio is quadratic
in the length of the words, so words longer than :data:`MAX_SUGGEST_LENGTH`
get no suggestion. (Values are cut by :func:`engine.feel.values.brief`.)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

MAX_SUGGEST_LENGTH = 100
#: Longest a name is written in a message before it is cut.
NAME_LIMIT = 100


def shorten(text: str, limit: int = NAME_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was.

    >>> shorten("x" * 500, 5)
    'xxxxx… (500 characters)'
    """
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def close_match(word: str, options: Iterable[str]) -> str | None:
    """The option most like ``word``, or None.

    >>> close_match("sjukskoterska", ["läkare", "sjuksköterska"])
    'sjuksköterska'
    """
    if len(word) > MAX_SUGGEST_LENGTH:
        return None
    found = difflib.get_close_matches(word, [o for o in options if len(o) <= MAX_SUGGEST_LENGTH], n=1)
    return found[0] if found else None
