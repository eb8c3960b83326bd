"""``social-graph collect --with-simulator`` on hostile lists, end to end, on one instance and one
data folder: the hostile YAML list (every good target collected once), then its CSV form (the
same targets: nothing collected twice), then a 10 MB list of junk with ``--refresh`` (a new
snapshot of each good target). Every run exits 0, names every rejected row with its line and
reason, and writes nothing outside $SOCIAL_DATA_DIR and $DAGSTER_HOME."""
import contextlib
import io
import os
import unicodedata
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from social_graph.cli.main import main
from tests.badinput.conftest import bad_lines, junk, rejection_lines, set_cli_env, tree, write_hostile
from tests.badinput.hostile import POST

ARGS = ["--with-simulator", "--sim-time-scale", "0.01", "--no-warehouse"]
RUNS = ["yaml", "csv", "10 MB"]
# (asset, platform, target folder) of the snapshot each good target must produce, once a run.
EXPECTED_SNAPSHOTS = {(asset, platform, handle) for asset in ("followers", "following")
                      for platform, handle in (("twitter", "janedoe"), ("twitter", "dagster_io"),
                                               ("instagram", "natgeo"), ("instagram", "jane.doe"))}
EXPECTED_SNAPSHOTS.add(("repliers", "twitter", POST))


def _snapshots(data: Path) -> Counter:
    found = Counter()
    for path in (data / "raw").glob("*/*/*/*.parquet"):
        if path.parts[-4] == "snapshots":  # the manifest: one file per request, not an asset
            continue
        asset, platform, target = path.parts[-4], path.parts[-3], path.parts[-2]
        found[asset, platform, target] += 1
        pq.ParquetFile(path).read()  # a complete, readable file (a torn one raises here)
    return found


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The three collects, in order: ``{run: (exit code, stdout, stderr, lines, snapshots,
    tree outside before, tree outside after)}`` and the folders."""
    root = tmp_path_factory.mktemp("collect")
    lists = root / "lists"
    yaml_path, yaml_at = write_hostile(lists, "yaml")
    csv_path, csv_at = write_hostile(lists, "csv")
    big_path = lists / "junk.yaml"
    big_text, big_at = junk("yaml")
    big_path.write_bytes(big_text.encode())
    plan = {"yaml": (yaml_path, yaml_at, []), "csv": (csv_path, csv_at, []),
            "10 MB": (big_path, big_at, ["--refresh"])}
    results = {}
    with pytest.MonkeyPatch.context() as patch:
        data, home, cwd = set_cli_env(patch, root)
        for run, (path, at, extra) in plan.items():
            before = tree(root, skip=(data, home))
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["collect", "--targets", str(path), *ARGS, *extra])
            results[run] = (code, out.getvalue(), err.getvalue(), at, _snapshots(data), before,
                            tree(root, skip=(data, home)))
    return results, data, home, cwd


def test_collect_on_a_hostile_list_collects_every_good_target_once(runs):
    results, *_ = runs
    code, out, err, _, snapshots, *_ = results["yaml"]
    # Rejected rows are reported, not failures: every good target was collected, so exit 0.
    assert code == 0, err
    assert snapshots == Counter(EXPECTED_SNAPSHOTS)  # each once: merged rows, one lookup
    assert "targets: 5 (4 accounts, 1 posts); 5 needed a lookup" in out
    assert "credits: 15 (5 lookups)" in out and "failures: 0" in out


def test_collect_on_the_same_targets_written_as_csv_collects_nothing_twice(runs):
    results, *_ = runs
    code, out, err, _, snapshots, *_ = results["csv"]
    assert code == 0, err
    assert "nothing to collect: every target is already materialized" in out
    assert snapshots == Counter(EXPECTED_SNAPSHOTS)


def test_collect_refresh_on_a_10_mb_list_of_junk_snapshots_each_good_target_again(runs):
    results, *_ = runs
    code, out, err, _, snapshots, *_ = results["10 MB"]
    assert code == 0, err
    assert snapshots == Counter({key: 2 for key in EXPECTED_SNAPSHOTS})
    assert "targets: 5 (4 accounts, 1 posts); 5 needed a lookup" in out


@pytest.mark.parametrize("run", RUNS)
def test_collect_names_every_rejected_row_with_its_line_and_reason(run, runs):
    results, *_ = runs
    _, out, _, at, *_ = results[run]
    bad = bad_lines(at)
    assert f"rejected rows: {len(bad)}\n" in out
    reported = rejection_lines(out, "  ")
    assert sorted(reported) == sorted(bad)
    for line, case in bad.items():
        assert case.keyword in reported[line], (case.name, reported[line])


@pytest.mark.parametrize("run", RUNS)
def test_collect_writes_nothing_outside_the_data_folder_and_the_instance(run, runs):
    results, data, home, cwd = runs
    *_, before, after = results[run]
    assert after == before
    assert list(cwd.iterdir()) == []
    for root in (data, home):
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                path = Path(dirpath) / name
                assert not path.is_symlink(), path
                assert path.resolve().is_relative_to(root.resolve()), path
                assert ".." not in name.split("=", 1)[-1] and "\\" not in name, path
                assert not any(unicodedata.category(c).startswith("C") for c in name), repr(name)
