"""/healthz and /metrics: what a load balancer and Prometheus read."""

import asyncio
import re
import time

from bot.app.health import HealthServer
from storage import reminders
from storage.db import Database
from tests.driver import Driver
from tests.test_faults import http_get
from tests.test_reminders import make_dispatcher


def sample(body: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} ([0-9.e+]+)$", body, re.MULTILINE)
    return float(match[1]) if match else 0.0


async def scrape(server: HealthServer, path: str) -> tuple[int, str]:
    return await asyncio.to_thread(http_get, f"http://127.0.0.1:{server.port}{path}")


async def test_health_and_metrics_follow_what_the_bot_does(driver: Driver, db: Database):
    server = HealthServer(db, "127.0.0.1", 0)
    server.start()
    try:
        assert await scrape(server, "/healthz") == (200, '{"status": "ok"}')
        _, before = await scrape(server, "/metrics")
        anna = driver.teacher(101, "Anna", "en")
        await anna.send("/newproject")
        await anna.send("Water around us")
        pending = await db.run(reminders.pending_count)
        looked = time.time()
        await make_dispatcher(driver.app, db).run_once()
        _, after = await scrape(server, "/metrics")
    finally:
        await server.stop()
    assert sample(after, "twincoach_dispatch_last_look_timestamp_seconds") >= looked
    updates = 'twincoach_updates_total{kind="message"}'
    assert sample(after, updates) - sample(before, updates) == 2
    assert sample(after, "twincoach_update_seconds_count") >= 2
    assert sample(after, "twincoach_reminders_pending") == pending


async def test_healthz_is_503_when_the_database_is_gone():
    db = Database("postgresql://nobody@127.0.0.1:9/none")
    server = HealthServer(db, "127.0.0.1", 0)
    server.start()
    try:
        status, body = await scrape(server, "/healthz")
    finally:
        await server.stop()
        db.close()
    assert status == 503 and '"status": "unavailable"' in body
