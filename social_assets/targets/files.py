"""Reading a target list file into a ``TargetList``: size, encoding and format checks, then
the rows (``yaml_rows``, ``csv_rows``), then duplicates merged.

Row numbers (``Target.row``, ``RejectedRow.row``) are the 1-based line where the row starts, as
an editor shows it: YAML the line of the list item, CSV the line of the record (the header being
line 1, as a spreadsheet numbers rows). Rows of a YAML flow list written on one line
(``targets: [{...}, {...}]``) share that line.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import replace
from pathlib import Path

from .csv_rows import csv_rows, looks_like_csv
from .model import RejectedRow, Target, TargetList, TargetListError
from .values import describe_char
from .yaml_rows import yaml_rows

MAX_BYTES = 10 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def parse_targets(data: bytes | str, *, name: str = "targets.yaml") -> TargetList:
    """Every row of a target list file, each either a ``Target`` or a ``RejectedRow``.

    The format comes from ``name``'s suffix (``.yaml``/``.yml``, ``.csv``/``.tsv``); any other
    suffix is sniffed (a first line that is a CSV header means CSV, else YAML). One bad row never
    stops the others. ``TargetListError`` (naming ``name``) only when the file as a whole is
    unusable: over 10 MB, binary, not UTF-8, not parseable, or YAML without a ``targets`` list.
    An empty file, or ``targets: []``, is an empty ``TargetList``.
    """
    text = _decode(data, name)
    if not text.strip():
        return TargetList()
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".tsv") or (suffix not in (".yaml", ".yml") and looks_like_csv(text)):
        rows = csv_rows(text, name)
    else:
        rows = yaml_rows(text, name)
    merged: dict[tuple[str, str], Target] = {}
    rejected = []
    for result in rows:
        if isinstance(result, RejectedRow):
            rejected.append(result)
            continue
        key = (result.partitions_def_name, result.partition_key)
        first = merged.get(key)
        merged[key] = result if first is None else replace(first, collect=first.collect | result.collect)
    return TargetList(targets=tuple(merged.values()), rejected=tuple(rejected))


def read_target_file(path: str | os.PathLike) -> TargetList:
    """``parse_targets`` of the file at ``path``; ``TargetListError`` naming the path when it is
    missing, a directory, unreadable or over 10 MB (checked before reading it)."""
    name = os.fspath(path)
    try:
        info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            raise TargetListError("is a directory, not a target list file", name=name)
        if info.st_size > MAX_BYTES:
            raise TargetListError(_too_large(info.st_size), name=name)
        with open(name, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise TargetListError("no such file", name=name) from None
    except OSError as exc:
        raise TargetListError(f"cannot be read: {exc.strerror or exc}", name=name) from None
    return parse_targets(data, name=name)


def _too_large(size: int) -> str:
    return f"is {size:,} bytes, more than the {MAX_BYTES:,} bytes (10 MB) a target list may have"


def _decode(data: bytes | str, name: str) -> str:
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > MAX_BYTES:
            raise TargetListError(_too_large(len(raw)), name=name)
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise TargetListError("is UTF-16 text; save it as UTF-8", name=name)
        if b"\x00" in raw:
            raise TargetListError("contains NUL bytes: it is a binary file, not YAML or CSV text",
                                  name=name)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise TargetListError(f"is not UTF-8 text: byte 0x{raw[exc.start]:02x} on line {line} "
                                  f"cannot be decoded; save the file as UTF-8", name=name) from None
    elif isinstance(data, str):
        try:
            size = len(data.encode("utf-8"))
        except UnicodeEncodeError as exc:
            raise TargetListError(f"is not valid text: {exc.reason} at character {exc.start}",
                                  name=name) from None
        if size > MAX_BYTES:
            raise TargetListError(_too_large(size), name=name)
        text = data.removeprefix("\ufeff")
    else:
        raise TypeError(f"parse_targets takes bytes or str, got {type(data).__name__}")
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise TargetListError(f"has control character {describe_char(control.group())} on line "
                              f"{line}: it looks like a binary file, not YAML or CSV text", name=name)
    return text
