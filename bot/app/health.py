"""`/healthz` and `/metrics` on their own port (HEALTH_PORT), for a load balancer and
Prometheus; the same in bot workers and in the scheduler process.

/healthz answers 200 only when the database answers; /metrics counts pending reminders in
the database at each scrape, so it is right whichever worker is asked."""

from __future__ import annotations

import asyncio
import json
import logging

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot import metrics
from storage import reminders
from storage.db import Database

log = logging.getLogger("bot.health")  # the name operators filter logs by


class _Health(RequestHandler):
    def initialize(self, db: Database) -> None:
        self.db = db

    async def get(self) -> None:
        try:  # not db.run: that waits out an outage, a health check must not
            await asyncio.get_running_loop().run_in_executor(None, self.db.ping)
        except Exception as exc:
            self.set_status(503)
            self.finish(json.dumps({"status": "unavailable", "database": type(exc).__name__}))
            return
        self.finish(json.dumps({"status": "ok"}))


class _Metrics(RequestHandler):
    def initialize(self, db: Database) -> None:
        self.db = db

    async def get(self) -> None:
        try:
            count = await asyncio.get_running_loop().run_in_executor(
                None, self.db.session_scope, reminders.pending_count
            )
            metrics.PENDING.set(count)
        except Exception:
            log.warning("could not count pending reminders", exc_info=True)
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(generate_latest())


class HealthServer:
    """Started and stopped by the process that owns the event loop."""

    def __init__(self, db: Database, listen: str, port: int) -> None:
        self.db, self.listen, self.port = db, listen, port
        self._server: HTTPServer | None = None

    def start(self) -> None:
        app = Application(
            [(r"/healthz", _Health, {"db": self.db}), (r"/metrics", _Metrics, {"db": self.db})],
            log_function=lambda _handler: None,
        )
        sockets = bind_sockets(self.port, self.listen)
        self.port = sockets[0].getsockname()[1]
        self._server = HTTPServer(app)
        self._server.add_sockets(sockets)
        log.info("health and metrics on http://%s:%s/", self.listen, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
