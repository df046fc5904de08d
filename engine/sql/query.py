"""A decision and the decisions it requires -> one SQL query, as a sqlglot tree.

The query reads a relation with one column per input (named as the input)
and returns, per row and in order: the inputs, each output, ``matched``
(the labels of every rule that matched, as ``dtable batch`` writes them) and
``error`` (the message ``dtable batch`` would write, or null). It is a chain
of common table expressions, each adding columns to the one before:

    #inputs      each input's problem (wrong type, not allowed, missing), then all of them in one message
    #T#match     per rule of table T, whether it matched
    #T#pick      how many rules matched, and which one a single-hit policy selects
    #T#out       the outputs (other decisions read them from here)
    #T#check     violations (UNIQUE, ANY), matched labels and the error so far

Internal columns contain ``#``, which no FEEL name can, so they never meet an
input's name. What the hit policies mean comes from :mod:`engine.hitpolicy`,
the module the Python evaluator uses too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from engine import hitpolicy
from engine.api import Model
from engine.decision import CompiledTable, OutputEntry
from engine.feel import values as V
from engine.index import ColumnIndex
from engine.inputs import InputSpec, did_you_mean
from engine.model import Aggregator, Cell, HitPolicy
from engine.sql import values as S
from engine.sql.entries import entry_predicate
from engine.sql.expressions import ExpressionCompiler, Scope, SqlCompileError, Typed, constant, equals

#: Columns a source may add next to an input NAME when it had to type the value itself.
BAD = "#bad#"  # the raw value that did not fit the input's type, as messages write it
BAD_KIND = "#badkind#"  # what it was: "the text", "the number" …
RAW = "#raw#"  # the raw value as text, to suggest a close allowed value
GIVEN = "#given#"  # how a "no rule applies" message writes the value as given

DIALECTS = ("duckdb", "spark", "postgres")


@dataclass(frozen=True)
class SourceInput:
    """What the query may assume about one input column of its source."""

    category: str | None  # the FEEL category of the column's values (SQL type)
    converted: bool = False  # the source has the BAD, BAD_KIND and RAW columns for it
    given: bool = False  # the source has the GIVEN column for it


@dataclass(frozen=True)
class DecisionQuery:
    decision: str
    tree: exp.Select
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    #: per output, the FEEL category of its values (of the list items for multi-hit policies)
    categories: tuple[str | None, ...]
    #: a multi-hit policy without aggregation: every output is a list
    lists: bool
    sources: Mapping[str, SourceInput] = field(default_factory=dict)

    def sql(self, dialect: str = "duckdb", pretty: bool = False) -> str:
        return self.tree.sql(dialect=dialect, pretty=pretty)


def source_table(name: str) -> exp.Table:
    """``--from a.b.c``: each dotted part a quoted identifier."""
    parts = [S.identifier(p) for p in name.split(".")]
    table = exp.Table(this=parts[-1])
    if len(parts) > 1:
        table.set("db", parts[-2])
    if len(parts) > 2:
        table.set("catalog", exp.Dot.build([*parts[:-2]]) if len(parts) > 3 else parts[0])
    return table


def input_category(spec: InputSpec | None) -> str | None:
    """The type a column of cases is read as: declared, else that of the allowed values (as dtable batch does)."""
    if spec is None:
        return None
    if spec.type is not None:
        return spec.type
    kinds = {V.category(a) for a in spec.allowed or () if a is not None}
    return kinds.pop() if len(kinds) == 1 else None


def assumed_inputs(model: Model, decision: str) -> dict[str, SourceInput]:
    """Input types for a query over a table of typed columns: declared, else guessed from the entries."""
    plan = model.evaluation_plan(decision)
    found: dict[str, SourceInput] = {}
    for name in plan.inputs:
        category = input_category(model.inputs.get(name)) or _entry_category(model, decision, name) or V.STRING
        found[name] = SourceInput(category)
    return found


def _entry_category(model: Model, decision: str, name: str) -> str | None:
    plan = model.evaluation_plan(decision)
    kinds: set[str] = set()
    for table_name in (*plan.required, decision):
        table = model.tables[table_name]
        for position, input_name in enumerate(table.input_names):
            if input_name != name:
                continue
            for rule in table.rules:
                condition = rule.tests[position].condition
                if condition is not None and not condition.is_anything:
                    kinds |= {c for c, s in condition.sets.items() if c in S.SQL_TYPES and not s.is_empty}
    kinds.discard(V.BOOLEAN) if len(kinds) > 1 else None
    return kinds.pop() if len(kinds) == 1 else None


def decision_query(
    model: Model,
    decision: str,
    source: exp.Expression | None = None,
    inputs: Mapping[str, SourceInput] | None = None,
    suggestions: Mapping[str, Mapping[str, str]] | None = None,
    extra: Sequence[str] = (),
) -> DecisionQuery:
    """The query for ``decision`` over ``source`` (default: a table named ``cases``).

    ``inputs`` says each input column's type (default: :func:`assumed_inputs`);
    ``suggestions`` maps input -> raw text -> the "(did you mean …?)" part of
    its message, for values a caller looked up beforehand; ``extra`` names
    columns of the source to carry into the result unchanged. Raises
    :class:`SqlCompileError` for what SQL cannot express faithfully.
    """
    plan = model.evaluation_plan(decision)  # raises UnknownDecisionError
    inputs = dict(inputs) if inputs is not None else assumed_inputs(model, decision)
    builder = _Builder(model, decision, source if source is not None else source_table("cases"), inputs, suggestions or {})
    builder.input_problems(plan.inputs)
    for name in plan.required:
        builder.table(model.tables[name], main=False)
    outputs = builder.table(model.tables[decision], main=True, no_rule_names=plan.named_when_no_rule)
    return builder.result(plan.inputs, outputs, extra)


@dataclass
class _Outputs:
    names: tuple[str, ...]
    columns: tuple[str, ...]
    categories: tuple[str | None, ...]
    lists: bool
    error: str
    matched: str


class _Builder:
    def __init__(self, model: Model, decision: str, source: exp.Expression, inputs: Mapping[str, SourceInput], suggestions: Mapping[str, Mapping[str, str]]) -> None:  # fmt: skip
        self.model = model
        self.decision = decision
        self.inputs = inputs
        self.suggestions = suggestions
        self.stages: list[tuple[str, exp.Select]] = []
        self.previous: exp.Expression = source
        self.scope = Scope({name: Typed(S.column(name), si.category) for name, si in inputs.items()})
        self.problems: dict[str, str] = {}  # input -> its problem column
        #: input -> (its code column, the values coded 1, 2 …): texts compared once per row, not once per entry
        self.codes: dict[str, tuple[str, list[Any]]] = {}
        self.all_problems: str | None = None
        self.error: str | None = None  # the error column so far

    # ------------------------------------------------------------ stages

    def stage(self, name: str, columns: Sequence[tuple[str, exp.Expression]]) -> None:
        # Nodes are built directly: sqlglot's builder methods copy the whole tree at every step.
        selected: list[exp.Expression] = [exp.Star()]
        selected += [exp.Alias(this=e, alias=S.identifier(alias)) for alias, e in columns]
        source = self.previous
        if isinstance(source, exp.Query):
            source = exp.Subquery(this=source, alias=exp.TableAlias(this=S.identifier("#source")))
        self.stages.append((name, exp.Select(expressions=selected, from_=exp.From(this=source))))
        self.previous = exp.Table(this=S.identifier(name))

    # ------------------------------------------------------------ inputs

    def input_problems(self, names: Sequence[str]) -> None:
        """Per input a cheap flag, "has a problem"; the messages are built only on rows that have one."""
        codes = [coded for coded in (self._code(name) for name in names) if coded is not None]
        flags: list[tuple[str, exp.Expression]] = []
        messages: list[exp.Expression] = []
        for name in names:
            whens = self._problem(name, self.model.inputs.get(name), self.inputs.get(name, SourceInput(None)))
            if not whens:
                continue
            self.problems[name] = f"#invalid#{name}"
            flags.append((self.problems[name], exp.Is(this=exp.Paren(this=S.any_of(*(c for c, _ in whens))), expression=exp.true())))
            messages.append(S.case(whens))
        if codes:
            self.stage("#codes", codes)
        if not flags:
            return
        self.stage("#inputs", flags)
        invalid = [S.column(c) for c, _ in flags]
        count = _sum_of([S.case([(c, exp.Literal.number(1))], exp.Literal.number(0)) for c in invalid])
        joined = exp.ConcatWs(expressions=[S.text("; "), *messages], coalesce=True)
        several = S.concat(exp.Cast(this=count, to=exp.DataType.build("VARCHAR")), S.text(" problems with the inputs: "), joined)
        one = exp.Coalesce(this=messages[0], expressions=messages[1:]) if len(messages) > 1 else messages[0]
        message = S.case([(exp.EQ(this=count, expression=exp.Literal.number(1)), one), (exp.GT(this=count, expression=exp.Literal.number(1)), several)])  # fmt: skip
        self.all_problems = "#problems"
        self.stage("#inputs#all", [(self.all_problems, S.case([(S.any_of(*invalid), message)]))])

    def _code(self, name: str) -> tuple[str, exp.Expression] | None:
        """Dictionary-encode a text input: 0 null, 1 … k its allowed values then the texts entries name, k + 1 any other.

        Only where every entry on it names single values (no ranges), so a
        code stands for exactly one value and the column masks become lookups.
        """
        source = self.inputs.get(name)
        if source is None or source.category != V.STRING:
            return None
        spec = self.model.inputs.get(name)
        points: list[Any] = [a for a in (spec.allowed or ()) if isinstance(a, str)] if spec is not None else []
        plan = self.model.evaluation_plan(self.decision)
        for table_name in (*plan.required, self.decision):
            table = self.model.tables[table_name]
            for position, input_name in enumerate(table.input_names):
                if input_name != name:
                    continue
                ordered = ColumnIndex([rule.tests[position] for rule in table.rules]).ordered.get(V.STRING)
                if ordered is None:
                    continue
                if not ordered.points_only:
                    return None
                points += [p for p in ordered.points if p not in points]
        if not points or len(points) > CODE_LIMIT:
            return None
        value = S.column(name)
        coded = exp.Case(this=value, ifs=[exp.If(this=S.text(p), true=exp.Literal.number(i + 1)) for i, p in enumerate(points)], default=exp.Literal.number(len(points) + 1))  # fmt: skip
        column = f"#code#{name}"
        self.codes[name] = (column, points)
        return column, S.case([(S.is_null(value), exp.Literal.number(0))], coded)

    def _problem(self, name: str, spec: InputSpec | None, source: SourceInput) -> list[tuple[exp.Expression, exp.Expression]]:  # fmt: skip
        """``InputSpec.check`` in SQL: (condition, message) in the order it checks; none hold for a valid value."""
        if spec is None:
            return []
        if getattr(spec, "item", None) is not None:
            raise SqlCompileError(
                f"input `{name}` has a DMN type (typeRef) whose checks are not compiled to SQL; use --engine python",
                Cell(name, spec.location) if spec.location is not None else None,
            )
        value = S.column(name)
        allowed = spec.allowed
        listing = ", ".join(V.describe(a) for a in allowed) if allowed is not None else ""
        strings = allowed is not None and any(isinstance(a, str) for a in allowed)

        def not_allowed(shown: exp.Expression, text: exp.Expression | None) -> exp.Expression:
            parts = [S.text(f"input `{name}`: "), shown, S.text(" is not an allowed value")]
            known = self.suggestions.get(name)
            if strings and known and text is not None:
                parts.append(S.case([(exp.EQ(this=text, expression=S.text(k)), S.text(v)) for k, v in known.items()], S.text("")))
            parts.append(S.text(f"; allowed: {listing}"))
            return S.concat(*parts)

        whens: list[tuple[exp.Expression, exp.Expression]] = []
        if source.converted:
            bad = S.column(BAD + name)
            if spec.type is not None:
                message = S.concat(S.text(f"input `{name}` expects a {spec.type}, got "), S.column(BAD_KIND + name), S.text(" "), bad)
            else:  # typed by the allowed values, as dtable batch does: the raw value is checked against them
                message = not_allowed(bad, S.column(RAW + name))
            whens.append((S.not_null(bad), message))
        if allowed is not None:
            if None not in allowed:
                whens.append((S.is_null(value), S.text(f"input `{name}` is missing; it must be one of {listing}")))
            category = source.category
            if name in self.codes and category == V.STRING:
                code = S.column(self.codes[name][0])
                known = len([a for a in allowed if isinstance(a, str)])  # the allowed texts are coded 1 … known
                if None not in allowed:
                    whens[-1] = (exp.EQ(this=code, expression=exp.Literal.number(0)), whens[-1][1])
                whens.append((exp.GT(this=code, expression=exp.Literal.number(known)), not_allowed(S.described(value, category), value)))
                return whens
            if category is not None:
                same = [a for a in allowed if a is not None and V.category(a) == category]
                if category == V.BOOLEAN and {True, False} <= set(same):
                    return whens
                outside = S.none_of(value, [S.literal(a) for a in same]) if same else S.not_null(value)
                text = value if category == V.STRING else None
                whens.append((outside, not_allowed(S.described(value, category), text)))
        return whens

    # ------------------------------------------------------------ tables

    def table(self, table: CompiledTable, main: bool, no_rule_names: Sequence[str] = ()) -> _Outputs:
        name = table.name
        model = table.table
        policy, aggregator = model.hit_policy, model.aggregator
        values = self._column_values(table)

        # which rules matched: one bitmask when the rules fit a BIGINT, else a flag per rule
        count = len(table.rules)
        masked = 0 < count <= MASK_RULES
        if masked:
            self.stage(f"#{name}#match", [(f"#{name}#mask", self._mask(table, values))])
            mask = S.column(f"#{name}#mask")
            m: list[exp.Expression] = [_has_bit(mask, i) for i in range(count)]
        else:
            flags = [(f"#{name}#m#{i + 1}", exp.Is(this=exp.Paren(this=self._rule_predicate(table, i, values)), expression=exp.true())) for i in range(count)]  # fmt: skip
            self.stage(f"#{name}#match", flags)
            m = [S.column(c) for c, _ in flags]

        entries = [[self._output(e, f"rule {rule.rule.label}, output `{o.name}`") for e, o in zip(rule.outputs, model.outputs)] for rule in table.rules]  # fmt: skip
        defaults = [self._output(d, f"default of `{o.name}`") if d is not None else None for d, o in zip(table.defaults, model.outputs)]  # fmt: skip
        categories = [self._category(table, k, entries, defaults) for k in range(len(model.outputs))]

        hits = f"#{name}#hits"
        pick = f"#{name}#pick"
        exact = not masked or aggregator is Aggregator.COUNT
        counted = _sum_of([S.case([(c, exp.Literal.number(1))], exp.Literal.number(0)) for c in m]) if exact else _none_one_many(mask)
        picks: list[tuple[str, exp.Expression]] = [(hits, counted)]
        if policy.single_hit:
            lowest = masked and policy is not HitPolicy.PRIORITY
            picks.append((pick, _lowest_bit(mask, count) if lowest else self._pick(table, m, entries)))
        self.stage(f"#{name}#pick", picks)
        h, p = S.column(hits), S.column(pick)

        # the outputs
        out_columns = [f"#{name}#o#{k + 1}" for k in range(len(model.outputs))]
        outs: list[tuple[str, exp.Expression]] = []
        lists = False
        if aggregator is not None:
            value, categories[0] = self._aggregate(aggregator, m, [e[0] for e in entries], categories[0], h)
            first_default = defaults[0]
            if first_default is not None and first_default.category not in (None, categories[0]):
                raise SqlCompileError(
                    f"default of `{model.outputs[0].name}`: gives a {first_default.category} where the {model.policy_label} "
                    f"of the rules gives a {categories[0]}; an SQL column holds one type",
                    model.outputs[0].default,
                )
            if first_default is not None:  # DMN: no rule matched, so the default is the result, not an aggregate
                value = S.case([(exp.EQ(this=h, expression=exp.Literal.number(0)), _sql(first_default, categories[0]))], value)
            outs.append((out_columns[0], value))
        elif policy.single_hit:
            for k, out in enumerate(out_columns):
                outs.append((out, _choose(p, [defaults[k] or _null(categories[k])] + [e[k] for e in entries], categories[k])))
        else:
            lists = True
            order = list(range(len(table.rules)))
            if policy is HitPolicy.OUTPUT_ORDER:
                order = self._static_order(table, entries, "OUTPUT ORDER")
            has_default = any(d is not None for d in defaults)
            for k, out in enumerate(out_columns):
                empty = exp.Cast(this=exp.Array(expressions=[]), to=S.list_type(categories[k]))
                parts = [S.case([(m[i], exp.Array(expressions=[_sql(entries[i][k], categories[k])]))], empty) for i in order]
                collected = parts[0] if len(parts) == 1 else exp.ArrayConcat(this=parts[0], expressions=parts[1:])
                if has_default:
                    alone = exp.Array(expressions=[_sql(defaults[k] or _null(categories[k]), categories[k])])
                    collected = S.case([(exp.EQ(this=h, expression=exp.Literal.number(0)), alone)], collected)
                outs.append((out, collected))
        self.stage(f"#{name}#out", outs)

        # violations, matched labels, errors
        labels = [r.label for r in table.rules]
        every = exp.ConcatWs(expressions=[S.text(hitpolicy.LABEL_SEPARATOR), *(S.case([(c, S.text(label))]) for c, label in zip(m, labels))], coalesce=True)
        if policy.single_hit:
            one = _choose(p, [exp.Cast(this=exp.Null(), to=exp.DataType.build("VARCHAR"))] + [S.text(label) for label in labels], V.STRING, constant_items=True)  # fmt: skip
            labelled = S.case([(exp.EQ(this=h, expression=exp.Literal.number(0)), exp.Cast(this=exp.Null(), to=exp.DataType.build("VARCHAR"))),
                               (exp.EQ(this=h, expression=exp.Literal.number(1)), one)], every)  # fmt: skip
        else:
            labelled = S.case([(exp.EQ(this=h, expression=exp.Literal.number(0)), exp.Cast(this=exp.Null(), to=exp.DataType.build("VARCHAR")))], every)  # fmt: skip
        matched_column = f"#{name}#matched"
        error_column = f"#{name}#error"
        whens: list[tuple[exp.Expression, exp.Expression]] = []
        if self.error is not None:
            whens.append((S.not_null(S.column(self.error)), S.column(self.error)))
        validated = [self.problems[n] for n in dict.fromkeys(table.input_names) if n is not None and n in self.problems]
        if validated:
            invalid = S.any_of(*(S.column(c) for c in validated))
            whens.append((invalid, S.column(self.all_problems or "")))
        own_error_at = len(whens)
        violation = self._violation(table, m, h, p, entries, [S.column(c) for c in out_columns], categories)
        if violation is not None:
            before, after = hitpolicy.conflict_parts(name, policy)
            whens.append((violation, S.concat(S.text(before), S.column(matched_column), S.text(after))))
        if main and policy.single_hit and all(d is None for d in defaults):
            whens.append((exp.EQ(this=h, expression=exp.Literal.number(0)), self._no_rule(name, no_rule_names)))
        checks: list[tuple[str, exp.Expression]] = [(matched_column, labelled)]
        self.stage(f"#{name}#labels", checks)
        earlier = [w for w, _ in whens[:own_error_at]]
        shown_matched = f"#{name}#matched#shown"
        self.stage(
            f"#{name}#check",
            [
                (error_column, S.case(whens) if whens else exp.Cast(this=exp.Null(), to=exp.DataType.build("VARCHAR"))),
                (shown_matched, S.case([(S.any_of(*earlier), exp.Cast(this=exp.Null(), to=exp.DataType.build("VARCHAR")))], S.column(matched_column)) if earlier else S.column(matched_column)),
            ],
        )  # fmt: skip
        self.error = error_column
        self._publish(table, out_columns, categories, lists or aggregator is None and not policy.single_hit)
        return _Outputs(table.output_names, tuple(out_columns), tuple(categories), lists, error_column, shown_matched)

    def _rule_predicate(self, table: CompiledTable, position: int, values: list[Typed], dynamic_only: bool = False) -> exp.Expression:
        """All of a rule's entries (or only those that read other inputs) hold."""
        rule = table.rules[position]
        predicates = []
        for column_position, (test, column) in enumerate(zip(rule.tests, table.table.inputs)):
            if dynamic_only and (test.is_any or test.condition is not None):
                continue
            compiler = ExpressionCompiler(self.scope, test.cell, f"rule {rule.label}, input `{column.name}`")
            predicate = entry_predicate(test, values[column_position], compiler)
            if predicate is not None:
                predicates.append(predicate)
        return S.all_of(*(exp.Paren(this=p) for p in predicates)) if predicates else exp.true()

    def _mask(self, table: CompiledTable, values: list[Typed]) -> exp.Expression:
        """The rules that match as bits (rule i = bit i): per column, the index's mask for the value, ANDed.

        The masks come from engine.index.ColumnIndex, built from the same exact
        conditions the Python evaluator indexes; entries that read other inputs
        stay in every mask and are checked one by one, as there.
        """
        count = len(table.rules)
        parts: list[exp.Expression] = []
        dynamic = 0
        for position, value in enumerate(values):
            index = ColumnIndex([rule.tests[position] for rule in table.rules])
            dynamic |= index.dynamic
            name = table.input_names[position]
            if name in self.codes and value.category == V.STRING:
                column, points = self.codes[name]
                ordered = index.ordered.get(V.STRING)
                other = ordered.between if ordered is not None else index.base
                masks = [index.flat[V.NULL], *(index.mask_of(p) for p in points), other]
                position_type = S.column(column)
                position_type.type = exp.DataType.build("INT")
                parts.append(exp.Bracket(this=exp.Array(expressions=[_bigint(m) for m in masks]), expressions=[position_type]))
                continue
            parts.append(_column_mask(index, value, (1 << count) - 1))
        for position in range(count):
            if dynamic >> position & 1:
                # Cast: a predicate over null inputs may fold to a bare NULL, which Spark's CASE refuses as untyped.
                check = exp.Cast(this=self._rule_predicate(table, position, values, dynamic_only=True), to=exp.DataType.build("BOOLEAN"))  # fmt: skip
                keep = S.case([(check, _bigint((1 << count) - 1))], _bigint(((1 << count) - 1) & ~(1 << position)))
                parts.append(keep)
        mask: exp.Expression = parts[0] if parts else _bigint((1 << count) - 1)
        for part in parts[1:]:
            mask = exp.BitwiseAnd(this=S.wrap(mask), expression=exp.Paren(this=part))
        return mask

    def _column_values(self, table: CompiledTable) -> list[Typed]:
        values: list[Typed] = []
        computed: list[tuple[str, exp.Expression]] = []
        for position, (name, column) in enumerate(zip(table.input_names, table.table.inputs)):
            if name is not None and (name in self.scope.names or name in self.scope.refuse):
                compiler = ExpressionCompiler(self.scope, column.expression, "input expression")
                values.append(compiler.compile(table.headers[position]))
                continue
            node = table.headers[position] if position < len(table.headers) else None
            if node is None:
                raise SqlCompileError("input expression: the cell did not compile", column.expression)
            compiler = ExpressionCompiler(self.scope, column.expression, "input expression")
            typed = compiler.materialised(node)
            if typed.is_constant:
                values.append(typed)
                continue
            alias = f"#{table.name}#in#{position + 1}"
            computed.append((alias, typed.sql))
            values.append(Typed(S.column(alias), typed.category))
        if computed:
            self.stage(f"#{table.name}#inputs", computed)
        return values

    def _output(self, entry: OutputEntry, what: str) -> Typed:
        if entry.is_constant:
            return constant(entry.value, entry.cell, f"{what}: ")
        if entry.node is None:
            raise SqlCompileError(f"{what}: the cell did not compile", entry.cell)
        return ExpressionCompiler(self.scope, entry.cell, what).materialised(entry.node)

    def _category(self, table: CompiledTable, k: int, entries: list[list[Typed]], defaults: list[Typed | None]) -> str | None:
        output = table.table.outputs[k]
        seen: tuple[str, str] | None = None
        cells = [(e[k], f"rule {r.label}", r.rule.outputs[k]) for e, r in zip(entries, table.rules)]
        if defaults[k] is not None and output.default is not None:
            cells.append((defaults[k], "the default", output.default))  # type: ignore[arg-type]
        for typed, who, cell in cells:
            if typed.category is None:
                continue
            if seen is None:
                seen = (typed.category, who)
            elif typed.category != seen[0]:
                raise SqlCompileError(
                    f"{who}, output `{output.name}`: gives a {typed.category} where {seen[1]} gives a {seen[0]}; "
                    "an SQL column holds one type (use --engine python, or give the column one type)",
                    cell,
                )
        return seen[0] if seen else None

    def _pick(self, table: CompiledTable, m: list[exp.Expression], entries: list[list[Typed]]) -> exp.Expression:
        """The rule a single-hit policy selects (1-based; 0: none matched)."""
        policy = table.table.hit_policy
        order = list(range(len(table.rules)))
        if policy is HitPolicy.PRIORITY:
            if all(all(e.is_constant for e in row) for row in entries):
                order = self._static_order(table, entries, "PRIORITY")
            else:
                return self._dynamic_priority(table, m, entries)
        return S.case([(m[i], exp.Literal.number(i + 1)) for i in order], exp.Literal.number(0))

    def _static_order(self, table: CompiledTable, entries: list[list[Typed]], what: str) -> list[int]:
        columns = table.table.outputs
        keys = []
        for i, row in enumerate(entries):
            if not all(e.is_constant for e in row):
                cell = table.rules[i].rule.outputs[next(k for k, e in enumerate(row) if not e.is_constant)]
                raise SqlCompileError(
                    f"rule {table.rules[i].label}: {what} with computed outputs is not compiled to SQL; use --engine python", cell
                )
            keys.append((hitpolicy.rank_key({c.name: e.constant for c, e in zip(columns, row)}, columns), i))
        return [i for _, i in sorted(keys)]

    def _dynamic_priority(self, table: CompiledTable, m: list[exp.Expression], entries: list[list[Typed]]) -> exp.Expression:
        """Rank each matched rule by its outputs' places in the allowed values, least (rank, position) wins."""
        columns = table.table.outputs
        count = len(table.rules)
        base = max(len(c.allowed or ()) for c in columns) + 1
        keys = []
        for i, row in enumerate(entries):
            key: exp.Expression = exp.Literal.number(0)
            for column, typed in zip(columns, row):
                allowed = column.allowed or ()
                rank = S.case([(equals(typed, constant(a)).sql, exp.Literal.number(j)) for j, a in enumerate(allowed)], exp.Literal.number(len(allowed)))  # fmt: skip
                key = exp.Add(this=exp.Mul(this=exp.Paren(this=key), expression=exp.Literal.number(base)), expression=rank)
            keys.append(S.case([(m[i], exp.Add(this=exp.Mul(this=exp.Paren(this=key), expression=exp.Literal.number(count + 1)), expression=exp.Literal.number(i + 1)))]))  # fmt: skip
        least = S.extreme(exp.Least, keys)
        return exp.Coalesce(this=exp.Mod(this=exp.Paren(this=least), expression=exp.Literal.number(count + 1)), expressions=[exp.Literal.number(0)])  # fmt: skip

    def _aggregate(self, aggregator: Aggregator, m: list[exp.Expression], values: list[Typed], category: str | None, hits: exp.Column) -> tuple[exp.Expression, str | None]:  # fmt: skip
        if aggregator is Aggregator.COUNT:
            return exp.Cast(this=hits, to=S.sql_type(V.NUMBER)), V.NUMBER
        wanted = V.NUMBER if aggregator is Aggregator.SUM else category
        result_category = V.NUMBER if aggregator is Aggregator.SUM else category
        if category is None or category != wanted or category not in V.ORDERED:
            return _null(result_category).sql, result_category  # FEEL: nothing of the right kind to aggregate
        nulls = [S.all_of(c, S.is_null(v.sql)) for c, v in zip(m, values) if not v.never_null]
        if aggregator is Aggregator.SUM:
            total = _sum_of([S.case([(c, v.sql)], S.literal(0)) for c, v in zip(m, values)])
            value: exp.Expression = total
        else:
            cls = exp.Least if aggregator is Aggregator.MIN else exp.Greatest
            items = [S.case([(c, v.sql)]) for c, v in zip(m, values)]
            value = S.extreme(cls, items)
        empty = exp.EQ(this=hits, expression=exp.Literal.number(0))
        return S.case([(S.any_of(empty, *nulls), S.literal(None, category))], value), result_category

    def _violation(self, table: CompiledTable, m: list[exp.Expression], h: exp.Column, p: exp.Column, entries: list[list[Typed]], outs: list[exp.Column], categories: list[str | None]) -> exp.Expression | None:  # fmt: skip
        policy = table.table.hit_policy
        if policy is HitPolicy.UNIQUE:
            return exp.GT(this=h, expression=exp.Literal.number(1))
        if policy is not HitPolicy.ANY:
            return None
        if all(all(e.is_constant for e in row) for row in entries):
            groups: list[tuple[object, ...]] = []
            ids = []
            for row in entries:
                values = {str(k): e.constant for k, e in enumerate(row)}
                found = next((g for g, other in enumerate(groups) if hitpolicy.same_output(values, dict(zip(values, other)))), None)
                if found is None:
                    groups.append(tuple(values.values()))
                    found = len(groups) - 1
                ids.append(found)
            if len(groups) == 1:
                return None
            matched_ids = [S.case([(c, exp.Literal.number(g))]) for c, g in zip(m, ids)]
            return exp.NEQ(this=S.extreme(exp.Least, matched_ids), expression=S.extreme(exp.Greatest, matched_ids))
        differs = []
        for c, row in zip(m, entries):
            same = S.all_of(*(equals(e, Typed(o, k)).sql for e, o, k in zip(row, outs, categories)))
            differs.append(S.all_of(c, exp.Not(this=exp.Paren(this=same))))
        return S.any_of(*differs)

    def _no_rule(self, decision: str, names: Sequence[str]) -> exp.Expression:
        parts: list[exp.Expression] = []
        for i, name in enumerate(names):
            source = self.inputs.get(name, SourceInput(None))
            spec = self.model.inputs.get(name)
            plain = (source.category == V.STRING and spec is not None and spec.allowed is not None
                     and all(not isinstance(a, str) or ('"' not in a and "\\" not in a) for a in spec.allowed))  # fmt: skip
            shown: exp.Expression
            if source.given:
                shown = S.column(GIVEN + name)
            elif plain:  # only allowed texts reach this message, and none needs escaping
                shown = exp.Coalesce(this=S.concat(S.text('"'), S.column(name), S.text('"')), expressions=[S.text("null")])
            else:
                shown = S.described(S.column(name), source.category)
            parts += [S.text(("" if i == 0 else hitpolicy.LABEL_SEPARATOR) + f"{name} = "), shown]
        head = hitpolicy.no_rule_message(decision, "", False)
        return S.concat(S.text(head), *parts) if parts else S.text(head)

    def _publish(self, table: CompiledTable, columns: list[str], categories: list[str | None], is_list: bool) -> None:
        """Make the decision's value readable by the decisions after it."""
        name = table.name
        if is_list:
            self.scope.refuse[name] = (
                f"decision `{name}` gives a list ({table.table.policy_label}); SQL reads single values only, use --engine python"
            )
            return
        if len(columns) == 1:
            self.scope.names[name] = Typed(S.column(columns[0]), categories[0])
            return
        for output, column, category in zip(table.output_names, columns, categories):
            self.scope.paths[(name, output)] = Typed(S.column(column), category)
        self.scope.refuse[name] = (
            f"decision `{name}` has several outputs; SQL reads them one at a time, e.g. `{name}.{table.output_names[0]}`"
        )

    # ------------------------------------------------------------ the result

    def result(self, inputs: Sequence[str], outputs: _Outputs, extra: Sequence[str]) -> DecisionQuery:
        error = S.column(outputs.error)
        ok = S.is_null(error)
        columns: list[exp.Expression] = [exp.Alias(this=S.column(n), alias=S.identifier(n)) for n in inputs]
        for name, column in zip(outputs.names, outputs.columns):
            columns.append(exp.Alias(this=S.case([(ok, S.column(column))]), alias=S.identifier(name)))
        columns.append(exp.Alias(this=S.column(outputs.matched), alias=S.identifier("matched")))
        columns.append(exp.Alias(this=error, alias=S.identifier("error")))
        columns += [exp.Alias(this=S.column(n), alias=S.identifier(n)) for n in extra]
        ctes = [exp.CTE(this=select, alias=exp.TableAlias(this=S.identifier(name))) for name, select in self.stages]
        final = exp.Select(expressions=columns, from_=exp.From(this=self.previous))
        if ctes:
            final.set("with_", exp.With(expressions=ctes))
        return DecisionQuery(self.decision, final, tuple(inputs), outputs.names, outputs.categories, outputs.lists, dict(self.inputs))


