"""Files that are unusable as a whole, on disk, through every reader: ``read_target_file``, the
sensor and ``social-graph collect`` each name the file and what is wrong with it, and nothing
is registered, collected or written. Files that only look odd lose nothing."""
import os
import random

import pytest

from social_graph.cli.main import main
from social_assets.targets import TargetListError, read_target_file
from tests.badinput.conftest import hostile, tick, tree

GOOD_ROW = b"  - url: https://x.com/janedoe\n"
_noise = random.Random(20240611)
BINARY = _noise.randbytes(3000) + b"\x00" + _noise.randbytes(3000)
LAUGHS = b"a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + b"".join(
    b"%c: &%c [%s]\n" % (c, c, b", ".join([b"*%c" % (c - 1)] * 9)) for c in range(ord("b"), ord("j")))

UNUSABLE = [
    # (scenario, file name, content, what the error must say)
    ("binary garbage", "targets.yaml", BINARY, "contains NUL bytes: it is a binary file"),
    ("utf-16 with a byte order mark", "targets.yaml", "targets: []\n".encode("utf-16"), "is UTF-16 text"),
    ("utf-16 without a byte order mark", "targets.csv", "url\nhttps://x.com/janedoe\n".encode("utf-16-le"),
     "is UTF-16 text"),
    ("utf-32", "targets.yaml", "targets: []\n".encode("utf-32"), "is UTF-32 text"),
    ("latin-1", "targets.yaml", "targets:\n  - url: x.com/janedoe\n  - url: x.com/jos\u00e9\n".encode("latin-1"),
     "is not UTF-8 text: byte 0xe9 on line 3"),
    ("windows-1252 quotes", "targets.csv", "url\n\u201cx.com/janedoe\u201d\n".encode("cp1252"), "byte 0x93 on line 2"),
    # A literal NUL cannot be told from binary data, and YAML forbids it: written escaped
    # ("\0") it is one bad row (see the hostile list); raw, it refuses the file, naming it.
    ("a raw NUL byte in one row", "targets.yaml", b"targets:\n" + GOOD_ROW + b"  - url: x.com/jane\x00doe\n",
     "contains NUL bytes"),
    ("a mapping as targets", "targets.yaml", b"targets:\n  url: https://x.com/janedoe\n", "`targets` is a mapping"),
    ("a scalar", "targets.yaml", b"https://x.com/janedoe\n", "is a single YAML value"),
    ("a list without targets", "targets.yaml", b"- url: https://x.com/janedoe\n", "is a YAML list"),
    ("targets as one value", "targets.yml", b"targets: https://x.com/janedoe\n", "`targets` is the value"),
    ("nested lists", "targets.yaml", b"targets: " + b"[" * 100 + b"]" * 100 + b"\n", "nested more than 64 levels"),
    ("invalid yaml", "targets.yaml", b"targets:\n" + GOOD_ROW + b"  - url: [x.com/a\n", "is not valid YAML ("),
    ("two yaml documents", "targets.yaml", b"targets: []\n---\ntargets: []\n", "more than one YAML document"),
    ("billion laughs", "targets.yaml", LAUGHS + b"targets:\n  - *i\n", "unknown top-level key 'a'"),
    ("unterminated csv quote", "targets.csv", b'url\n"https://x.com/janedoe\n', "is not valid CSV"),
    ("csv without a header", "targets.csv", b"https://x.com/janedoe\n", "CSV has no header row"),
    ("a control character", "targets.yaml", b"targets:\n" + GOOD_ROW + b"  - url: x.com/a\x1b[2J\n",
     "control character '\\u001b' (U+001B control character) on line 3"),
]
IDS = [case[0] for case in UNUSABLE]


@pytest.mark.parametrize("scenario, name, content, reason", UNUSABLE, ids=IDS)
def test_an_unusable_file_is_refused_by_every_reader_naming_it(
        scenario, name, content, reason, tmp_path, instance, cli_env, capsys):
    path = tmp_path / "lists" / name
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(TargetListError) as caught:
        read_target_file(path)
    assert caught.value.name == str(path) and str(caught.value).startswith(f"{path}: ")
    assert reason in caught.value.reason

    # The sensor fails the tick loudly, naming the file, and registers nothing.
    with pytest.raises(Exception) as failed:
        tick(instance, path)
    assert str(path) in str(failed.value) and reason in str(failed.value)
    assert instance.get_dynamic_partitions("accounts") == []

    # collect exits 2 before touching anything: no instance, no data folder.
    before = tree(tmp_path)
    assert main(["collect", "--targets", str(path), "--with-simulator", "--no-warehouse"]) == 2
    out, err = capsys.readouterr()
    assert f"error: {path}: " in err and reason in err
    assert "registered" not in out
    assert tree(tmp_path) == before


