"""The README's curl examples for `dtable serve`, run against a live server on loopback."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess

from helpers_core import REPO, SHIPPED
from live_server import live_server

DOCUMENTED = "http://127.0.0.1:8080"


def examples() -> list[tuple[str, str]]:
    """(command, documented output) for each `$ curl` line of the serve section's console block."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `dtable serve`", 1)[1].split("#### The service's reference", 1)[0]
    (block,) = re.findall(r"```console\n(.*?)```", section, flags=re.S)
    found: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        else:
            found[-1][1].append(line)
    return [(command, "\n".join(output)) for command, output in found]


def test_the_readme_shows_the_examples():
    commands = [command for command, _ in examples()]
    assert len(commands) >= 5 and all(c.startswith("curl ") for c in commands)
    assert any("/evaluate-batch" in c for c in commands)


def test_every_curl_example_answers_as_documented():
    curl = shutil.which("curl")
    assert curl, "curl is needed (.ci/apt-packages installs it)"
    with live_server([SHIPPED]) as base:
        for command, documented in examples():
            argv = [a.replace(DOCUMENTED, base) for a in shlex.split(command)]
            run = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", timeout=30)
            assert run.returncode == 0, (command, run.stderr)
            try:
                expected = json.loads(documented)
            except json.JSONDecodeError:
                assert run.stdout.strip() == documented.strip(), command
            else:
                assert json.loads(run.stdout) == expected, command

