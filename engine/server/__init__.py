"""``dtable serve``: decisions as a JSON service, and a simulator page.

>>> from engine.server import create_app, Limits                       # doctest: +SKIP
>>> app = create_app(["tables"], limits=Limits(max_batch=100))        # an ASGI app
>>> serve(["tables"], host="127.0.0.1", port=8080)                    # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable

from engine.server.app import VERSION_HEADER, Limits, ServerApp, create_app

__all__ = ["create_app", "Limits", "ServerApp", "VERSION_HEADER", "serve", "AddressInUse"]


def serve(
    paths: Iterable[str | os.PathLike],
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    limits: Limits = Limits(),
    watch: bool = True,
    log_level: str = "info",
) -> None:
    """Load the tables and serve them with uvicorn until interrupted (binds to loopback unless told)."""
    import uvicorn

    _check_free(host, port)
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(paths, limits=limits, watch=watch)
    model = app.service.rulebook.current
    logging.getLogger("dtable.serve").info(
        "serving %d decisions (%s) from %s, version %s, on http://%s:%d/",
        len(model.model.decisions), ", ".join(model.model.decisions), ", ".join(f.name for f in model.files),
        model.version, host if ":" not in host else f"[{host}]", port,
    )  # fmt: skip
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False, access_log=False)


class AddressInUse(OSError):
    """The address cannot be listened on (taken, or not this machine's)."""


def _check_free(host: str, port: int) -> None:
    """Say in one line why the address cannot be used, before loading anything."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise AddressInUse(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
