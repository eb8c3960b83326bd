"""``dbt`` on the project for the month: every output (warehouse, target/, logs/) under one
work dir, so a month never touches the repository's own warehouse and two can run at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
DBT_DIR = PROJECT / "dbt"


def plan_vars(monthly_credits: int, floor_days: float = 1.0,
              ceiling_days: float = 30.0) -> dict[str, Any]:
    """The refresh plan's dbt vars."""
    return {"monthly_credits": int(monthly_credits), "refresh_floor_days": float(floor_days),
            "refresh_ceiling_days": float(ceiling_days)}


def dbt(args: list[str], work_dir: Path, dbt_vars: dict[str, Any]) -> str:
    """``dbt <args> --vars <dbt_vars>`` reading ``work_dir``'s Parquet and writing
    ``work_dir/warehouse.duckdb``; its output, or RuntimeError with the end of it."""
    work_dir = Path(work_dir).resolve()
    executable = Path(sys.executable).with_name("dbt")
    env = {**os.environ, "SOCIAL_DATA_DIR": str(work_dir),
           "SOCIAL_WAREHOUSE": str(work_dir / "warehouse.duckdb"), "DBT_TARGET": "duckdb",
           "DBT_TARGET_PATH": str(work_dir / "dbt_target"),
           "DBT_LOG_PATH": str(work_dir / "dbt_logs"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_USE_COLORS": "false"}
    command = [str(executable), *args, "--vars", json.dumps(dbt_vars), "--project-dir",
               str(DBT_DIR), "--profiles-dir", str(DBT_DIR), "--target", "duckdb"]
    done = subprocess.run(command, cwd=DBT_DIR, env=env, capture_output=True, text=True,
                          timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed (exit {done.returncode}):\n"
                           f"{(done.stdout + done.stderr)[-4000:]}")
    return done.stdout
