"""Opening a fresh ``$DAGSTER_HOME`` from several processes at once (two ``collect`` started
together): the first open creates the SQLite storage, and without the CLI's lock two creators
collide (``sqlite3.OperationalError: table secondary_indexes already exists``)."""

import threading

import sqlalchemy as sa

from social_graph.cli.instance import open_instance


def test_several_openers_of_a_fresh_instance_all_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    openers = 6
    start, errors, opened = threading.Barrier(openers), [], []
    # The collision, forced: every opener that reaches the storage's CREATE TABLEs waits there
    # for all the others. Under the lock only one gets there at a time, so the wait gives up
    # (the barrier breaks, after 3 s) and each goes on alone.
    creating = threading.Barrier(openers, timeout=3)
    create_all = sa.MetaData.create_all

    def create_all_together(self, *args, **kwargs):
        try:
            creating.wait()
        except threading.BrokenBarrierError:
            pass
        return create_all(self, *args, **kwargs)

    monkeypatch.setattr(sa.MetaData, "create_all", create_all_together)

    def one() -> None:
        start.wait()  # all at once, on a home that has no storage yet
        try:
            instance = open_instance()
            opened.append(instance.get_runs_count())
            instance.dispose()
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(openers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == [] and opened == [0] * openers
