"""Helpers of the target row tests: one row written as YAML or CSV, parsed back."""
import csv
import io

import yaml

from social_assets.targets import Target, parse_partition_key, parse_targets


def parse_row(row: dict, fmt: str = "yaml"):
    """The one Target or RejectedRow of a file holding just ``row``, written as ``fmt``."""
    if fmt == "yaml":
        text = yaml.safe_dump({"targets": [row]}, allow_unicode=True)
        result = parse_targets(text, name="targets.yaml")
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(row.keys())
        writer.writerow(["|".join(v) if isinstance(v, list) else v for v in row.values()])
        result = parse_targets(out.getvalue(), name="targets.csv")
    items = [*result.targets, *result.rejected]
    assert len(items) == 1, items
    return items[0]


def parse_yaml_row(row_text: str):
    """The one result of a YAML list whose single item is ``row_text`` written verbatim."""
    result = parse_targets(f"targets:\n  - {row_text}\n", name="targets.yaml")
    items = [*result.targets, *result.rejected]
    assert len(items) == 1, items
    return items[0]


def assert_round_trip(target: Target) -> None:
    expected = target.tweet_id if target.kind == "post" else target.username
    assert parse_partition_key(target.partitions_def_name, target.partition_key) == (
        target.platform, expected)
