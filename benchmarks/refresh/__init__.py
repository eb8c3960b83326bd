"""``make bench-refresh``: refresh that follows change, measured over a simulated month.

    .venv/bin/python -m benchmarks.refresh [--no-write]

A simulator world whose 12 account targets churn at very different rates (``world``: a few
fast movers, many quiet accounts, through the simulator's ``churn_rates``), a month of 30 days
(day d = world epoch d). Both policies take one snapshot of every target on day 0; then
(``month``):

* weekly: the fixed cron, every target on days 0, 7, 14, 21 and 28;
* adaptive: each day, the refresh plan built from the snapshots so far (dbt models
  ``target_change_rates`` -> ``refresh_plan``, ``monthly_credits`` = what the weekly cron
  spends) says which targets are due (``sensors.adaptive_refresh.due_partitions``).

Detected changes are what ``follower_changes`` reports: gained + lost between consecutive
snapshots of a target, the first snapshot excluded. The benchmark (``full``) runs the whole
path: the simulator over HTTP, lookups through ``resources.lookups``, Parquet written by
``social_assets``, an incremental ``dbt build`` on DuckDB per simulated day, the plan read
from the warehouse, credits from the simulator's ledger. The test
(``tests/benchmarks/test_refresh_month.py``) runs the same month in seconds (``fast``): the
lists read from the World in-process, the plan by the models' compiled SQL on DuckDB.
Writes the "Refresh" section of ``benchmarks/RESULTS.md`` (``report``).
"""
