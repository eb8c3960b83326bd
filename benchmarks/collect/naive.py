"""The naive sequential loop the collection is compared with: submit, poll every 2 s until the
job ended, then the next target; a 429 waits its ``Retry-After`` and asks again.

Plain ``httpx`` against the same simulator, no limiter, no ledger, no Dagster: what a script
written from the API's documentation does. Its clock is scaled like the simulator's.
"""

from __future__ import annotations

import time

import httpx

from benchmarks.collect.runs import API_PATH, Outcome, read_simulator

POLL_EVERY_S = 2.0  # provider seconds


def run_naive(label: str, usernames: list[str], *, scale: float, say) -> Outcome:
    from simulator import SimulatorConfig, SimulatorServer

    out = Outcome(label, len(usernames), scale, "naive", 0, 0)
    say(f"{label}: naive sequential loop over {len(usernames)} targets, clock x{scale:g} ...")
    with SimulatorServer(SimulatorConfig(time_scale=scale), port=0) as sim:
        headers = {"X-API-Key": sim.config.api_key, "X-API-Secret": sim.config.api_secret}
        started, t0 = time.time(), time.perf_counter()
        with httpx.Client(base_url=sim.url, headers=headers, timeout=30.0) as http:
            for username in usernames:
                body = {"type": "followers,following", "username": username,
                        "social_media_url": f"https://x.com/{username}", "max_results": 1000}
                submitted = _send(http, "POST", API_PATH, json=body)
                request_id = submitted.json()["data"]["request_id"]
                while True:
                    time.sleep(POLL_EVERY_S * scale)
                    status = _send(http, "GET", API_PATH, params={"request_id": request_id})
                    if status.json()["data"]["status"] in ("completed", "failed"):
                        out.lookups += 1
                        break
        out.wall_s, ended = time.perf_counter() - t0, time.time()
        read_simulator(out, sim, started, ended)
    say(f"  {out.lookups} ended, {out.requests} requests ({out.per_lookup:.3f} per lookup), "
        f"{out.status_429} x 429, span {out.api_span_s:.1f} s, floor {out.floor_s:.1f} s")
    return out


def _send(http: httpx.Client, method: str, path: str, **kwargs) -> httpx.Response:
    while True:
        response = http.request(method, path, **kwargs)
        if response.status_code != 429:
            response.raise_for_status()
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")))
