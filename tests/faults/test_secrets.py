"""The API key and secret, the callback token and the export salt are written nowhere, faults
or not.

A collection runs through the command line with known secrets, callbacks on (a real receiver),
faults injected and a target that fails, then the private export of what it built; then every
file written (Parquet read back, gzip and the ledger's compressed callback bodies opened), the
instance's runs and event log, stdout, stderr and every log record are searched for each secret.
"""

import gzip
import logging
import sqlite3
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest

from resources.callbacks import CallbackInbox, CallbackReceiver
from resources.settings import Settings
from simulator import SimulatorConfig, SimulatorServer
from social_graph.cli.main import main

KEY, SECRET = "key-Hygiene-0b6a53d1", "s3cret-Hygiene-91f0c2aa"
TOKEN = "tok_Hygiene-5e2d8c0f7a914b"
SALT = "salt-Hygiene-7c41e09b2d6f"
SECRETS = (KEY, SECRET, TOKEN, SALT)


def _texts(path: Path) -> list[bytes]:
    """What a file says: its bytes, plus what is inside when it is compressed or a table."""
    data = path.read_bytes()
    out = [data]
    if path.name.endswith(".gz"):
        out.append(gzip.decompress(data))
    if path.suffix == ".parquet":
        out.append(str(pq.ParquetFile(path).read().to_pylist()).encode())
    if path.name == "ledger.sqlite":
        with sqlite3.connect(path) as db:
            out += [gzip.decompress(body) for (body,) in db.execute("select body from nyne_callbacks")]
            out += [str(row).encode() for row in db.execute("select * from nyne_lookups")]
    return out


@pytest.fixture
def secret_env(tmp_path, monkeypatch):
    config = SimulatorConfig(time_scale=0.01, latency_s=(1.0, 2.0), api_key=KEY, api_secret=SECRET,
                             callback_duplicates=1, callback_early_progress=True)
    with SimulatorServer(config, port=0) as sim:
        inbox = CallbackInbox(Settings.resolve(data_dir=tmp_path / "data").ledger_url)
        with CallbackReceiver(inbox, TOKEN) as receiver:
            for name, value in {"DAGSTER_HOME": tmp_path / "home", "SOCIAL_DATA_DIR": tmp_path / "data",
                                "NYNE_BASE_URL": sim.url, "NYNE_API_KEY": KEY,
                                "NYNE_API_SECRET": SECRET, "SOCIAL_CALLBACK_TOKEN": TOKEN,
                                "SOCIAL_CALLBACK_BASE_URL": receiver.url,
                                "SOCIAL_EXPORT_SALT": SALT}.items():
                monkeypatch.setenv(name, str(value))
            yield sim, inbox


def test_no_secret_is_written_logged_or_raised(secret_env, tmp_path, capsys, caplog):
    sim, inbox = secret_env
    sim.inject_faults(["500", "drop", "malformed", "429", "503"])
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - url: https://x.com/janedoe\n  - url: https://x.com/no_such_q\n"
                       "  - url: https://www.instagram.com/natgeo/\n")
    with caplog.at_level(logging.DEBUG):
        assert main(["collect", "--targets", str(targets)]) == 1  # no_such_q fails
        with dg.DagsterInstance.from_config(str(tmp_path / "home")) as instance:
            from social_graph.definitions import defs

            export = defs.resolve_job_def("private_export_job").execute_in_process(
                instance=instance)
            assert export.success
    assert (tmp_path / "data" / "exports" / "private" / "edges.parquet").is_file()
    captured = capsys.readouterr()
    assert "Profile not found" in captured.out + captured.err
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != targets]
    assert any(p.name.endswith(".json.gz") for p in written)  # the landing archive
    assert any(p.suffix == ".parquet" for p in written)
    assert inbox.get(next(iter(_landed_ids(tmp_path)))) is not None  # callbacks did arrive
    with dg.DagsterInstance.from_config(str(tmp_path / "home")) as instance:
        runs = [str(r.run_config) + str(r.tags) for r in instance.get_runs()]
    for secret in SECRETS:
        assert secret not in captured.out + captured.err, "printed"
        assert [r.getMessage() for r in caplog.records if secret in r.getMessage()] == []
        assert [p for p in written if any(secret.encode() in t for t in _texts(p))] == []
        assert not [r for r in runs if secret in r]


def _landed_ids(tmp_path: Path) -> set[str]:
    return {p.name.removesuffix(".json.gz") for p in (tmp_path / "data" / "landing").glob("*.gz")}
