"""FEEL's built-in functions, by chapter of DMN 1.5 §10.3.4; the registry is engine.feel.builtins."""

from __future__ import annotations

from engine.feel.library import contexts, conversion, lists, numeric, ranges, strings, temporal_functions

ALL = (
    *conversion.FUNCTIONS,
    *strings.FUNCTIONS,
    *lists.FUNCTIONS,
    *numeric.FUNCTIONS,
    *temporal_functions.FUNCTIONS,
    *ranges.FUNCTIONS,
    *contexts.FUNCTIONS,
)
