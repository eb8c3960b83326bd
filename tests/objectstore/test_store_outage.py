"""The S3 endpoint goes away in the middle of a run (the proxy in front of moto trips on the
first landing upload): the run fails naming the endpoint, nothing paid for is lost (every
request id is in the ledger, and its journal entry in the bucket), and once the store is back
a second run lands every result with no new paid lookup."""

import io

import pyarrow.parquet as pq
import pytest

from resources.lookups.ledger import RequestLedger
from social_graph.cli.main import main
from tests.dagster.conftest import submits
from tests.objectstore.conftest import SECRET_KEY
from tests.objectstore.test_collect_s3 import env  # noqa: F401 - simulator + bucket + env


@pytest.mark.parametrize("cut", ["landing", "raw/followers"])
def test_a_store_lost_mid_run_loses_nothing_and_the_next_run_pays_nothing(env, tmp_path,
                                                                          capsys, cut):
    sim, s3 = env
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - url: https://x.com/janedoe\n"
                       "  - url: https://x.com/quiet_account\n")
    # Down at the first upload of a landing record (or of a Parquet snapshot): the answers were
    # bought and polled, and the store refuses everything from then on.
    s3.proxy.trip_on(f"PUT /{s3.name}/social/data/{cut}/".encode())
    assert main(["collect", "--targets", str(targets), "--no-warehouse"]) == 1
    captured = capsys.readouterr()
    assert s3.proxy.tripped.is_set()
    assert "failures: 2" in captured.out
    assert "tw_janedoe" in captured.err and "tw_quiet_account" in captured.err
    assert f"StoreWriteFailed: could not write s3://{s3.name}/social/data/{cut}/" in captured.out
    assert f"to the store at {s3.proxy.url}" in captured.out  # the endpoint that failed
    assert SECRET_KEY not in captured.out + captured.err
    bought = {r.request_id for r in submits(sim)}
    credits = sim.credits_used
    assert len(bought) == 2 and credits > 0

    # Nothing paid for is lost: the ledger holds every request id the API gave.
    ledger = RequestLedger(f"sqlite:///{tmp_path}/ledger.sqlite")
    assert ledger.known_request_ids(sorted(bought)) == bought

    # The store is back: the next run resumes both requests (no submit, no credit) and lands them.
    s3.proxy.trip_on(None)
    s3.proxy.up()
    assert main(["collect", "--targets", str(targets), "--no-warehouse"]) == 0, \
        capsys.readouterr().out
    out = capsys.readouterr().out
    assert "failures: 0" in out
    assert {r.request_id for r in submits(sim)} == bought and sim.credits_used == credits
    landed = {k.rsplit("/", 1)[1].removesuffix(".json.gz")
              for k in s3.keys("social/data/landing/")}
    assert landed == bought
    files = [k for k in s3.keys("social/data/raw/followers/") if "_schema" not in k]
    assert {k.split("/")[-2] for k in files} == {"janedoe", "quiet_account"}
    for key in files:  # whole files (a torn upload would not read)
        assert pq.read_table(io.BytesIO(s3.read(key))).num_rows >= 0
