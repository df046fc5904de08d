"""Load test of `dtable serve` on loopback: concurrent clients against evaluate.

Starts `python cli.py serve` (the real command, one uvicorn process) on
127.0.0.1, then runs CLIENTS keep-alive HTTP/1.1 connections from this
process for SECONDS, each posting the workbook's test-sheet cases in turn to
/decisions/registrering/evaluate. Every answer is compared with the JSON the
engine gives in process (engine.output.result_json); any difference, any
status but 200 and any connection error counts as an error. Traffic goes to
127.0.0.1 only, and stops by itself.

    python bench/bench_serve.py [--clients 16] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import engine  # noqa: E402
from engine.feel.literals import parse_literal  # noqa: E402
from engine.feel.values import to_json  # noqa: E402
from engine.output import result_json  # noqa: E402

DECISION = "registrering"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "serve", str(ROOT / "tables"), "--port", str(port), "--no-reload", "--log-level", "warning"],
        cwd=ROOT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


async def client(port: int, bodies: list[bytes], expected: list, stop_at: float, latencies: list[float], errors: list[str], offset: int) -> None:  # fmt: skip
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    path = f"/decisions/{DECISION}/evaluate"
    n = offset
    try:
        while time.perf_counter() < stop_at:
            index = n % len(bodies)
            body = bodies[index]
            request = (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            started = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            payload = await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            status = status_line.split()[1] if status_line else b"-"
            if status != b"200":
                errors.append(f"status {status.decode()}")
            elif json.loads(payload) != expected[index]:
                errors.append(f"answer differs for case {index}: {payload[:200]!r}")
            n += 1
    except (OSError, asyncio.IncompleteReadError) as error:
        errors.append(f"connection: {error!r}")
    finally:
        writer.close()


async def load(port: int, clients: int, seconds: float, bodies: list[bytes], expected: list) -> tuple[list[float], list[str], float]:  # fmt: skip
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*(client(port, bodies, expected, stop_at, latencies, errors, i * 7) for i in range(clients)))
    return latencies, errors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    model = engine.load(ROOT / "tables")
    cases = [{n: parse_literal(c.text) for n, c in case.inputs.items()} for t in model.tests for case in t.cases]
    expected = [json.loads(json.dumps(result_json(model.decide(DECISION, case)))) for case in cases]
    bodies = [json.dumps(engine_json(case), ensure_ascii=False).encode("utf-8") for case in cases]

    port = free_port()
    server = start_server(port)
    try:
        latencies, errors, elapsed = asyncio.run(load(port, args.clients, args.seconds, bodies, expected))
    finally:
        server.terminate()
        server.wait(10)
    latencies.sort()
    count = len(latencies)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(count - 1, int(count * 0.99))] * 1000
    print(f"{time.strftime('%Y-%m-%d %H:%M')} · nproc {os.cpu_count()} · {cpu_model()} · Python {platform.python_version()}")  # fmt: skip
    print(f"1-minute load average at the end: {os.getloadavg()[0]:.1f} (this run and any other jobs on the machine)")
    print(f"{args.clients} clients, {elapsed:.1f} s, {len(cases)} distinct cases (the test sheet's), server and clients on one machine")  # fmt: skip
    print(f"requests: {count:,} · {count / elapsed:,.0f} requests/s · p50 {p50:.2f} ms · p99 {p99:.2f} ms · errors {len(errors)}")  # fmt: skip
    for error in errors[:10]:
        print("  ", error)
    if errors:
        raise SystemExit(1)


def engine_json(case: dict) -> dict:
    """A test-sheet case as JSON input (the literals parse to Python values the JSON encoder takes)."""
    return {name: to_json(value) for name, value in case.items()}


if __name__ == "__main__":
    main()
