"""The adaptive refresh plan read back from the warehouse (the dbt models ``target_change_rates``
and ``refresh_plan`` compute it): which account targets are due, and the plan as the UI shows it."""

MONTHLY_CREDITS_ENV = "SOCIAL_MONTHLY_CREDITS"
"""The adaptive refresh plan's monthly credit budget: set, the adaptive refresh sensor replaces
the accounts' refresh cron (read by the code location, the dbt build, the sensor and the
expansion proposal)."""