#: Tables with at most this many rules match through one BIGINT bitmask.
MASK_RULES = 62
#: Text inputs with at most this many distinct values in allowed values and entries are dictionary-encoded.
CODE_LIMIT = 1_000


def _bigint(value: int) -> exp.Expression:
    return exp.Cast(this=exp.Literal.number(value), to=exp.DataType.build("BIGINT"))


def _has_bit(mask: exp.Expression, position: int) -> exp.Expression:
    return exp.NEQ(this=exp.Paren(this=exp.BitwiseAnd(this=mask, expression=_bigint(1 << position))), expression=exp.Literal.number(0))


def _none_one_many(mask: exp.Expression) -> exp.Expression:
    """0, 1 or 2 (several) rules matched: all UNIQUE and the labels need to know."""
    single = exp.EQ(this=exp.Paren(this=exp.BitwiseAnd(this=mask, expression=exp.Paren(this=exp.Sub(this=mask, expression=exp.Literal.number(1))))), expression=exp.Literal.number(0))  # fmt: skip
    return S.case([(exp.EQ(this=mask, expression=exp.Literal.number(0)), exp.Literal.number(0)), (single, exp.Literal.number(1))], exp.Literal.number(2))  # fmt: skip


def _lowest_bit(mask: exp.Expression, count: int) -> exp.Expression:
    """The first matching rule in table order (1-based; 0: none): the lowest set bit."""
    lowest = exp.BitwiseAnd(this=mask, expression=exp.Paren(this=exp.Neg(this=mask)))
    return exp.Case(this=lowest, ifs=[exp.If(this=_bigint(1 << i), true=exp.Literal.number(i + 1)) for i in range(count)], default=exp.Literal.number(0))  # fmt: skip


