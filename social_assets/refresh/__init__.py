"""The adaptive refresh plan read back from the warehouse (the dbt models ``target_change_rates``
and ``refresh_plan`` compute it): which account targets are due, and the plan as the UI shows it."""
