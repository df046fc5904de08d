"""Decisions compiled to SQL: one query per decision, for DuckDB, Spark and PostgreSQL.

The query is a sqlglot expression tree built from the same compiled tables
(and the same parse of every cell) that the Python evaluator runs, and
rendered for a dialect by sqlglot. Cell text only ever becomes sqlglot
literals and quoted identifiers.

>>> import engine
>>> from engine.sql import decision_query
>>> query = decision_query(engine.load("tables"), "registrering")    # doctest: +SKIP
>>> print(query.sql("spark"))                                        # doctest: +SKIP
"""

from engine.sql.expressions import SqlCompileError
from engine.sql.query import DIALECTS, DecisionQuery, SourceInput, decision_query, source_table

__all__ = ["DIALECTS", "DecisionQuery", "SourceInput", "SqlCompileError", "decision_query", "source_table"]
