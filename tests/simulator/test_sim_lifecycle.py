"""Jobs: from queued to completed or failed, and forgotten after their TTL."""

from __future__ import annotations

import re
import time

REQUEST_ID = re.compile(r"^interaction_[0-9a-f]{16}_[0-9]{10}_[0-9]{4}$")


def test_a_followers_lookup_goes_from_queued_to_completed_with_the_result(api, sim):
    """Each poll says what the job's own schedule gives for the moment it was answered:
    queued until `queued_until`, then processing (or pending), then completed."""
    sim.update(latency_s=(60.0, 60.0), pending_rate=0.0)  # 0.6 s here, the first 90 ms queued
    response = api.submit(social_media_url="https://x.com/janedoe", type="followers")
    assert response.status_code == 202
    body = response.json()
    assert body["success"] is True and body["timestamp"]
    request_id = body["data"]["request_id"]
    assert REQUEST_ID.match(request_id)
    assert body["data"]["status"] == "queued"
    job = sim.jobs[request_id]

    data = {"status": "queued"}
    while data["status"] not in ("completed", "failed"):
        before = time.time()
        data = api.poll(request_id).json()["data"]
        after = time.time()
        if after < job.queued_until:
            assert data["status"] == "queued"
        elif job.queued_until <= before and after < job.ends_at:
            assert data["status"] == "processing"
        elif before >= job.ends_at:
            assert data["status"] == "completed"
        time.sleep(0.005)
    assert data["status"] == "completed"
    assert data["completed"] is True and data["completed_on"].endswith("Z")
    result = data["result"]
    assert result["interaction_type"] == "followers" and result["platform"] == "twitter"
    assert result["target"] == {"username": "janedoe", "profile_url": "https://x.com/janedoe"}
    assert result["total_count"] == len(result["interactions"]) > 0


def test_running_jobs_report_completed_false_and_no_result(api, sim):
    sim.update(latency_s=(100.0, 100.0))
    request_id = api.submit(username="janedoe", type="following").json()["data"]["request_id"]
    data = api.poll(request_id).json()["data"]
    assert data["status"] in ("queued", "processing", "pending")
    assert data["completed"] is False and "result" not in data


def test_some_jobs_pass_through_pending_while_running(api, sim):
    """Every poll reports the status the job's own schedule gives for the moment it was
    answered, and one poll answered inside the `pending` window says `pending`. The window is
    2 s wide; a machine too loaded to answer one poll inside it tries another job (no luck
    asserted, only the schedule)."""
    sim.update(latency_s=(1000.0, 1000.0), pending_rate=1.0)  # 10 s; pending from 5 s to 7 s
    for _attempt in range(5):
        request_id = api.submit(username="janedoe", type="followers").json()["data"]["request_id"]
        job = sim.jobs[request_id]
        start, end = job.pending
        assert job.queued_until < start < end < job.ends_at
        while time.time() < end:
            before = time.time()
            status = api.poll(request_id).json()["data"]["status"]
            after = time.time()
            if start <= before and after < end:
                assert status == "pending"
                return
            elif job.queued_until <= before and after < start:
                assert status == "processing"
            time.sleep(0.05)
    raise AssertionError("no poll was answered inside a 2 s pending window in 5 jobs")


def test_a_lookup_of_an_account_not_in_the_world_ends_failed_with_profile_not_found(api):
    data = api.lookup(social_media_url="https://x.com/nobody_here_42", type="followers")
    assert data["status"] == "failed" and data["completed"] is False
    assert data["error"] == "Profile not found: @nobody_here_42 on twitter"
    assert "result" not in data


def test_a_replies_lookup_of_an_unknown_tweet_ends_failed_with_tweet_not_found(api):
    data = api.lookup(social_media_url="https://x.com/janedoe/status/1234567890123", type="replies")
    assert data["status"] == "failed"
    assert data["error"] == "Tweet not found: 1234567890123"


def test_random_failures_end_failed_with_a_reason_and_cost_nothing(api, sim):
    sim.update(fail_rate=1.0)
    data = api.lookup(username="nasa", type="followers")
    assert data["status"] == "failed" and data["error"]
    assert sim.credits_used == 0 and sim.charges == []


def test_a_request_id_expires_after_the_result_ttl(api, sim):
    sim.update(result_ttl_s=20.0)  # 0.2 s at this time scale
    request_id = api.submit(username="janedoe", type="followers").json()["data"]["request_id"]
    assert api.wait(request_id)["status"] == "completed"
    time.sleep(0.3)
    response = api.poll(request_id)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "request_not_found"
    assert request_id not in sim.jobs


def test_an_unknown_request_id_is_404_request_not_found(api):
    response = api.poll("interaction_0000000000000000_1700000000_0000")
    assert response.status_code == 404
    body = response.json()
    assert body["success"] is False and body["error"]["code"] == "request_not_found"
    assert body["error"]["message"]


def test_a_poll_without_request_id_is_400(client):
    response = client.get("/person/interactions")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "missing_request_id"


def test_the_job_store_shows_accepted_jobs_with_their_spec(api, sim):
    request_id = api.submit(username="@JaneDoe", type="followers").json()["data"]["request_id"]
    job = sim.jobs[request_id]
    assert job.spec.username == "janedoe" and job.spec.platform == "twitter"
    assert len(sim.jobs) == 1 and list(sim.jobs) == [request_id]


def test_a_job_ends_without_polling_so_its_callback_and_charge_happen(api, sim):
    api.submit(username="janedoe", type="followers")
    deadline = time.monotonic() + 5
    while not sim.charges and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sim.credits_used == 3


def test_every_answered_request_is_in_the_request_log_before_its_answer_leaves(api, sim,
                                                                              monkeypatch):
    """A test that reads the log once its client has the answer must find that request: the
    log holds each request before its answer is written (it once raced the last poll)."""
    from simulator.handler import SimulatorHandler

    logged_at_write = []
    write = SimulatorHandler._write

    def counting_write(self, reply):
        logged_at_write.append(len(sim.request_log))
        write(self, reply)

    monkeypatch.setattr(SimulatorHandler, "_write", counting_write)
    request_id = api.submit(username="janedoe", type="followers").json()["data"]["request_id"]
    for _ in range(3):
        api.poll(request_id)
    assert logged_at_write == [1, 2, 3, 4]
