"""Big and pathological files: a 10 MB list of junk is read in bounded memory with every good
row kept; files that no target list could be (millions of tiny rows, millions of YAML values)
are refused at their limit, naming it. How fast is ``make bench-parse``'s to measure
(benchmarks/target_parse.py): a time bound here would pass or fail with the machine's load."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from social_assets.targets import TargetListError, read_target_file
from tests.badinput.conftest import bad_lines, junk
from tests.badinput.hostile import GOOD_COLLECT

REPO = Path(__file__).resolve().parents[2]
# Run in a fresh interpreter so that its peak memory is the parse's alone (VmHWM, see
# benchmarks.target_parse.vm_hwm_mb).
MEASURE = """
import json, sys
from benchmarks.target_parse import vm_hwm_mb
from social_assets.targets import read_target_file

result = read_target_file(sys.argv[1])
print(json.dumps({
    "peak_mb": vm_hwm_mb(),
    "targets": {t.partition_key: [t.row, sorted(t.collect)] for t in result.targets},
    "rejected_rows": [r.row for r in result.rejected],
    "sample": [[r.row, str(r)] for r in result.rejected[:300] + result.rejected[-300:]],
}))
"""


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_a_10_mb_list_of_junk_keeps_every_good_row_in_bounded_memory(fmt, tmp_path):
    text, at = junk(fmt)
    path = tmp_path / f"targets.{fmt}"
    path.write_bytes(text.encode())
    assert 9_500_000 < path.stat().st_size <= 10 * 1024 * 1024
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=REPO, check=True,
                          capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout)
    assert report["peak_mb"] < 500, report["peak_mb"]
    assert {k: set(c) for k, (_, c) in report["targets"].items()} == GOOD_COLLECT
    bad = bad_lines(at)
    assert len(bad) > 100_000
    assert report["rejected_rows"] == sorted(bad)
    for row, message in report["sample"]:
        assert message.startswith(f"row {row} (") and bad[row].keyword in message


@pytest.mark.parametrize("name, row", [("targets.yaml", b"-\n"), ("targets.csv", b"x,y\n")],
                         ids=["yaml empty items", "csv records of two values"])
def test_millions_of_tiny_rows_are_refused_at_the_limit_naming_it(name, row, tmp_path):
    path = tmp_path / name
    header = b"targets:\n" if name.endswith(".yaml") else b"url\n"
    path.write_bytes(header + row * (10_000_000 // len(row)))
    with pytest.raises(TargetListError) as caught:
        read_target_file(path)
    assert str(caught.value).startswith(f"{path}: has more than 500,000 rows (the limit is "
                                        f"passed on line 500,002)")


def test_millions_of_yaml_values_in_few_rows_are_refused_at_the_limit(tmp_path):
    path = tmp_path / "targets.yaml"
    row = b"  - [" + b"a," * 200 + b"a]\n"
    path.write_bytes(b"targets:\n" + row * (10_000_000 // len(row)))
    with pytest.raises(TargetListError, match=r"has more than 3,000,000 YAML values and "
                                              r"collections \(the limit is passed on line [0-9,]+\)"):
        read_target_file(path)


def test_a_huge_row_keeps_only_what_its_checks_read(tmp_path):
    path = tmp_path / "targets.yaml"
    keys = "".join(f"k{i}: [{', '.join(['v'] * 200)}], " for i in range(2000))
    path.write_text(f"targets:\n  - url: x.com/janedoe\n  - {{{keys}url: x.com/nasa}}\n"
                    f"  - {{url: x.com/dagster_io, collect: [{', '.join(['followers'] * 100_000)}]}}\n")
    result = read_target_file(path)
    assert [t.partition_key for t in result.targets] == ["tw_janedoe"]
    huge, long_collect = result.rejected
    assert (huge.row, long_collect.row) == (3, 4)
    assert "unknown key 'k0'" in huge.reason and len(huge.text) <= 120
    assert "collect has more than 12 values" in long_collect.reason
