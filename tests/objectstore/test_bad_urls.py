"""A data dir URL that cannot work is refused by name, with what to do, before anything is paid."""

import pytest

from resources.datadir import check_reachable, data_path
from resources.settings import Settings
from resources.storage import SocialStorage
from simulator import SimulatorConfig, SimulatorServer
from social_graph.cli.main import main
from tests.dagster.conftest import submits
from tests.objectstore.conftest import SECRET_KEY

LOCAL = {"SOCIAL_LEDGER_URL": "sqlite:////tmp/never-opened.sqlite",
         "SOCIAL_STATE_DIR": "/tmp/never-written"}


def _refused(url: str, **env) -> str:
    with pytest.raises(ValueError) as caught:
        Settings.resolve(environ={"SOCIAL_DATA_DIR": url, **LOCAL, **env})
    return str(caught.value)


def test_an_unknown_scheme_is_named():
    message = _refused("nosuch://bucket/data")
    assert "$SOCIAL_DATA_DIR is 'nosuch://bucket/data'" in message
    assert "unknown protocol 'nosuch'" in message


def test_a_protocol_whose_package_is_not_installed_says_so():
    message = _refused("gs://bucket/data")
    assert "$SOCIAL_DATA_DIR" in message and "'gs' protocol is not installed" in message
    assert "gcsfs" in message  # fsspec's own hint: which package


def test_credentials_in_the_url_are_refused_and_never_repeated():
    message = _refused(f"s3://AKIAEXAMPLE:{SECRET_KEY}@bucket/data")
    assert "credentials in it" in message and "AWS_ACCESS_KEY_ID" in message
    assert SECRET_KEY not in message and "AKIAEXAMPLE" not in message
    assert "s3://***@bucket/data" in message


def test_a_query_string_is_refused_without_showing_it():
    message = _refused("s3://bucket/data?X-Amz-Signature=abcdef0123")
    assert "query string" in message and "abcdef0123" not in message


def test_the_config_key_is_named_when_the_url_comes_from_config():
    with pytest.raises(ValueError, match=r"^the data dir is 'nosuch://b/p'"):
        SocialStorage(data_dir="nosuch://b/p", state_dir="/tmp/x").settings()


def test_a_url_data_dir_needs_a_ledger_url_and_a_local_state_folder():
    message = _refused("s3://bucket/data", SOCIAL_LEDGER_URL="")
    assert "set $SOCIAL_LEDGER_URL" in message and "SQLite ledger cannot live" in message
    message = _refused("s3://bucket/data", SOCIAL_STATE_DIR="")
    assert "set $SOCIAL_STATE_DIR" in message and "$SOCIAL_WAREHOUSE" in message
    # Either local path gives the other: the warehouse's folder is the state folder ...
    settings = Settings.resolve(environ={"SOCIAL_DATA_DIR": "s3://bucket/data",
                                         "SOCIAL_LEDGER_URL": "postgresql://h/db",
                                         "SOCIAL_WAREHOUSE": "/tmp/w/warehouse.duckdb"})
    assert str(settings.dbt_build_dir) == "/tmp/w/dbt_build/duckdb"
    # ... and the warehouse defaults into the state folder; nothing is named "s3:".
    settings = Settings.resolve(environ={"SOCIAL_DATA_DIR": "s3://bucket/data", **LOCAL})
    assert str(settings.warehouse_path) == "/tmp/never-written/warehouse.duckdb"
    assert str(settings.data_dir) == "s3://bucket/data"
    assert settings.dbt_vars()["data_filesystems"] == [{"fs": "s3"}]


def test_the_warehouse_and_the_state_folder_must_be_local():
    message = _refused("s3://bucket/data", SOCIAL_WAREHOUSE="s3://bucket/w.duckdb")
    assert "$SOCIAL_WAREHOUSE is 's3://bucket/w.duckdb'" in message and "local path" in message
    message = _refused("s3://bucket/data", SOCIAL_STATE_DIR="s3://bucket/state")
    assert "$SOCIAL_STATE_DIR is 's3://bucket/state'" in message


def test_a_file_url_is_the_local_folder(tmp_path):
    settings = Settings.resolve(environ={"SOCIAL_DATA_DIR": f"file://{tmp_path}/data"})
    assert settings.data_dir == tmp_path / "data"
    assert settings.ledger_url == f"sqlite:///{tmp_path}/data/ledger.sqlite"


def test_a_missing_bucket_is_named_with_what_to_do(s3):
    root = data_path(f"s3://{s3.name}-missing/data", "$SOCIAL_DATA_DIR")
    with pytest.raises(ValueError) as caught:
        check_reachable(root, "$SOCIAL_DATA_DIR")
    message = str(caught.value)
    assert f"bucket '{s3.name}-missing' does not exist" in message and "create it" in message
    assert s3.proxy.url in message  # the endpoint asked


def test_missing_credentials_are_said(s3, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(ValueError, match=r"no credentials for s3:// \(NoCredentialsError\)"):
        check_reachable(data_path(s3.url(), "$SOCIAL_DATA_DIR"), "$SOCIAL_DATA_DIR")


def test_an_unreachable_endpoint_is_named_and_no_secret_shown(s3):
    s3.proxy.down()
    with pytest.raises(ValueError) as caught:
        check_reachable(data_path(s3.url(), "$SOCIAL_DATA_DIR"), "$SOCIAL_DATA_DIR")
    message = str(caught.value)
    assert f"the store at {s3.proxy.url} cannot be reached" in message
    assert "AWS_ENDPOINT_URL" in message and SECRET_KEY not in message


def test_collect_refuses_a_missing_bucket_before_any_api_call(s3, tmp_path, monkeypatch,
                                                               capsys):
    with SimulatorServer(SimulatorConfig(time_scale=0.01), port=0) as sim:
        monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("SOCIAL_DATA_DIR", f"s3://{s3.name}-gone/data")
        monkeypatch.setenv("SOCIAL_LEDGER_URL", f"sqlite:///{tmp_path}/ledger.sqlite")
        monkeypatch.setenv("SOCIAL_STATE_DIR", str(tmp_path / "state"))
        monkeypatch.setenv("NYNE_BASE_URL", sim.url)
        monkeypatch.setenv("NYNE_API_KEY", sim.config.api_key)
        monkeypatch.setenv("NYNE_API_SECRET", sim.config.api_secret)
        targets = tmp_path / "targets.yaml"
        targets.write_text("targets:\n  - url: https://x.com/janedoe\n")
        assert main(["collect", "--targets", str(targets)]) == 2
        err = capsys.readouterr().err
        assert f"error: $SOCIAL_DATA_DIR is 's3://{s3.name}-gone/data'" in err
        assert "does not exist" in err
        assert submits(sim) == [] and sim.credits_used == 0
