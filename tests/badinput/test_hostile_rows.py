"""The hostile list parsed: every malformed row rejected with its line and what is wrong with it,
every good row kept, duplicates merged, in YAML and in CSV."""
import re

import pytest

from social_assets.targets import TargetList
from tests.badinput.conftest import bad_lines, hostile, parsed
from tests.badinput.hostile import BAD, GOOD, GOOD_COLLECT

# Partition keys name folders (target=<handle>) and are split on by Dagster's UI.
SAFE_KEY = re.compile(r"[a-z0-9][a-z0-9_.-]{0,62}")
ROWS = [(fmt, case) for fmt in ("yaml", "csv") for case in BAD if fmt == "yaml" or not case.yaml_only]


def test_the_hostile_list_has_at_least_fifty_distinct_malformed_rows_in_each_format():
    for fmt in ("yaml", "csv"):
        names = {case.name for case in bad_lines(hostile(fmt)[1]).values()}
        assert len(names) >= 50, (fmt, len(names))


@pytest.mark.parametrize("fmt, case", ROWS, ids=[f"{fmt}: {case.name}" for fmt, case in ROWS])
def test_a_malformed_row_is_rejected_naming_its_line_and_what_is_wrong(fmt, case):
    line = next(n for n, c in hostile(fmt)[1].items() if c is case)
    rejected = {r.row: r for r in parsed(fmt).rejected}
    assert line in rejected, f"{case.name} on line {line} was not rejected"
    rejection = rejected[line]
    assert case.keyword in rejection.reason
    assert str(rejection).startswith(f"row {line} (")
    # However long or strange the input, the message stays one short, printable line.
    assert len(str(rejection)) < 400 and str(rejection).isprintable()


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_every_good_row_survives_the_bad_ones_and_each_target_is_listed_once(fmt):
    result: TargetList = parsed(fmt)
    at = hostile(fmt)[1]
    assert {t.partition_key: set(t.collect) for t in result.targets} == GOOD_COLLECT
    # Each target keeps the line of its first spelling; later spellings are merged into it.
    first = {}
    for line, case in sorted(at.items()):
        if case in GOOD:
            first.setdefault(case.keyword, line)
    assert {t.partition_key: t.row for t in result.targets} == first
    # Nothing else was accepted, and nothing was lost silently: every other row is rejected.
    assert sorted(r.row for r in result.rejected) == sorted(bad_lines(at))


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_the_partition_keys_of_a_hostile_list_are_safe_folder_names(fmt):
    for target in parsed(fmt).targets:
        key = target.partition_key
        assert SAFE_KEY.fullmatch(key) and ".." not in key, key
        assert (target.username or target.tweet_id).isascii()
