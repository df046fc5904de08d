"""The ASGI application: decisions as a JSON service, the simulator page, metrics, hot reload.

The app only presents: it reads a :class:`~engine.server.rulebook.Snapshot`
once per request, asks its model, and sends :mod:`engine.output`'s JSON
(or a problem+json error). It opens no file named by a request: the only
files it reads are the tables it was started with.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from engine.errors import DecisionError, EngineError, InputError
from engine.output import decision_json, failed_case_json, result_json
from engine.server import openapi, page
from engine.server.bodies import Malformed, TooLarge, parse_json, read_limited
from engine.server.metrics import Metrics
from engine.server.problems import TYPES, engine_problem, problem
from engine.server.rulebook import Rulebook, Snapshot, describe_failure

log = logging.getLogger("dtable.serve")

#: The response header naming the version of the tables that answered (their hash).
VERSION_HEADER = "Dtable-Model-Version"
_JSON_TYPES = ("application/json", "text/json")


@dataclass(frozen=True)
class Limits:
    """What one request may cost. Past a limit the answer is a problem (413, 503), never a crash."""

    max_body_bytes: int = 1_048_576
    max_batch: int = 1_000
    timeout_seconds: float = 5.0


class _Timeout(Exception):
    pass


class Service:
    """The state one app serves from: the rulebook, its limits and metrics (no globals)."""

    def __init__(self, rulebook: Rulebook, limits: Limits) -> None:
        self.rulebook = rulebook
        self.limits = limits
        self.metrics = Metrics()
        self.metrics.serving(rulebook.current.version, False)

    def after_reload(self, swapped: bool, failed_before: int) -> None:
        book = self.rulebook
        if swapped:
            self.metrics.reloads.labels(result="ok").inc()
        if book.reloads["failed"] > failed_before:
            self.metrics.reloads.labels(result="failed").inc()
        self.metrics.serving(book.current.version, book.failure is not None)

    def reload(self) -> bool:
        failed_before = self.rulebook.reloads["failed"]
        swapped = self.rulebook.reload()
        self.after_reload(swapped, failed_before)
        return swapped


def create_app(
    paths: Iterable[str | os.PathLike],
    *,
    limits: Limits = Limits(),
    watch: bool = True,
    debounce_ms: int = 300,
) -> ServerApp:
    """An ASGI app serving the decisions of ``paths`` (what :func:`engine.load` takes).

    Raises :class:`~engine.errors.LoadError` if the tables do not load: a
    server never starts without a good model. With ``watch``, changed
    tables are reloaded while it runs.
    """
    service = Service(Rulebook(paths), limits)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not watch:
            yield
            return
        stop = anyio.Event()
        task = asyncio.create_task(_watch(service, stop, debounce_ms))
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=5)

    routes = [
        Route("/", partial(page.simulator, rulebook=service.rulebook), methods=["GET"]),
        Route("/simulate/{name}", partial(page.answer, rulebook=service.rulebook), methods=["GET"]),
        Route("/static/{asset}", page.asset, methods=["GET"]),
        Route("/decisions", partial(_decisions, service=service), methods=["GET"]),
        Route("/decisions/{name}", partial(_decision, service=service), methods=["GET"]),
        Route("/decisions/{name}/evaluate", partial(_evaluate, service=service, batch=False), methods=["POST"]),
        Route("/decisions/{name}/evaluate-batch", partial(_evaluate, service=service, batch=True), methods=["POST"]),
        Route("/openapi.json", partial(_openapi, service=service), methods=["GET"]),
        Route("/healthz", partial(_healthz, service=service), methods=["GET"]),
        Route("/metrics", partial(_metrics, service=service), methods=["GET"]),
        Route("/problems/{code}", _problem_page, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_problem, Exception: _internal_problem},
    )
    app.state.service = service
    return ServerApp(app, service)


class ServerApp:
    """The Starlette app, naming the served version on every response that does not name its own."""

    def __init__(self, app: Starlette, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                name = VERSION_HEADER.lower().encode("latin-1")
                if not any(k.lower() == name for k, _ in headers):
                    headers.append((name, self.service.rulebook.current.version.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_version)


# ------------------------------------------------------------------ JSON endpoints


def _headers(snapshot: Snapshot) -> dict[str, str]:
    return {VERSION_HEADER: snapshot.version}


async def _decisions(request: Request, service: Service) -> Response:
    snapshot = service.rulebook.current
    model = snapshot.model
    body = {
        "model_version": snapshot.version,
        "loaded_at": snapshot.loaded_at.isoformat(),
        "files": [str(f) for f in snapshot.files],
        "decisions": [decision_json(model, name) for name in model.decisions],
        "reload_error": describe_failure(service.rulebook.failure),
    }
    return JSONResponse(body, headers=_headers(snapshot))


async def _decision(request: Request, service: Service) -> Response:
    snapshot = service.rulebook.current
    name = request.path_params["name"]
    try:
        body = {**decision_json(snapshot.model, _known(snapshot, name)), "model_version": snapshot.version}
    except EngineError as error:
        service.metrics.errors.labels(decision="", code=error.code).inc()
        return engine_problem(error, headers=_headers(snapshot))
    return JSONResponse(body, headers=_headers(snapshot))


def _known(snapshot: Snapshot, name: str) -> str:
    """``name`` if the model has it (knowledge models are not decisions); else UnknownDecisionError."""
    if name not in snapshot.model.decisions:
        snapshot.model.inputs_of(name)  # raises UnknownDecisionError with a did-you-mean
    return name


async def _evaluate(request: Request, service: Service, *, batch: bool) -> Response:
    started = time.perf_counter()
    snapshot = service.rulebook.current
    headers = _headers(snapshot)
    limits = service.limits
    name = request.path_params["name"]
    label = name if name in snapshot.model.decisions else ""
    metrics = service.metrics

    def failed(response: Response, code: str) -> Response:
        metrics.errors.labels(decision=label, code=code).inc()
        return response

    try:
        _known(snapshot, name)
    except EngineError as error:
        return failed(engine_problem(error, headers=headers), error.code)
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if media not in _JSON_TYPES and not media.endswith("+json"):
        return failed(problem("unsupported-media-type", f"the body is {media}, expected application/json", headers=headers), "unsupported-media-type")  # fmt: skip
    deadline = time.monotonic() + limits.timeout_seconds
    try:
        with anyio.fail_after(limits.timeout_seconds):
            body = await read_limited(request, limits.max_body_bytes)
    except TooLarge as error:
        return failed(problem("too-large", str(error), headers=headers, limit=error.limit), "too-large")
    except TimeoutError:
        return failed(problem("timeout", f"the request body did not arrive within {limits.timeout_seconds:g} s", headers=headers, limit=limits.timeout_seconds), "timeout")  # fmt: skip
    try:
        data = parse_json(body)
    except Malformed as error:
        return failed(problem("malformed-json", str(error), headers=headers), "malformed-json")
    trace = request.query_params.get("trace", "false").lower() in ("true", "1", "yes")
    model = snapshot.model

    if batch:
        if not isinstance(data, list):
            detail = f"evaluate-batch takes a JSON array of cases, not {_json_kind(data)}; POST one case to /decisions/{name}/evaluate"  # fmt: skip
            return failed(problem("invalid-input", detail, headers=headers, problems=[]), "invalid-input")
        if len(data) > limits.max_batch:
            detail = f"{len(data):,} cases is more than the limit of {limits.max_batch:,} per request"
            return failed(problem("batch-too-large", detail, headers=headers, limit=limits.max_batch), "batch-too-large")

        def work() -> Any:
            return [_one(model, name, case, trace, metrics, deadline, in_batch=True) for case in data]
    else:

        def work() -> Any:
            return _one(model, name, data, trace, metrics, deadline, in_batch=False)

    try:
        remaining = max(deadline - time.monotonic(), 0.001)
        with anyio.fail_after(remaining):
            answer = await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
    except (TimeoutError, _Timeout):
        detail = f"the evaluation took longer than the limit of {limits.timeout_seconds:g} s"
        return failed(problem("timeout", detail, headers=headers, limit=limits.timeout_seconds), "timeout")
    except EngineError as error:
        return failed(engine_problem(error, headers=headers), error.code)
    finally:
        metrics.latency.labels(decision=label, endpoint="evaluate-batch" if batch else "evaluate").observe(time.perf_counter() - started)  # fmt: skip
    return JSONResponse(answer, headers=headers)


def _one(model: Any, name: str, case: Any, trace: bool, metrics: Metrics, deadline: float, *, in_batch: bool) -> dict[str, Any]:  # fmt: skip
    """One case in a worker thread. A batch keeps going past a bad case; a single call raises."""
    if time.monotonic() > deadline:
        raise _Timeout()  # the request was abandoned: stop spending time on it
    try:
        result = model.decide(name, case)
        data = result_json(result, model, explain=trace)
    except (InputError, DecisionError) as error:
        outcome = "rule_conflict" if isinstance(error, DecisionError) else "invalid_input"
        metrics.evaluations.labels(decision=name, outcome=outcome).inc()
        if not in_batch:
            raise
        return failed_case_json(name, error)
    metrics.evaluations.labels(decision=name, outcome="applied" if result.applies else "no_rule").inc()
    return data


def _json_kind(value: Any) -> str:
    return {dict: "an object", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")


async def _openapi(request: Request, service: Service) -> Response:
    snapshot = service.rulebook.current
    return JSONResponse(openapi.document(snapshot.model, snapshot.version, service.limits.max_batch), headers=_headers(snapshot))  # fmt: skip


async def _healthz(request: Request, service: Service) -> Response:
    snapshot = service.rulebook.current
    body = {
        "status": "ok",
        "model_version": snapshot.version,
        "decisions": len(snapshot.model.decisions),
        "reload_failed": service.rulebook.failure is not None,
    }
    return JSONResponse(body, headers=_headers(snapshot))


async def _metrics(request: Request, service: Service) -> Response:
    return Response(service.metrics.render(), media_type=service.metrics.content_type)


async def _problem_page(request: Request) -> Response:
    kind = TYPES.get(request.path_params["code"])
    if kind is None:
        raise HTTPException(404)
    return HTMLResponse(page.problem_page(kind))


async def _http_problem(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        return problem("method-not-allowed", f"{request.method} is not allowed on {request.url.path}", headers=dict(error.headers or {}))  # fmt: skip
    return problem("not-found", f"nothing at {request.url.path}; see /openapi.json")


async def _internal_problem(request: Request, error: Exception) -> Response:
    log.exception("%s %s failed", request.method, request.url.path, exc_info=error)
    return problem("internal-error", "the server failed unexpectedly; its log has the details")


# ------------------------------------------------------------------ hot reload


async def _watch(service: Service, stop: anyio.Event, debounce_ms: int) -> None:
    from watchfiles import awatch

    rulebook = service.rulebook

    def relevant(_change: Any, path: str) -> bool:
        return rulebook.concerns(path)

    try:
        async for _changes in awatch(
            *rulebook.watched(), watch_filter=relevant, debounce=debounce_ms, step=50,
            stop_event=stop, recursive=False,
        ):  # fmt: skip
            await anyio.to_thread.run_sync(service.reload)
    except Exception:  # the watcher failing must not stop the service; it keeps the last model
        log.exception("watching %s for changes failed; the tables are no longer reloaded", ", ".join(map(str, rulebook.paths)))  # fmt: skip