def _column_mask(index: ColumnIndex, value: Typed, everything: int) -> exp.Expression:
    """The index's mask for one column's value, as SQL over the value's one category."""
    null_mask = index.flat[V.NULL]
    category = value.category
    if category is None:
        return _bigint(null_mask)
    body: exp.Expression
    if category == V.BOOLEAN:
        body = S.case([(value.sql, _bigint(index.flat["boolean:True"]))], _bigint(index.flat["boolean:False"]))
    else:
        ordered = index.ordered.get(category)
        if ordered is None:
            body = _bigint(index.base)
        elif ordered.points_only and not ordered.points:
            body = _bigint(ordered.between)
        elif ordered.points_only:
            body = exp.Case(this=value.sql, ifs=[exp.If(this=S.literal(p), true=_bigint(m)) for p, m in ordered.point_masks().items()], default=_bigint(ordered.between))  # fmt: skip
        else:
            whens: list[tuple[exp.Expression, exp.Expression]] = []
            for i, point in enumerate(ordered.points):
                whens.append((exp.LT(this=value.sql, expression=S.literal(point)), _bigint(ordered.masks[2 * i])))
                whens.append((exp.EQ(this=value.sql, expression=S.literal(point)), _bigint(ordered.masks[2 * i + 1])))
            body = S.case(whens, _bigint(ordered.masks[-1]))
    if value.never_null:
        return body
    return S.case([(S.is_null(value.sql), _bigint(null_mask))], body)


