"""Prometheus metrics, served with /healthz by bot/app/health.py.

Counters live in this process; pending reminders are counted in the database when scraped,
so every worker reports the same truth about the queue."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter("twincoach_updates_total", "Updates handled", ["kind"])
UPDATE_SECONDS = Histogram(
    "twincoach_update_seconds",
    "Time from an update's arrival to its replies being queued (each chat's go out in turn)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
UPDATES_LET_GO = Counter(
    "twincoach_updates_let_go_total",
    "Updates over a person's or a group's pace (bot/fair.py): slowed down, ignored",
    ["verdict"],
)
UPDATE_ERRORS = Counter("twincoach_update_errors_total", "Updates whose handler failed")
REMINDERS = Counter(
    "twincoach_reminders_total",
    "Reminder outcomes: sent, late (sent more than 5 minutes after due), failed, dropped, retried",
    ["outcome"],
)
PENDING = Gauge("twincoach_reminders_pending", "Reminders waiting to be sent (all workers)")
DISPATCH_LOOKED = Gauge(
    "twincoach_dispatch_last_look_timestamp_seconds",
    "When this process last looked for due reminders (Unix time; 0 = never)",
)
