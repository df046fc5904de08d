#!/usr/bin/env bash
# Retake docs/simulator.png: the simulator page answering the README's worked example,
# rendered by Debian's headless Chromium (the flags keep it off the network).
set -euo pipefail
cd "$(dirname "$0")/.."
port=8765
.venv/bin/python cli.py serve tables --port "$port" --no-reload --log-level warning &
server=$!
trap 'kill "$server"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" --hide-scrollbars \
    --window-size=1200,760 --screenshot=docs/simulator.png \
    "http://127.0.0.1:$port/?decision=registrering&yrkesroll=sjuksk%C3%B6terska&kontakt=1177+direkt&%C3%A4rendetyp=&vidare=digitalt+samma+enhet+annan+dag"
rm -rf "$profile"
