"""``social-graph expand``: the proposal printed from the warehouse, and ``--accept`` appending
rows to YAML and CSV target lists that the parser and the target list sensor then take up."""

import dagster as dg
import pytest

from resources.target_list import TargetListResource
from sensors.target_list import target_list_sensor
from social_assets.expansion.candidates import Candidate
from social_assets.expansion.target_file import AppendError, append_accepted
from social_assets.targets import parse_targets
from social_graph.cli.main import main
from tests.dagster.conftest import run_keys

YAML_LIST = ("# Our targets, hand-kept.\n"
             "targets:\n"
             "    - url: https://x.com/alice   # the first one\n"
             "    - platform: twitter\n"
             "      username: bob\n"
             "      collect: [followers]\n"
             "# the end (no newline after this)")
CSV_LIST = "# exported from the sheet\r\nurl,collect\r\nhttps://x.com/alice,\r\n"


@pytest.fixture
def warehouse(built, monkeypatch):
    monkeypatch.setenv("SOCIAL_DATA_DIR", str(built))
    for name in ("SOCIAL_WAREHOUSE", "SOCIAL_DBT_TARGET", "SOCIAL_EXPANSION_CREDITS",
                 "SOCIAL_REFRESH_CRON", "SOCIAL_STATE_DIR", "SOCIAL_MONTHLY_CREDITS"):
        monkeypatch.delenv(name, raising=False)
    return built


def expand(capsys, *args):
    code = main(["expand", *args])
    out, err = capsys.readouterr()
    return code, out, err


def keys(data: bytes, name: str) -> list[str]:
    parsed = parse_targets(data, name=name)
    assert not parsed.rejected
    return [t.partition_key for t in parsed.targets]


def test_the_proposal_is_printed_with_its_budget_and_nothing_is_written(warehouse, tmp_path,
                                                                        capsys):
    path = tmp_path / "targets.yaml"
    path.write_text(YAML_LIST)
    code, out, _ = expand(capsys, "--credits", "10", "--targets", str(path))
    assert code == 0
    lines = out.splitlines()
    assert lines[3].split()[:4] == ["1", "1", "tw_p1", "6"]
    assert [line.split()[2] for line in lines[3:6]] == ["tw_p1", "tw_x1", "tw_p2"]
    assert ("3 accounts proposed, 9 of 10 credits budgeted (budget: --credits); their "
            "refreshes on '0 6 * * 1' would add 38.4 credits a month") in out
    assert "nothing is collected until accepted" in out
    assert path.read_text() == YAML_LIST
    code, out, _ = expand(capsys, "--limit", "1", "--targets", str(path))
    assert "1 account proposed, 3 of 30 credits budgeted (budget: default)" in out


def test_accepted_rows_are_appended_to_a_yaml_list_below_its_bytes(warehouse, tmp_path, capsys):
    path = tmp_path / "targets.yaml"
    path.write_text(YAML_LIST)
    code, out, _ = expand(capsys, "--targets", str(path), "--accept", "1,tw_p2,@P1")
    assert code == 0
    data = path.read_bytes()
    assert data.startswith(YAML_LIST.encode() + b"\n")
    added = data[len(YAML_LIST) + 1:].decode().splitlines()
    assert added == [
        '    - {platform: twitter, username: "p1"}  # expansion #1 (accepted '
        f'{added[0].split("accepted ")[1][:10]}): score 6, followed by 3 targets, follows 0',
        '    - {platform: twitter, username: "p2"}  # expansion #3 (accepted '
        f'{added[1].split("accepted ")[1][:10]}): score 4, followed by 2 targets, follows 0']
    assert keys(data, str(path)) == ["tw_alice", "tw_bob", "tw_p1", "tw_p2"]
    assert f"appended 2 row(s) to {path}: tw_p1, tw_p2" in out
    assert "up to 6 credits" in out and "add 25.6 credits a month" in out

    # Accepted rows are listed now: the next proposal starts after them, never repeating one.
    code, out, _ = expand(capsys, "--targets", str(path), "--accept", "all", "--credits", "6")
    assert code == 0 and "appended 2 row(s)" in out and "tw_x1, tw_x2" in out
    assert keys(path.read_bytes(), str(path)) == ["tw_alice", "tw_bob", "tw_p1", "tw_p2",
                                                  "tw_x1", "tw_x2"]


@pytest.mark.parametrize("existing", [
    "targets:\n- url: https://x.com/alice\n",            # items at column 0
    "targets:\n  # - url: https://x.com/alice\n",        # every row commented out
    "# nothing yet\n",                                    # comments only
    "",                                                   # empty
])
def test_any_block_yaml_list_takes_the_rows_in_its_own_indentation(warehouse, tmp_path, capsys,
                                                                   existing):
    path = tmp_path / "targets.yml"
    path.write_text(existing)
    assert expand(capsys, "--targets", str(path), "--accept", "2")[0] == 0
    data = path.read_text()
    assert data.startswith(existing)
    assert keys(data.encode(), str(path))[-1] == "tw_x1"