def test_a_file_over_the_size_limit_is_refused_naming_its_size(tmp_path, instance, cli_env, capsys):
    path = tmp_path / "targets.yaml"
    junk = b"  - url: https://evil.example/" + b"a" * 40 + b"\n"
    path.write_bytes(b"targets:\n" + GOOD_ROW + junk * (11 * 1024 * 1024 // len(junk)))
    size = f"{path.stat().st_size:,} bytes, more than the 10,485,760 bytes"
    with pytest.raises(TargetListError, match=size):
        read_target_file(path)
    with pytest.raises(Exception, match=size) as failed:
        tick(instance, path)
    assert str(path) in str(failed.value)
    assert main(["collect", "--targets", str(path), "--no-warehouse"]) == 2
    assert f"error: {path}: is {size}" in capsys.readouterr().err


def test_a_fifo_is_refused_by_every_reader_without_waiting_for_a_writer(
        tmp_path, instance, cli_env, capsys):
    fifo = tmp_path / "targets.yaml"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever (pytest-timeout: 300 s)
    with pytest.raises(TargetListError, match="is not a regular file") as caught:
        read_target_file(fifo)
    assert caught.value.name == str(fifo)
    with pytest.raises(Exception, match="is not a regular file") as failed:
        tick(instance, fifo)
    assert str(fifo) in str(failed.value)
    assert instance.get_dynamic_partitions("accounts") == []
    assert main(["collect", "--targets", str(fifo), "--with-simulator", "--no-warehouse"]) == 2
    assert f"error: {fifo}: is not a regular file" in capsys.readouterr().err


def test_a_huge_file_is_refused_by_its_size_without_being_read(tmp_path, instance):
    path = tmp_path / "targets.yaml"
    with open(path, "wb") as handle:
        handle.truncate(16 * 1024 ** 3)  # sparse: 16 GiB that cost nothing on disk
    with pytest.raises(Exception, match="is 17,179,869,184 bytes, more than") as failed:
        tick(instance, path)
    assert str(path) in str(failed.value)
    with pytest.raises(TargetListError, match="is 17,179,869,184 bytes, more than"):
        read_target_file(path)


@pytest.mark.parametrize("content", [b"", b"  \n\n\t\n", b"\xef\xbb\xbf", b"# nothing yet\n",
                                     b"targets:\n#  - url: https://x.com/janedoe\n"],
                         ids=["empty", "whitespace only", "only a byte order mark", "only a comment",
                              "every row commented out"])
def test_an_empty_list_is_not_an_error_and_collects_nothing(content, tmp_path, instance, cli_env,
                                                              capsys):
    path = tmp_path / "targets.yaml"
    path.write_bytes(content)
    assert read_target_file(path).targets == ()
    result = tick(instance, path)
    assert result.run_requests == [] and "0 targets" in result.skip_reason.skip_message
    assert not [k for r in result.dynamic_partitions_requests for k in r.partition_keys]
    assert main(["collect", "--targets", str(path), "--with-simulator", "--no-warehouse"]) == 0
    out = capsys.readouterr().out
    assert "nothing to collect: the target list names no usable target" in out
    assert "rejected rows: 0" in out


def test_an_overlong_csv_cell_is_one_bad_row_not_a_broken_file(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("url,collect\nhttps://x.com/janedoe,followers\n"
                    f"https://x.com/{'a' * 300_000},\n"
                    "https://x.com/dagster_io,\n")
    result = read_target_file(path)
    assert [t.partition_key for t in result.targets] == ["tw_janedoe", "tw_dagster_io"]
    (rejected,) = result.rejected
    assert rejected.row == 3 and "300000 characters long" in rejected.reason


def test_a_billion_laughs_among_the_rows_is_not_expanded_and_keeps_the_good_rows(tmp_path):
    rows = b"  " + b"\n  ".join(b"- " + line.split(b": ", 1)[1] for line in LAUGHS.splitlines())
    path = tmp_path / "targets.yaml"
    path.write_bytes(b"targets:\n" + GOOD_ROW + rows + b"\n  - *i\n  - {url: x.com/dagster_io}\n")
    result = read_target_file(path)  # expanded, the aliases would be 9**9 values
    assert [t.partition_key for t in result.targets] == ["tw_janedoe", "tw_dagster_io"]
    assert len(result.rejected) == 10
    assert all(r.reason.startswith("row is a list") and len(r.text) <= 120 for r in result.rejected)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr only"])
def test_windows_and_old_mac_line_endings_keep_every_row_and_its_line(newline, tmp_path):
    for fmt in ("yaml", "csv"):
        text, at = hostile(fmt)
        path = tmp_path / f"targets.{fmt}"
        path.write_bytes(text.replace("\n", newline).encode())
        result = read_target_file(path)
        expected = read_target_file(_write(tmp_path / f"lf.{fmt}", text))
        assert result == expected
        assert len(result.targets) == 5 and len(result.rejected) == len(at) - 8


def _write(path, text):
    path.write_bytes(text.encode())
    return path
