"""Wall time and peak memory of one command, measured from a process of its own.

``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` is the peak RSS of the largest child (and of
the grandchildren it waited for) a process ever had, so measuring two commands from one parent
would report the larger of the two for the second. ``measured`` therefore runs
``python -m benchmarks.measure -- <command>``, a fresh process whose only child is the command.
"""

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    wall_s: float
    peak_rss_mb: float
    returncode: int
    log: Path


def measured(command: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> Measurement:
    """Run ``command`` (stdout and stderr to ``log``) and measure it."""
    wrapper = [sys.executable, "-m", "benchmarks.measure", str(log), "--", *command]
    project = str(Path(__file__).resolve().parents[1])
    env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [project, env.get("PYTHONPATH")]))}
    done = subprocess.run(wrapper, env=env, cwd=cwd, check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return Measurement(wall_s=result["wall_s"], peak_rss_mb=result["peak_rss_kb"] / 1024,
                       returncode=result["returncode"], log=log)


def main(argv: list[str]) -> None:
    log, separator, *command = argv
    assert separator == "--", "usage: python -m benchmarks.measure LOG -- COMMAND..."
    Path(log).parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as output:
        start = time.perf_counter()
        returncode = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT).returncode
        wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({"wall_s": wall, "peak_rss_kb": peak_kb, "returncode": returncode}))


if __name__ == "__main__":
    main(sys.argv[1:])
