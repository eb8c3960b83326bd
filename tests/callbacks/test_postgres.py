"""The inbox on a real PostgreSQL: concurrent deliveries of one request_id from many threads
(each its own connection and transaction) leave exactly one row with every delivery counted."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from resources.callbacks import CallbackInbox
from resources.lookups.ledger.db import engine_for
from tests.callbacks.conftest import payload
from tests.postgres import scratch_database


@pytest.fixture
def pg_url():
    with scratch_database() as db:
        url = f"postgresql://{db.user}@{db.host}:{db.port}/{db.dbname}"
        yield url
        engine_for(url).dispose()  # before the database is dropped


def test_concurrent_deliveries_on_postgres_make_one_row_and_the_first_terminal_wins(pg_url):
    inboxes = [CallbackInbox(pg_url) for _ in range(2)]  # the second finds the table made
    completed = payload("req_pg", "completed", result={"interactions": []})
    bodies = [payload("req_pg", "processing"), completed, completed]
    barrier, errors = threading.Barrier(8), []

    def deliver(n: int) -> None:
        try:
            barrier.wait()
            for i in range(6):
                inboxes[n % 2].store(bodies[(n + i) % 3])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = inboxes[0].get("req_pg")
    assert (stored.status, stored.body, stored.deliveries) == ("completed", completed, 48)
    assert stored.first_received_at <= stored.last_received_at
    with engine_for(pg_url).connect() as conn:
        assert conn.execute(sa.text("select count(*) from nyne_callbacks")).scalar_one() == 1
        kinds = dict(conn.execute(sa.text(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'nyne_callbacks'")).all())
    assert kinds["body"] == "bytea" and kinds["last_received_at"] == "timestamp with time zone"