def _sum_of(parts: list[exp.Expression]) -> exp.Expression:
    total = parts[0] if parts else exp.Literal.number(0)
    for part in parts[1:]:
        total = exp.Add(this=total, expression=part)
    return total


def _null(category: str | None) -> Typed:
    return Typed(S.literal(None, category), category, True, None)


def _sql(typed: Typed, category: str | None) -> exp.Expression:
    return typed.sql if typed.category is not None or category is None else S.literal(None, category)


def _choose(index: exp.Expression, items: list[Typed] | list[exp.Expression], category: str | None, constant_items: bool = False) -> exp.Expression:  # fmt: skip
    """``items[index]`` (0-based): a lookup in a constant array, else a CASE."""
    sqls = [i if isinstance(i, exp.Expression) else _sql(i, category) for i in items]
    constants = constant_items or all(isinstance(i, Typed) and i.is_constant for i in items)
    if constants:
        # Typed as an integer, so sqlglot shifts it for dialects whose arrays start at 1.
        position = index.copy()
        position.type = exp.DataType.build("INT")
        return exp.Bracket(this=exp.Array(expressions=sqls), expressions=[position])
    # Rules often give the same computed value (`kontakttyp` in 20 of 21 rules): one branch per distinct value.
    groups: dict[str, tuple[exp.Expression, list[int]]] = {}
    for i, sql in enumerate(sqls):
        groups.setdefault(sql.sql(), (sql, []))[1].append(i)
    if len(groups) == len(sqls):
        return exp.Case(this=index, ifs=[exp.If(this=exp.Literal.number(i), true=s) for i, s in enumerate(sqls)])
    ordered = sorted(groups.values(), key=lambda g: len(g[1]))
    whens = [(S.one_of(index, [exp.Literal.number(i) for i in positions]), sql) for sql, positions in ordered[:-1]]
    return S.case(whens, ordered[-1][0])


def suggestions_for(model: Model, texts: Mapping[str, Sequence[str]]) -> dict[str, dict[str, str]]:
    """The "(did you mean …?)" part of the message for each text an input got that its allowed values lack.

    Engines look up the distinct unknown texts of a file first, so the
    query gives the same messages as :meth:`engine.inputs.InputSpec.check`.
    """
    found: dict[str, dict[str, str]] = {}
    for name, values in texts.items():
        spec = model.inputs.get(name)
        if spec is None or spec.allowed is None:
            continue
        close = {t: did_you_mean(t, spec.allowed) for t in values}
        found[name] = {t: s for t, s in close.items() if s}
    return found