def test_a_csv_list_takes_rows_in_its_columns_delimiter_and_line_ends(warehouse, tmp_path,
                                                                      capsys):
    path = tmp_path / "targets.csv"
    path.write_bytes(CSV_LIST.encode())
    assert expand(capsys, "--targets", str(path), "--accept", "1,5")[0] == 0
    data = path.read_bytes()
    assert data.startswith(CSV_LIST.encode())
    added = data[len(CSV_LIST):].decode().split("\r\n")
    assert added[1::2] == ["https://x.com/p1,", "https://www.instagram.com/ig_a/,"]
    assert len(added) == 5 and added[-1] == ""  # every line ends in the file's \r\n
    assert added[0].startswith("# expansion #1 (accepted ") and added[2].startswith(
        "# expansion #5 ")
    assert keys(data, str(path)) == ["tw_alice", "tw_p1", "ig_ig_a"]

    semi = tmp_path / "more.csv"
    semi.write_text("platform;username;collect\ntwitter;alice;followers")
    assert expand(capsys, "--targets", str(semi), "--accept", "tw_x1")[0] == 0
    assert semi.read_text().splitlines()[-1] == "twitter;x1;"
    assert keys(semi.read_bytes(), str(semi)) == ["tw_alice", "tw_x1"]


def test_a_missing_list_is_created(warehouse, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOCIAL_MONTHLY_CREDITS", "300")
    for name in ("new.yaml", "new.csv"):
        path = tmp_path / name
        code, out, _ = expand(capsys, "--targets", str(path), "--accept", "1")
        assert code == 0 and keys(path.read_bytes(), str(path)) == ["tw_p1"]
        assert "refreshes the accounts within 300 credits a month" in out


def test_a_row_already_listed_is_never_appended_twice(warehouse, tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text("targets:\n  - url: https://x.com/P1/\n")
    p1 = Candidate(1, "twitter", "p1", 6.0, 3, 0, 0, 0.2, None, None, False)
    x1 = Candidate(2, "twitter", "x1", 5.0, 1, 3, 1, 0.1, None, None, False)
    result = append_accepted(path, [p1, x1, x1], accepted_on="2026-12-04")
    assert [c.username for c in result.appended] == ["x1"]
    assert [c.username for c in result.already_listed] == ["p1"]
    before = path.read_bytes()
    again = append_accepted(path, [p1, x1], accepted_on="2026-12-04")
    assert again.appended == () and path.read_bytes() == before


@pytest.mark.parametrize("args, message", [
    (["--accept", "9"], "--accept '9': the proposal has rows 1 to 8"),
    (["--accept", "nobody"], "--accept 'nobody': no proposed account has that handle"),
    (["--accept", "tw_x3", "--credits", "6"], "tw_x3 is candidate #8 but outside this proposal"),
    (["--accept", "1,"], "expected all, row numbers"),
])
def test_a_bad_accept_value_is_named_and_nothing_written(warehouse, tmp_path, capsys, args,
                                                         message):
    path = tmp_path / "targets.yaml"
    path.write_text(YAML_LIST)
    code, _, err = expand(capsys, "--targets", str(path), "--credits", "30", *args)
    assert code == 2 and message in err
    assert path.read_text() == YAML_LIST


def test_a_flow_list_a_missing_warehouse_or_a_bad_budget_is_an_error(warehouse, tmp_path, capsys,
                                                                     monkeypatch):
    flow = tmp_path / "flow.yaml"
    flow.write_text("targets: [{url: https://x.com/alice}]\n")
    code, _, err = expand(capsys, "--targets", str(flow), "--accept", "1")
    assert code == 2 and "`targets` is a flow list" in err
    assert flow.read_text() == "targets: [{url: https://x.com/alice}]\n"

    monkeypatch.setenv("SOCIAL_EXPANSION_CREDITS", "lots")
    code, _, err = expand(capsys, "--targets", str(flow))
    assert code == 2 and "$SOCIAL_EXPANSION_CREDITS must be a whole number" in err
    with pytest.raises(SystemExit) as caught:
        main(["expand", "--credits", "ten"])
    assert caught.value.code == 2 and "--credits: expected a whole number" in capsys.readouterr().err

    monkeypatch.delenv("SOCIAL_EXPANSION_CREDITS")
    monkeypatch.setenv("SOCIAL_DATA_DIR", str(tmp_path / "nothing"))
    code, _, err = expand(capsys, "--targets", str(flow))
    assert code == 2 and "no DuckDB warehouse at" in err


def test_the_sensor_requests_runs_for_exactly_the_accepted_rows(warehouse, tmp_path, capsys):
    path = tmp_path / "targets.yaml"
    path.write_text(YAML_LIST)
    resource = TargetListResource(path=str(path))
    with dg.instance_for_test() as instance:
        first = target_list_sensor(dg.build_sensor_context(
            instance=instance, resources={"target_list": resource}))
        instance.add_dynamic_partitions("accounts", ["tw_alice", "tw_bob"])
        for key in ("tw_alice", "tw_bob"):  # the listed targets were collected
            for asset in ("followers", "following"):
                instance.report_runless_asset_event(
                    dg.AssetMaterialization(asset_key=asset, partition=key))
        assert expand(capsys, "--targets", str(path), "--accept", "2,4")[0] == 0
        result = target_list_sensor(dg.build_sensor_context(
            instance=instance, cursor=first.cursor, resources={"target_list": resource}))
    (add,) = result.dynamic_partitions_requests
    assert (add.partitions_def_name, add.partition_keys) == ("accounts", ["tw_x1", "tw_x2"])
    order = ["tw_alice", "tw_bob", "tw_x1", "tw_x2"]
    assert [run_keys(r, order) for r in result.run_requests] == [
        ("accounts_job", ("tw_x1", "tw_x2"))]
