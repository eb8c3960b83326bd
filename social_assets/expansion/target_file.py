"""Appending accepted candidates to the target list file, YAML or CSV, and nothing else.

The file's bytes are kept exactly: the new rows go after them (a line end first when the last
line has none), in the file's own form (YAML block list indentation, CSV delimiter and columns,
its line ends), each marked as coming from the expansion (``rows.note``). A row already listed
is not appended again. Before anything is written the new bytes are parsed as the sensor will
parse them: every earlier target must be unchanged and every appended row a new target, or
nothing is written. The write is atomic (a temporary file beside it, then a rename), and
refused if the file changed since it was read.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from resources.target_list import TargetFileMissing, TargetFileUnreadable, read_target_bytes
from social_assets.targets import TargetListError, parse_targets
from social_assets.targets.csv_rows import _first_line, _header, looks_like_csv  # the parser's own

from .candidates import Candidate
from .rows import csv_record, note, yaml_item


class AppendError(ValueError):
    """The accepted rows could not be appended; ``str()`` names the file and why. Nothing was
    written."""


@dataclass(frozen=True)
class Appended:
    path: Path
    appended: tuple[Candidate, ...]
    already_listed: tuple[Candidate, ...]


def append_accepted(path: Path, accepted: list[Candidate], *, accepted_on: str) -> Appended:
    """Append the ``accepted`` candidates not yet listed to the target list at ``path`` (a
    missing file is created, in the form its suffix says); ``AppendError`` naming the file
    when the list cannot be read, has a form rows cannot be appended to, or would not parse
    back with exactly the new rows added."""
    path = Path(path)
    try:
        data = read_target_bytes(path)
    except TargetFileMissing:
        data = b""
    except TargetFileUnreadable as exc:
        raise AppendError(str(exc)) from None
    try:
        before = parse_targets(data, name=str(path))
    except TargetListError as exc:
        raise AppendError(f"cannot append to the target list: {exc}") from None
    listed = {t.partition_key for t in before.accounts()}
    first: dict[str, Candidate] = {}
    for candidate in accepted:  # a row named twice is appended once
        first.setdefault(candidate.partition_key, candidate)
    unique = list(first.values())
    new = [c for c in unique if c.partition_key not in listed]
    done = tuple(c for c in unique if c.partition_key in listed)
    if not new:
        return Appended(path, (), done)
    text = data.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    if _is_csv(path, text):
        lines = _csv_lines(path, text, new, accepted_on)
    else:
        lines = _yaml_lines(path, text, new, accepted_on)
    head = data if not data or data.endswith(b"\n") else data + newline.encode()
    updated = head + "".join(line + newline for line in lines).encode()
    _check_parses_back(path, updated, before, new)
    _replace(path, data, updated)
    return Appended(path, tuple(new), done)


def _is_csv(path: Path, text: str) -> bool:
    suffix = path.suffix.lower()  # as parse_targets decides
    return suffix in (".csv", ".tsv") or (suffix not in (".yaml", ".yml") and looks_like_csv(text))


def _csv_lines(path: Path, text: str, new: list[Candidate], accepted_on: str) -> list[str]:
    line = _first_line(text)
    if line is None:  # empty, or comments only: a header first
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        columns = ["platform", "username"]
        lines = [delimiter.join(columns)]
    else:
        delimiter, columns = _header(line)  # parse_targets accepted it
        lines = []
    for candidate in new:
        try:
            record = csv_record(candidate, columns, delimiter)
        except ValueError as exc:
            raise AppendError(f"{path}: {exc}") from None
        lines += [f"# {note(candidate, accepted_on)}", record]
    return lines


def _yaml_lines(path: Path, text: str, new: list[Candidate], accepted_on: str) -> list[str]:
    indent, lines = "  ", []
    events = yaml.parse(text, Loader=yaml.SafeLoader)
    kinds = []
    for event in events:  # only the first few: the root mapping, `targets`, its value
        kinds.append(event)
        if len(kinds) == 5:
            break
    value = kinds[4] if len(kinds) == 5 else None
    if value is None or isinstance(value, yaml.MappingEndEvent):
        lines.append("targets:")  # an empty file (or only comments)
    elif isinstance(kinds[2], yaml.MappingStartEvent) and kinds[2].flow_style:
        raise AppendError(f"{path}: the file is one flow mapping ({{targets: ...}}); write it "
                          f"as `targets:` followed by one '- ' row per line to accept into it")
    elif isinstance(value, yaml.SequenceStartEvent):
        if value.flow_style:
            raise AppendError(f"{path}: `targets` is a flow list ([...]); write it as one '- ' "
                              f"row per line under `targets:` to accept into it")
        indent = " " * value.start_mark.column
    elif not (isinstance(value, yaml.ScalarEvent) and value.value == ""):  # `targets:` alone
        raise AppendError(f"{path}: `targets` is not a list")
    for candidate in new:
        lines.append(yaml_item(candidate, indent, note(candidate, accepted_on)))
    return lines


def _check_parses_back(path: Path, updated: bytes, before, new: list[Candidate]) -> None:
    try:
        after = parse_targets(updated, name=str(path))
    except TargetListError as exc:
        raise AppendError(f"{path}: the rows would make the file unreadable ({exc}); "
                          f"nothing was written") from None
    old = [(t.partition_key, t.collect) for t in before.targets]
    if [(t.partition_key, t.collect) for t in after.targets[:len(old)]] != old or \
            len(after.rejected) != len(before.rejected):
        rejected = after.rejected[len(before.rejected):]
        why = f": {rejected[0]}" if rejected else ""
        raise AppendError(f"{path}: the new rows would not parse as new targets{why}; "
                          f"nothing was written")
    added = [t.partition_key for t in after.targets[len(old):]]
    if added != [c.partition_key for c in new]:
        raise AppendError(f"{path}: the new rows parse as {added}, not as "
                          f"{[c.partition_key for c in new]}; nothing was written")


def _replace(path: Path, original: bytes, updated: bytes) -> None:
    """Write ``updated`` over ``path`` atomically, keeping its permissions; refused when the
    file no longer holds ``original`` (someone edited it meanwhile)."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(updated)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
            current = read_target_bytes(path)
        except (FileNotFoundError, TargetFileMissing):
            os.chmod(tmp, 0o644)  # a new list: readable like any file an editor writes
            current = b""
        if current != original:
            raise AppendError(f"{path} changed while the rows were being appended; nothing was "
                              f"written: run the command again")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
