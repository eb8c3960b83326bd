"""Data tests of incremental models read the rows written since they last passed
(dbt/macros/tests/scope.sql): the cost of a build's tests follows the new snapshot, and the
verdict on the whole table stays the same."""

from datetime import datetime, timedelta, timezone

import duckdb

from .conftest import query, run_dbt, write_edge_snapshot

T0 = datetime(2024, 6, 1, 9, 0, tzinfo=timezone.utc)
UNIQUE_FCT_FOLLOWS = "unique_combination_of_columns_fct_follows"


def _execute(data_dir, sql: str) -> None:
    with duckdb.connect(str(data_dir / "warehouse.duckdb")) as con:
        con.execute(sql)


def _failed_tests(result) -> list[str]:
    """The names of the tests dbt reports as failed ("Failure in test <name> (<file>)")."""
    return [line.split("Failure in test ", 1)[1].split(" ", 1)[0]
            for line in result.stdout.splitlines() if "Failure in test " in line]


def _compiled_test_sql(data_dir, name_part: str) -> str:
    found = sorted((data_dir / "dbt_target" / "compiled").rglob(f"*{name_part}*.sql"))
    assert found, f"no compiled test matching {name_part}"
    return found[0].read_text()


def test_a_test_reads_the_rows_written_since_it_passed_and_keeps_failing_until_fixed(data_dir):
    write_edge_snapshot(data_dir, "followers", "twitter", "alice", ["bob", "carol"], T0, "r1")
    write_edge_snapshot(data_dir, "following", "twitter", "bob", ["alice", "dave"], T0, "r2")
    run_dbt(["build"], data_dir)

    recorded = query(data_dir, "select test_id, passed_at from dbt_test_watermarks")
    tests = {test_id for test_id, _ in recorded}
    assert any(UNIQUE_FCT_FOLLOWS in t for t in tests)
    assert any("not_null_columns_stg_nyne__followers" in t for t in tests)
    built = query(data_dir, "select distinct built_at from fct_follows")
    assert len(built) == 1 and {at for _, at in recorded} == {built[0][0]}

    # A row the tests already passed on (written before their watermark), broken behind dbt's
    # back, is not read again ...
    _execute(data_dir, "update fct_follows set first_seen_at = null "
                       "where follower_username = 'carol'")
    # ... while rows written after it are: one with a NULL, one repeating an old row's key
    # (the scoped unique test counts a new row's key over the whole table).
    _execute(data_dir, """
        insert into fct_follows
        select * replace ('zed' as follower_username, null as first_seen_at,
                          built_at + interval 1 second as built_at)
        from fct_follows where follower_username = 'bob' and followed_username = 'alice';
        insert into fct_follows
        select * replace (built_at + interval 1 second as built_at)
        from fct_follows where follower_username = 'bob' and followed_username = 'alice'
            and built_at = (select min(built_at) from fct_follows)""")
    for _ in range(2):  # a failed test records no pass: its next run reads the same rows
        result = run_dbt(["test", "--select", "fct_follows"], data_dir, check=False)
        assert result.returncode == 1
        failed = _failed_tests(result)
        assert any(name.startswith("not_null_columns_fct_follows") for name in failed), failed
        assert any(name.startswith(UNIQUE_FCT_FOLLOWS) for name in failed), failed
    assert "dbt_test_watermarks" in _compiled_test_sql(data_dir, "not_null_columns_fct_follows")

    _execute(data_dir, "delete from fct_follows where built_at > (select min(built_at) "
                       "from fct_follows)")
    run_dbt(["test", "--select", "fct_follows"], data_dir)  # carol's row is not read again


def test_an_incremental_build_tests_the_new_rows_and_a_full_refresh_every_row(data_dir):
    write_edge_snapshot(data_dir, "followers", "twitter", "alice", ["bob", "carol"], T0, "r1")
    run_dbt(["build"], data_dir)
    first = query(data_dir, "select max(passed_at) from dbt_test_watermarks")[0][0]

    write_edge_snapshot(data_dir, "followers", "twitter", "erin", ["bob", "frank"],
                        T0 + timedelta(days=1), "r2")
    run_dbt(["build"], data_dir)
    builds = query(data_dir, "select built_at, count(*) from fct_follows group by 1 order by 1")
    assert [n for _, n in builds] == [2, 2]  # alice's edges kept, erin's new
    second = query(data_dir, "select min(passed_at) from dbt_test_watermarks "
                             f"where test_id like '%{UNIQUE_FCT_FOLLOWS}%'")[0][0]
    assert second > first

    # A broken old row that no scoped test reads again is found by a full refresh, which
    # rewrites (and so re-tests) every row: here it rebuilds the row from the snapshots.
    _execute(data_dir, "update fct_follows set snapshot_count = null "
                       "where followed_username = 'alice' and follower_username = 'bob'")
    run_dbt(["build", "--full-refresh"], data_dir)
    assert query(data_dir, "select count(distinct built_at), count(*) from fct_follows") == [
        (1, 4)]
    assert query(data_dir, "select snapshot_count from fct_follows "
                           "where followed_username = 'alice' and follower_username = 'bob'"
                 ) == [(1,)]
