"""Callbacks: the finished payload is POSTed to callback_url, retried on failure on the
provider's schedule, in either body shape, and every attempt is recorded."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    """A tiny callback endpoint that answers 500 to its first `fail_first` deliveries."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.received: list[tuple[str, dict, int]] = []  # (path, body, status answered)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = 500 if len(receiver.received) < receiver.fail_first else 200
                receiver.received.append((self.path, body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/secret-token"

    def wait_for(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.005)
        assert len(self.received) >= count, self.received

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_for():
    made: list[Receiver] = []

    def make(fail_first: int = 0) -> Receiver:
        made.append(Receiver(fail_first))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def _wait_attempts(sim, count: int, timeout: float = 5.0) -> list:
    deadline = time.monotonic() + timeout
    while len(sim.callback_deliveries) < count and time.monotonic() < deadline:
        time.sleep(0.005)
    return sim.callback_deliveries


def test_a_finished_job_posts_the_whole_envelope_to_its_callback(api, sim, receiver_for):
    receiver = receiver_for()
    data = api.lookup(username="janedoe", type="followers", callback_url=receiver.url)
    receiver.wait_for(1)
    path, body, _ = receiver.received[0]
    assert path == "/hooks/secret-token"
    assert body["success"] is True and body["timestamp"]
    assert body["data"]["request_id"] == data["request_id"]
    assert body["data"]["status"] == "completed"
    assert body["data"]["result"] == data["result"]
    [attempt] = _wait_attempts(sim, 1)
    assert (attempt.request_id, attempt.url, attempt.attempt, attempt.status) == (
        data["request_id"], receiver.url, 1, 200)


def test_the_callback_body_can_be_only_the_data(api, sim, receiver_for):
    sim.update(callback_body="data")
    receiver = receiver_for()
    data = api.lookup(username="janedoe", type="following", callback_url=receiver.url)
    receiver.wait_for(1)
    body = receiver.received[0][1]
    assert "success" not in body
    assert body["request_id"] == data["request_id"] and body["result"] == data["result"]


def test_a_failed_job_is_delivered_too(api, receiver_for):
    receiver = receiver_for()
    api.lookup(username="no_such_user_2", type="followers", callback_url=receiver.url)
    receiver.wait_for(1)
    body = receiver.received[0][1]["data"]
    assert body["status"] == "failed" and body["error"].startswith("Profile not found")


def test_failed_deliveries_are_retried_on_the_backoff_schedule_until_acknowledged(
        api, sim, receiver_for):
    receiver = receiver_for(fail_first=2)
    api.submit(username="janedoe", type="followers", callback_url=receiver.url)
    receiver.wait_for(3)
    attempts = _wait_attempts(sim, 3)
    assert [a.attempt for a in attempts] == [1, 2, 3]
    assert [a.status for a in attempts] == [500, 500, 200]
    # Backoff 1 s then 5 s, scaled by 0.01.
    assert attempts[1].at - attempts[0].at >= 0.01
    assert attempts[2].at - attempts[1].at >= 0.05
    bodies = [body for _, body, _ in receiver.received]
    assert bodies[0] == bodies[1] == bodies[2]  # duplicates: receivers must be idempotent
    time.sleep(0.2)
    assert len(sim.callback_deliveries) == 3  # acknowledged: no more attempts


def test_delivery_gives_up_after_five_retries(make_sim, api_for, receiver_for):
    # 1+5+15+60+300 s of backoff at 0.001 = 0.38 s; a generous per-attempt timeout.
    sim = make_sim(time_scale=0.001, callback_timeout_s=5000.0)
    receiver = receiver_for(fail_first=100)
    api_for(sim).submit(username="janedoe", type="followers", callback_url=receiver.url)
    receiver.wait_for(6)
    time.sleep(0.5)
    attempts = sim.callback_deliveries
    assert [a.attempt for a in attempts] == [1, 2, 3, 4, 5, 6]
    assert all(a.status == 500 for a in attempts) and len(receiver.received) == 6


def test_an_unreachable_callback_is_recorded_as_errors_and_retried(make_sim, api_for):
    sim = make_sim(time_scale=0.001, callback_timeout_s=5000.0)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api_for(sim).submit(username="janedoe", type="followers",
                        callback_url=f"http://127.0.0.1:{port}/hook")
    attempts = _wait_attempts(sim, 6)
    assert len(attempts) == 6
    assert all(a.status is None and a.error for a in attempts)


def test_a_job_without_callback_url_delivers_nothing(api, sim):
    api.lookup(username="janedoe", type="followers")
    time.sleep(0.05)
    assert sim.callback_deliveries == []


def test_lost_acknowledgements_make_exact_duplicate_deliveries(make_sim, api_for, receiver_for):
    sim = make_sim(callback_duplicates=2)
    receiver = receiver_for()
    data = api_for(sim).lookup(username="janedoe", type="followers", callback_url=receiver.url)
    receiver.wait_for(3)
    attempts = _wait_attempts(sim, 3)
    assert [(a.attempt, a.kind, a.status) for a in attempts] == [
        (1, "final", 200), (1, "duplicate", 200), (1, "duplicate", 200)]
    bodies = [body for _, body, _ in receiver.received]
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["data"]["request_id"] == data["request_id"]
    time.sleep(0.1)
    assert len(receiver.received) == 3  # duplicates are not retried, nor duplicated again


def test_duplicates_follow_the_acknowledged_retry_not_the_failed_attempts(make_sim, api_for,
                                                                        receiver_for):
    sim = make_sim(callback_duplicates=1)
    receiver = receiver_for(fail_first=1)
    api_for(sim).submit(username="janedoe", type="followers", callback_url=receiver.url)
    receiver.wait_for(3)
    attempts = _wait_attempts(sim, 3)
    assert [(a.attempt, a.kind, a.status) for a in attempts] == [
        (1, "final", 500), (2, "final", 200), (2, "duplicate", 200)]


def test_early_progress_sends_a_stale_processing_payload_before_and_after_the_final_one(
        make_sim, api_for, receiver_for):
    sim = make_sim(callback_early_progress=True, callback_body="data")
    receiver = receiver_for()
    data = api_for(sim).lookup(username="janedoe", type="followers", callback_url=receiver.url)
    receiver.wait_for(3)
    statuses = [body["status"] for _, body, _ in receiver.received]
    assert statuses == ["processing", "completed", "processing"]
    first, final, stale = (body for _, body, _ in receiver.received)
    assert first == stale and first["request_id"] == data["request_id"]
    assert first["completed"] is False and "result" not in first
    assert final["result"] == data["result"]
    assert [a.kind for a in _wait_attempts(sim, 3)] == ["progress", "final", "stale"]


def test_the_stale_payload_is_sent_even_when_the_final_one_is_refused(make_sim, api_for,
                                                                      receiver_for):
    # One retry, 0.3 s later: the stale payload goes out long before it.
    sim = make_sim(callback_early_progress=True, callback_retry_s=(30.0,))
    receiver = receiver_for(fail_first=2)  # the progress and the first final attempt
    api_for(sim).submit(username="janedoe", type="followers", callback_url=receiver.url)
    receiver.wait_for(4)
    attempts = _wait_attempts(sim, 4)
    assert [(a.kind, a.status) for a in attempts] == [
        ("progress", 500), ("final", 500), ("stale", 200), ("final", 200)]
    assert receiver.received[0][1]["data"]["status"] == "processing"


@pytest.mark.parametrize("knobs", [{"callback_duplicates": -1}, {"callback_duplicates": 1.5},
                                   {"callback_duplicates": True},
                                   {"callback_early_progress": "yes"}])
def test_callback_fault_knobs_are_validated(make_sim, knobs):
    sim = make_sim()
    with pytest.raises(ValueError, match=next(iter(knobs))):
        sim.update(**knobs)
