"""Whole target list files: YAML and CSV layouts, row numbers, duplicates, and files that are
unusable as a whole (TargetListError naming the file) versus files with some bad rows."""
import os

import pytest

from social_assets.targets import (RejectedRow, TargetList, TargetListError, parse_targets,
                                   read_target_file)

MIXED_YAML = """\
# accounts and posts to collect
targets:
  - url: https://x.com/JaneDoe
  - platform: instagram
    username: jane.doe
    collect: [following]

  - url: https://facebook.com/janedoe   # line 8: the bad row
  - platform: x
    tweet_id: 1790000000000000001
  - https://twitter.com/bob_smith
"""

MIXED_CSV = """\
url,platform,username,tweet_id,collect
https://x.com/JaneDoe,,,,
,instagram,jane.doe,,following

# comment line, skipped
https://facebook.com/janedoe,,,,
,x,,1790000000000000001,replies
https://twitter.com/bob_smith,,,,"followers,following"
"""


@pytest.mark.parametrize("text, name, bad_row", [
    (MIXED_YAML, "targets.yaml", 8), (MIXED_CSV, "targets.csv", 6),
], ids=["yaml", "csv"])
def test_one_bad_row_in_the_middle_keeps_every_good_row(text, name, bad_row):
    result = parse_targets(text, name=name)
    assert [t.partition_key for t in result.targets] == [
        "tw_janedoe", "ig_jane.doe", "tw_1790000000000000001", "tw_bob_smith"]
    assert [t.collect for t in result.targets] == [
        {"followers", "following"}, {"following"}, {"replies"}, {"followers", "following"}]
    assert result.rejected == (RejectedRow(
        bad_row, "https://facebook.com/janedoe",
        "unknown host 'facebook.com': expected twitter.com, x.com or instagram.com"),)
    assert str(result.rejected[0]).startswith(f"row {bad_row} (https://facebook.com/janedoe): ")


@pytest.mark.parametrize("text, name, rows", [
    (MIXED_YAML, "targets.yaml", [3, 4, 8, 9, 11]),
    (MIXED_CSV, "targets.csv", [2, 3, 6, 7, 8]),
    ("url\n\n\nx.com/a\n\"x.com/\nb\"\nx.com/c\n", "targets.csv", [4, 5, 7]),
    ("targets: [{url: x.com/a}, x.com/b]\n", "targets.yaml", [1, 1]),
], ids=["yaml lines", "csv lines", "csv multi-line record", "yaml flow list shares a line"])
def test_row_numbers_are_the_lines_an_editor_shows(text, name, rows):
    result = parse_targets(text, name=name)
    assert sorted([t.row for t in result.targets] + [r.row for r in result.rejected]) == rows


def test_duplicates_are_merged_into_the_first_row_with_collect_united():
    result = parse_targets("""\
targets:
  - {url: "https://x.com/JaneDoe", collect: followers}
  - {platform: twitter, username: "@janedoe", collect: following}
  - {url: "https://x.com/janedoe/status/1234567890"}
  - {url: "https://x.com/i/web/status/1234567890"}
  - {platform: twitter, username: "1234567890"}
""")
    jane, post, digits = result.targets
    assert (jane.row, jane.source, jane.collect) == (2, "https://x.com/JaneDoe", {"followers", "following"})
    assert (post.row, post.username, post.partition_key) == (4, "janedoe", "tw_1234567890")
    assert (digits.kind, digits.partition_key) == ("account", "tw_1234567890")
    assert result.rejected == ()


def test_accounts_posts_and_by_key_split_the_targets():
    result = parse_targets(MIXED_YAML)
    assert [t.partition_key for t in result.accounts()] == ["tw_janedoe", "ig_jane.doe", "tw_bob_smith"]
    assert [t.partition_key for t in result.posts()] == ["tw_1790000000000000001"]
    assert list(result.by_key("accounts")) == ["tw_janedoe", "ig_jane.doe", "tw_bob_smith"]
    assert result.by_key("posts")["tw_1790000000000000001"].tweet_id == "1790000000000000001"
    with pytest.raises(ValueError, match="unknown partitions definition 'users'"):
        result.by_key("users")


@pytest.mark.parametrize("data, name", [
    (b"", "targets.yaml"), ("   \n\n", "targets.yaml"), ("# nothing yet\n", "targets.yaml"),
    ("targets: []\n", "targets.yaml"), ("targets:\n#  - url: https://x.com/janedoe\n", "targets.yaml"),
    ("---\n", "targets.yaml"), (b"", "targets.csv"), ("url,collect\n", "targets.csv"),
    ("\ufeff", "targets.csv"),
], ids=["empty bytes", "blank lines", "only a comment", "targets: []", "targets commented out",
        "empty document", "empty csv", "csv header only", "only a BOM"])
