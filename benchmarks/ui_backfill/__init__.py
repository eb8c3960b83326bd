"""Overhead of a UI-style backfill of ``followers``/``following`` over N account partitions.

    .venv/bin/python -m benchmarks.ui_backfill [--sizes 500,1000] [--quick] [--repeat K]

For each N (and each repeat), two measurements against a fresh simulator with the same config:

* BASELINE, "the API's own time": the project's own lookup service (``open_lookups``: ledger,
  landing archive, submit + polls) doing the N ``followers,following`` lookups,
  ``max_concurrent_lookups`` (8) at a time, in a process of its own, no Dagster at all.
* PROJECT: ``social-graph dev --no-simulator`` (webserver + daemon, fresh ``DAGSTER_HOME``),
  the N partitions registered in the instance, then the GraphQL mutation
  ``launchPartitionBackfill`` exactly as the UI's "Materialize -> Launch backfill" sends it
  (``assetSelection`` + ``partitionNames`` + ``fromFailure: false`` + the ``dagster/from_ui``
  tag + ``runConfigData`` as YAML), timed from the mutation to the backfill's completion, with
  its phases read from stored timestamps (the run record, the run's event log, the backfill's
  own daemon log) and the simulator's request log.

The client's limiter and polling are scaled like the simulator (run config
``resources.nyne.config`` for the project, the same values for the baseline). The warehouse
sensor is stopped before the backfill (``--keep-warehouse-sensor`` leaves it on), so a dbt build
it would start after the collection run does not compete for the CPU while the backfill is
being completed. Prints one report (a markdown table, the fits, PASS/MISS, where the overhead
goes) and writes it to ``benchmarks/UI_BACKFILL.md``. Not part of the tests.
"""
