"""The inbox on its own: both body shapes, idempotence, which payload wins, exact bytes, bad
bodies, and concurrent writers on one SQLite file (threads and processes)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
from datetime import timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from resources.callbacks import CallbackInbox, InvalidDelivery
from resources.lookups.ledger.db import engine_for
from tests.callbacks.conftest import payload

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("shape", ["envelope", "data"])
def test_a_first_delivery_is_stored_with_its_exact_bytes_in_either_shape(inbox, shape):
    body = payload("req_1", "completed", shape, result={"interactions": [{"username": "é"}]})
    result = inbox.store(body)
    assert (result.request_id, result.status, result.duplicate, result.kept) == (
        "req_1", "completed", False, True)
    stored = inbox.get("req_1")
    assert stored.body == body and stored.deliveries == 1 and stored.is_terminal
    assert stored.first_received_at == stored.last_received_at
    assert stored.first_received_at.tzinfo == timezone.utc


def test_the_body_is_kept_gzip_compressed_in_the_ledger_table(inbox, ledger_url):
    body = payload("req_1", "completed", padding="x" * 5000)
    inbox.store(body)
    with engine_for(ledger_url).connect() as conn:
        packed = conn.execute(sa.text("select body from nyne_callbacks")).scalar_one()
    assert gzip.decompress(packed) == body and len(packed) < len(body) / 10


def test_repeated_deliveries_are_counted_once_stored(inbox):
    body = payload("req_1", "completed")
    results = [inbox.store(body) for _ in range(4)]
    assert [r.duplicate for r in results] == [False, True, True, True]
    assert all(r.kept for r in results)  # the same bytes: they are the stored ones
    stored = inbox.get("req_1")
    assert stored.deliveries == 4 and stored.last_received_at > stored.first_received_at


def test_a_stale_processing_payload_after_the_completed_one_does_not_regress_it(inbox):
    completed = payload("req_1", "completed", result={"interactions": []})
    inbox.store(payload("req_1", "processing"))
    inbox.store(completed)
    late = inbox.store(payload("req_1", "processing"))
    assert (late.duplicate, late.kept, late.status) == (True, False, "processing")
    stored = inbox.get("req_1")
    assert (stored.status, stored.body, stored.deliveries) == ("completed", completed, 3)


def test_a_non_terminal_payload_is_replaced_by_the_terminal_one(inbox):
    inbox.store(payload("req_1", "queued"))
    failed = payload("req_1", "failed", error="Profile not found")
    assert inbox.store(failed).kept
    assert inbox.get("req_1").status == "failed" and inbox.get("req_1").body == failed


def test_the_first_terminal_payload_wins_over_a_later_different_one(inbox):
    first = payload("req_1", "completed", completed_on="2026-11-01T00:00:01Z")
    inbox.store(first)
    assert not inbox.store(payload("req_1", "failed")).kept
    assert not inbox.store(payload("req_1", "completed", completed_on="later")).kept
    assert inbox.get("req_1").body == first


def test_a_status_less_payload_with_completed_true_counts_as_completed(inbox):
    inbox.store(json.dumps({"request_id": "req_1", "completed": "true"}).encode())
    assert inbox.get("req_1").status == "completed"


@pytest.mark.parametrize("body, code, words", [
    (b"\xff\xfe{}", "not_json", "UTF-8"),
    (b"{not json", "not_json", "not JSON"),
    (b"[1, 2]", "not_object", "list"),
    (b'{"success": true, "data": {"status": "completed"}}', "no_request_id", "request_id"),
    (b'{"hello": "world"}', "no_request_id", "request_id"),
    (b'{"data": {"request_id": ""}}', "no_request_id", "request_id"),
])
def test_a_body_that_cannot_be_stored_is_refused_naming_why_but_not_echoing_it(
        inbox, body, code, words):
    with pytest.raises(InvalidDelivery) as caught:
        inbox.store(body)
    assert isinstance(caught.value, ValueError) and caught.value.code == code
    assert words in str(caught.value) and "world" not in str(caught.value)


def test_an_unknown_request_id_is_none(inbox):
    assert inbox.get("nope") is None


def test_the_repr_hides_a_database_password():
    inbox = object.__new__(CallbackInbox)
    inbox._url = "postgresql://social:hunter2pass@db.example:5432/ledger"
    assert "hunter2pass" not in repr(inbox) and "db.example" in repr(inbox)


def test_threads_storing_one_request_id_at_once_make_one_row(inbox, ledger_url):
    body, barrier = payload("req_1", "completed"), threading.Barrier(8)

    def deliver() -> None:
        barrier.wait()
        for _ in range(5):
            inbox.store(body)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert inbox.get("req_1").deliveries == 40
    with engine_for(ledger_url).connect() as conn:
        assert conn.execute(sa.text("select count(*) from nyne_callbacks")).scalar_one() == 1


def test_two_processes_storing_one_request_id_at_once_make_one_row(tmp_path, ledger_url):
    script = ("import sys; from resources.callbacks import CallbackInbox\n"
              "inbox = CallbackInbox(sys.argv[1]); print('ready', flush=True)\n"
              "sys.stdin.readline()\n"
              "for i in range(20): inbox.store(sys.argv[2].encode())\n")
    body = payload("req_1", "completed").decode()
    procs = [subprocess.Popen([sys.executable, "-c", script, ledger_url, body], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    assert [proc.stdout.readline() for proc in procs] == ["ready\n"] * 2
    for proc in procs:  # both have opened the inbox (and raced to create its table): go
        proc.stdin.write("go\n")
        proc.stdin.flush()
    assert [proc.wait(timeout=30) for proc in procs] == [0, 0]
    assert CallbackInbox(ledger_url).get("req_1").deliveries == 40
