"""Reminders on real processes: Celery beat and workers on Redis, against the test database.

Beat sweeps recompute what is due from the database, so two beats, repeated sweeps or a
broker outage never make a reminder twice nor lose one.
"""

import datetime
import time

import pytest

from core.models import Reminder
from tests.adoption.conftest import adopt_abroad
from tests.conftest import (
    beat,
    celery_worker,
    database_url,
    free_port,
    postgres_only,
    redis_server,
    service_env,
    wait_for,
)

pytestmark = [pytest.mark.services, postgres_only, pytest.mark.django_db(transaction=True)]


def reminders_of(child):
    return list(Reminder.objects.filter(subject_type="child", subject_id=child.pk).values_list("kind", "due_on"))


def test_two_beats_and_two_workers_make_each_reminder_once(district, court, us_post, tmp_path):
    _, child = adopt_abroad(district, court, in_force_ago=250)
    port = free_port()
    with redis_server(port, tmp_path):
        env = service_env(
            DATABASE_URL=database_url(),
            REDIS_URL=f"redis://127.0.0.1:{port}/0",
            SWEEP_EVERY_SECONDS="2",
            VAR_DIR=str(tmp_path / "var"),
        )
        with (
            celery_worker(env, tmp_path, "w1"),
            celery_worker(env, tmp_path, "w2"),
            beat(env, tmp_path, "b1"),
            beat(env, tmp_path, "b2"),
        ):
            assert wait_for(lambda: len(reminders_of(child)) == 2, timeout=60), (tmp_path / "w1.log").read_text()[
                -3000:
            ]

            # let both beats fire several more sweeps into both workers
            def sweeps():
                return sum(
                    log.read_text().count("consular.sweep_consular_deadlines") for log in tmp_path.glob("w*.log")
                )

            assert wait_for(lambda: sweeps() >= 8, timeout=60)
    assert sorted(k for k, _ in reminders_of(child)) == ["consular_registration_due", "monitoring_report_overdue"]


def test_a_broker_outage_delays_reminders_and_loses_none(district, court, us_post, tmp_path):
    """Redis stops under a running worker and beat; a write succeeds meanwhile; Redis comes
    back on the same port and the reminder arrives, once."""
    port = free_port()
    env = service_env(
        DATABASE_URL=database_url(),
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        SWEEP_EVERY_SECONDS="2",
        VAR_DIR=str(tmp_path / "var"),
    )
    worker_log = tmp_path / "w1.log"
    with redis_server(port, tmp_path) as first_redis, celery_worker(env, tmp_path, "w1"), beat(env, tmp_path, "b1"):
        assert wait_for(lambda: "consular.sweep_consular_deadlines" in worker_log.read_text(), timeout=60)
        first_redis.terminate()
        first_redis.wait(timeout=10)
        _, child = adopt_abroad(district, court, in_force_ago=45)  # the write succeeds with the broker down
        time.sleep(4)  # beat ticks while the broker is away
        assert reminders_of(child) == []
        with redis_server(port, tmp_path):
            assert wait_for(lambda: len(reminders_of(child)) == 1, timeout=90), worker_log.read_text()[-3000:]
            time.sleep(5)  # more sweeps: still one
    assert reminders_of(child) == [
        ("consular_registration_due", child.adoption.decision.in_force_on + datetime.timedelta(days=30))
    ]


def test_beat_sweeps_once_at_start_up_not_one_period_later(district, court, us_post, tmp_path):
    _, child = adopt_abroad(district, court, in_force_ago=250)  # unregistered, reports overdue: due already
    port = free_port()
    with redis_server(port, tmp_path):
        env = service_env(
            DATABASE_URL=database_url(),
            REDIS_URL=f"redis://127.0.0.1:{port}/0",
            SWEEP_EVERY_SECONDS="3600",
            VAR_DIR=str(tmp_path / "var"),
        )
        with celery_worker(env, tmp_path, "w1"), beat(env, tmp_path, "b1"):
            started = time.monotonic()
            assert wait_for(lambda: len(reminders_of(child)) == 2, timeout=60), (tmp_path / "b1.log").read_text()[
                -2000:
            ]
            assert time.monotonic() - started < 3600  # long before the first period
