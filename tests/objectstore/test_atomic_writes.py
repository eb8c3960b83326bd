"""Writes on object storage are one upload of the final key: a reader listing the folder while a
write is under way sees nothing or the whole object, never a part or a temporary key."""

import gzip
import io
import json
import threading
import uuid
from datetime import datetime, timezone

import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from upath import UPath

from resources.datadir import data_path
from resources.lookups.journal import RequestJournal
from resources.lookups.landing import Landed, iter_landed, land, read_landed
from resources.lookups.ledger import RequestLedger
from social_assets.export.files import write_graphml
from social_assets.parquet import EDGE_SCHEMA, ensure_schema_files, write_snapshot

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _table(rows: int) -> pa.Table:
    return pa.Table.from_pylist(
        [{"platform": "twitter", "target_username": "jane", "username": f"user_{i:07d}",
          "bio": "x" * 200, "request_id": "r1", "fetched_at": NOW} for i in range(rows)],
        schema=EDGE_SCHEMA)


class Watched:
    """Wraps ``fs.pipe_file`` (every upload the project makes) so that, in the middle of each
    upload, the folder is listed and each object found is read whole: what a concurrent
    reader would see at that moment."""

    def __init__(self, fs, monkeypatch, folder: str):
        self.fs, self.folder, self.seen, self.uploads = fs, folder, [], []
        original = fs.pipe_file

        def pipe_file(path, value, **kwargs):
            self.uploads.append(path)
            self.seen.append(self._look())  # before the upload: what a reader sees
            original(path, value, **kwargs)
        monkeypatch.setattr(fs, "pipe_file", pipe_file)

    def _look(self) -> dict[str, int]:
        self.fs.invalidate_cache()
        found = self.fs.find(self.folder) if self.fs.exists(self.folder) else []
        return {path: len(self.fs.cat_file(path)) for path in found}


@pytest.fixture
def memory_root():
    root = data_path(f"memory://atomic-{uuid.uuid4().hex[:8]}/data", "$SOCIAL_DATA_DIR")
    yield root
    if root.fs.exists(root.path):  # the memory store lives as long as the process
        root.fs.rm(root.path, recursive=True)


def test_a_parquet_snapshot_appears_whole_and_no_temporary_key_is_ever_written(memory_root,
                                                                               monkeypatch):
    watched = Watched(memory_root.fs, monkeypatch, memory_root.path)
    first = memory_root / "raw" / "followers" / "twitter" / "jane" / "r1.parquet"
    second = memory_root / "raw" / "followers" / "twitter" / "jane" / "r2.parquet"
    write_snapshot(_table(1000), first)
    write_snapshot(_table(10), second)
    # Only the final keys were ever written; during the second upload a reader saw the
    # first object whole and no trace of the second.
    assert watched.uploads == [first.path, second.path]
    assert watched.seen[0] == {}
    assert list(watched.seen[1]) == [first.path]
    assert pq.read_table(io.BytesIO(first.read_bytes())).num_rows == 1000
    assert sorted(p.name for p in (memory_root / "raw").glob("**/*.parquet")) == [
        "r1.parquet", "r2.parquet"]


def test_schema_files_landing_records_and_exports_are_single_uploads(memory_root, monkeypatch):
    watched = Watched(memory_root.fs, monkeypatch, memory_root.path)
    made = ensure_schema_files(memory_root / "raw")
    record = Landed("req-1", "twitter/jane", {"interaction_type": "followers"}, NOW, "poll",
                    '{"status": "completed"}')
    landed = land(memory_root / "landing", record)
    assert land(memory_root / "landing", record) == landed  # first wins: no second upload
    graph = nx.MultiDiGraph()
    graph.add_edge("a", "b", type="follows")
    export = write_graphml(graph, memory_root / "exports" / "social_graph.graphml")
    assert watched.uploads == [p.path for p in made] + [landed.path, export.path]
    assert list(iter_landed(memory_root / "landing")) == [landed]
    assert read_landed(landed).body == record.body
    assert json.loads(gzip.decompress(landed.read_bytes()))["request_id"] == "req-1"
    assert nx.read_graphml(io.BytesIO(export.read_bytes())).number_of_edges() == 1


def test_a_reader_listing_the_bucket_during_writes_only_ever_reads_whole_files(s3):
    """Against moto over HTTP: a reader thread lists and reads every snapshot while 20 big
    ones are written; each file it ever found was complete (its row count, its footer)."""
    root = data_path(s3.url(), "$SOCIAL_DATA_DIR")
    folder = root / "raw" / "followers" / "twitter" / "jane"
    table = _table(20_000)  # a few MB each: the upload takes a while
    done, problems, reads = threading.Event(), [], [0]
    reader_root = UPath(s3.url(), use_listings_cache=False, skip_instance_cache=True)

    def reader():
        while not done.is_set():
            for key in (reader_root / "raw").glob("**/*.parquet"):
                try:
                    if pq.read_table(io.BytesIO(key.read_bytes())).num_rows != 20_000:
                        problems.append(f"{key}: a partial table")
                except FileNotFoundError:
                    continue
                except Exception as exc:  # noqa: BLE001 - a torn object is the failure looked for
                    problems.append(f"{key}: {type(exc).__name__}: {exc}")
                reads[0] += 1

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for number in range(20):
            write_snapshot(table, folder / f"r{number:02d}.parquet")
    finally:
        done.set()
        thread.join()
    assert problems == []
    assert reads[0] > 0
    keys = s3.keys("data/raw/")
    assert keys == [f"data/raw/followers/twitter/jane/r{n:02d}.parquet" for n in range(20)]


def test_the_journal_on_a_store_is_one_object_per_entry_and_reconciles(s3, tmp_path):
    root = data_path(s3.url(), "$SOCIAL_DATA_DIR")
    journal = RequestJournal.of(root)
    ledger = RequestLedger(f"sqlite:///{tmp_path}/ledger.sqlite")
    claims = {}
    for request_id, username in (("req-a", "jane"), ("req-b", "bob")):
        params = {"platform": "twitter", "interaction_type": "followers", "username": username,
                  "tweet_id": None, "max_results": 1000}
        claims[request_id] = ledger.acquire(target=f"twitter/{username}", params=params,
                                            run_id="run-1").entry
        journal.append(claims[request_id], request_id, "run-1")  # the ledger never heard
    assert s3.keys("data/request_journal/") == ["data/request_journal/req-a.json",
                                                "data/request_journal/req-b.json"]
    assert not (tmp_path / "s3:").exists()
    assert sorted(journal.reconcile(ledger)) == ["req-a", "req-b"]
    assert journal.reconcile(ledger) == []  # known now: nothing adopted again
    for request_id, claim in claims.items():
        [row] = ledger.find(request_id=request_id)
        assert (row.id, row.state) == (claim.id, "submitted")