def test_empty_file_or_empty_targets_is_an_empty_list_not_an_error(data, name):
    assert parse_targets(data, name=name) == TargetList(targets=(), rejected=())


@pytest.mark.parametrize("data, name, reason", [
    ("- url: https://x.com/janedoe\n", "targets.yaml", "is a YAML list, expected a mapping with a `targets:` list"),
    ("https://x.com/janedoe\n", "targets.yaml", "is a single YAML value ('https://x.com/janedoe')"),
    ("targets:\n  url: https://x.com/janedoe\n", "targets.yaml", "`targets` is a mapping, expected a list"),
    ("targets: https://x.com/janedoe\n", "targets.yaml", "`targets` is the value 'https://x.com/janedoe'"),
    ("accounts:\n  - url: https://x.com/janedoe\n", "targets.yaml", "unknown top-level key 'accounts'"),
    ("taregts:\n  - url: x.com/a\n", "targets.yaml", "(did you mean 'targets'?)"),
    ("{}\n", "targets.yaml", "has no `targets:` key"),
    ("targets: []\ntargets: []\n", "targets.yaml", "has `targets:` twice"),
    ("targets:\n  - url: [x.com/a\n", "targets.yaml", "is not valid YAML ("),
    ("targets:\n- url: x.com/a\n\tcollect: followers\n", "targets.yaml", "is not valid YAML ("),
    ("targets: []\n---\ntargets: []\n", "targets.yaml", "more than one YAML document"),
    ("targets:\n  - *nowhere\n", "targets.yaml", "alias *nowhere"),
    ("targets: " + "[" * 20000, "targets.yaml", "nested more than 64 levels deep"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "targets.yaml", "binary file"),
    (bytes(range(256)) * 4, "targets.yaml", "binary file"),
    (b"\xd3\x8f\xa0\x9c\xfe\xff\x81\x13" * 64, "targets.csv", "is not UTF-8 text: byte 0xa0 on line 1"),
    (b"targets:\n  - url: x.com/jan\xe9\n", "targets.yaml", "is not UTF-8 text: byte 0xe9 on line 2"),
    ("targets: []".encode("utf-16"), "targets.yaml", "is UTF-16 text; save it as UTF-8"),
    ("targets:\n  - url: x.com/a\x07\n", "targets.yaml", "control character '\\u0007' (U+0007 control character)"),
    ("username,collect\njanedoe,followers\n", "targets.csv", "has neither a url nor a platform column"),
    ("https://x.com/janedoe,followers\n", "targets.csv", "CSV has no header row: its first line"),
    ("url,colect\nx.com/a,followers\n", "targets.csv", "unknown column 'colect' (did you mean 'collect'?)"),
    ("url,URL\nx.com/a,x.com/b\n", "targets.csv", "column 'url' twice"),
    ('url\n"x.com/a\n', "targets.csv", "is not valid CSV"),
], ids=["yaml list", "yaml scalar", "targets is a mapping", "targets is a scalar",
        "unknown top-level key", "misspelt targets", "empty mapping", "targets twice",
        "yaml syntax error", "tab indentation", "two documents", "undefined alias",
        "deep unclosed nesting", "png image", "binary garbage", "random bytes", "latin-1 byte",
        "utf-16", "control character", "csv header lacks url and platform", "csv without header",
        "csv unknown column", "csv duplicate column", "csv unterminated quote"])
def test_unusable_file_raises_naming_the_file_and_the_problem(data, name, reason):
    with pytest.raises(TargetListError) as caught:
        parse_targets(data, name=f"lists/{name}")
    assert str(caught.value).startswith(f"lists/{name}: ")
    assert caught.value.name == f"lists/{name}"
    if reason is not None:
        assert reason in str(caught.value)


def test_file_over_10_mb_is_refused():
    big = b"targets:\n" + b"  - url: https://x.com/janedoe\n" * 400_000
    assert len(big) > 10 * 1024 * 1024
    with pytest.raises(TargetListError, match="more than the 10,485,760 bytes"):
        parse_targets(big)
    with pytest.raises(TargetListError, match="more than the 10,485,760 bytes"):
        parse_targets(big.decode())


