"""Prometheus metrics of one server: evaluations, errors, latency per decision.

Each app has its own registry (no global state: two apps in one process,
as in the tests, count separately). The ``decision`` label only ever takes
names of served decisions, or ``""``: a client asking for made-up names
cannot grow the number of series.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

#: Latency buckets in seconds: an evaluation takes microseconds, a request well under a millisecond.
BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.evaluations = Counter(
            "dtable_evaluations", "Cases evaluated, by decision and outcome (applied, no_rule, invalid_input, rule_conflict)",
            ("decision", "outcome"), registry=self.registry,
        )  # fmt: skip
        self.errors = Counter(
            "dtable_errors", "Problem responses sent, by decision and problem code",
            ("decision", "code"), registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "dtable_request_duration_seconds", "Time to answer an evaluate or evaluate-batch request, by decision",
            ("decision", "endpoint"), buckets=BUCKETS, registry=self.registry,
        )  # fmt: skip
        self.reloads = Counter("dtable_reloads", "Reloads of the tables, by result (ok, failed)", ("result",), registry=self.registry)  # fmt: skip
        self.model = Gauge("dtable_model_info", "The served version of the tables (value 1)", ("version",), registry=self.registry)  # fmt: skip
        self.reload_failed = Gauge(
            "dtable_reload_failed", "1 while the tables on disk fail to load and the last good version is served",
            registry=self.registry,
        )  # fmt: skip

    def serving(self, version: str, failed: bool) -> None:
        self.model.clear()
        self.model.labels(version=version).set(1)
        self.reload_failed.set(1 if failed else 0)

    def render(self) -> bytes:
        return generate_latest(self.registry)