def test_yaml_error_gives_line_and_column():
    with pytest.raises(TargetListError, match=r"mapping values are not allowed .* at line 3, column 17"):
        parse_targets("targets:\n  - url: x.com/a\n  - url: x.com/b: c\n")


def test_nested_row_is_rejected_and_absurd_nesting_refused_quickly():
    result = parse_targets("targets: [" + "[" * 60 + "]" * 60 + ", x.com/janedoe]")
    assert [t.username for t in result.targets] == ["janedoe"]
    (rejected,) = result.rejected
    assert rejected.reason.startswith("row is a list") and rejected.text == "[[[…]]]"
    with pytest.raises(TargetListError, match="nested more than 64 levels deep"):
        parse_targets("# ]]]]]]]]\ntargets: [" + "[" * 1_000_000 + "]" * 1_000_000 + "]")


@pytest.mark.parametrize("text, name", [
    ("url;collect\nhttps://x.com/janedoe;followers\n", "targets.csv"),
    ("URL\tCollect\nhttps://x.com/janedoe\tfollowers\n", "targets.tsv"),
    ("\ufeffUrl,Collect\r\nhttps://x.com/janedoe,followers\r\n", "targets.csv"),
    (" url , collect ,\n https://x.com/janedoe , followers ,\n", "targets.csv"),
    ("url,collect\nhttps://x.com/janedoe,followers,,\n", "targets.csv"),
    ("url,collect\nhttps://x.com/janedoe,followers\n", "targets.txt"),
    ("url,collect\nhttps://x.com/janedoe,followers\n", "targets"),
    ("targets:\n  - {url: 'https://x.com/janedoe', collect: followers}\n", "targets.txt"),
], ids=["semicolons", "tabs", "bom, crlf and capitals", "spaces and trailing comma",
        "empty trailing cells", "csv sniffed from .txt", "csv sniffed without suffix",
        "yaml sniffed from .txt"])
def test_csv_dialects_and_sniffed_formats_read_the_same_row(text, name):
    result = parse_targets(text.encode(), name=name)
    assert result.rejected == ()
    assert [(t.partition_key, t.collect) for t in result.targets] == [("tw_janedoe", {"followers"})]


def test_csv_collect_with_unquoted_commas_is_rejected_with_a_hint():
    result = parse_targets("url,collect\nhttps://x.com/janedoe,followers,following\n", name="t.csv")
    (rejected,) = result.rejected
    assert rejected.row == 2 and rejected.text == "https://x.com/janedoe,followers,following"
    assert "row has 3 values but the header has 2 columns (quote a collect list" in rejected.reason


def test_csv_value_under_an_unnamed_column_is_rejected():
    (rejected,) = parse_targets("url,,collect\nx.com/a,oops,\n", name="t.csv").rejected
    assert "value 'oops' in column 2, which has no name in the header" in rejected.reason


def test_read_target_file_reads_yaml_and_csv(tmp_path):
    (tmp_path / "targets.yaml").write_text(MIXED_YAML)
    (tmp_path / "targets.csv").write_text(MIXED_CSV)
    from_yaml = read_target_file(tmp_path / "targets.yaml")
    from_csv = read_target_file(str(tmp_path / "targets.csv"))
    assert [t.partition_key for t in from_yaml.targets] == [t.partition_key for t in from_csv.targets]
    assert len(from_yaml.rejected) == len(from_csv.rejected) == 1


def test_read_target_file_names_a_missing_path(tmp_path):
    missing = tmp_path / "nowhere" / "targets.yaml"
    with pytest.raises(TargetListError, match="no such file") as caught:
        read_target_file(missing)
    assert caught.value.name == str(missing) and str(missing) in str(caught.value)


def test_read_target_file_refuses_a_directory(tmp_path):
    with pytest.raises(TargetListError, match="is a directory"):
        read_target_file(tmp_path)


def test_read_target_file_refuses_a_huge_file_before_reading_it(tmp_path):
    huge = tmp_path / "targets.yaml"
    with open(huge, "wb") as handle:
        handle.truncate(11 * 1024 * 1024)  # sparse: costs nothing on disk
    with pytest.raises(TargetListError, match=f"{huge}: is 11,534,336 bytes"):
        read_target_file(huge)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_read_target_file_names_an_unreadable_file(tmp_path):
    locked = tmp_path / "targets.yaml"
    locked.write_text("targets: []\n")
    locked.chmod(0)
    with pytest.raises(TargetListError, match="cannot be read"):
        read_target_file(locked)
