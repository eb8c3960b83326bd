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
from dataclasses import replace
from pathlib import Path

from resources.target_list import (MAX_BYTES, TargetFileMissing, TargetFileUnreadable,
                                   read_target_bytes, too_large)

from .csv_rows import csv_rows, looks_like_csv
from .model import RejectedRow, Target, TargetList, TargetListError
from .values import describe_char
from .yaml_rows import yaml_rows

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def parse_targets(data: bytes | str, *, name: str = "targets.yaml") -> TargetList:
    """Every row of a target list file, each either a ``Target`` or a ``RejectedRow``.

    The format comes from ``name``'s suffix (``.yaml``/``.yml``, ``.csv``/``.tsv``); any other
    suffix is sniffed (a first line that is a CSV header means CSV, else YAML). One bad row never
    stops the others. ``TargetListError`` (naming ``name``) only when the file as a whole is
    unusable: over 10 MB or 500,000 rows, binary, not UTF-8, not parseable, or YAML without
    a ``targets`` list.
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
    """``parse_targets`` of the file at ``path`` (read by ``read_target_bytes``: never a FIFO,
    never more than 10 MB); ``TargetListError`` naming the path for any file it refuses."""
    name = os.fspath(path)
    try:
        data = read_target_bytes(name)
    except TargetFileMissing:
        raise TargetListError("no such file", name=name) from None
    except TargetFileUnreadable as exc:
        raise TargetListError(exc.reason, name=name) from None
    return parse_targets(data, name=name)


def _wide_encoding(raw: bytes) -> str | None:
    """``"UTF-16"``/``"UTF-32"`` when ``raw`` starts with their byte order mark, or when it has no
    mark but its first characters are ASCII with the NUL bytes of one of them in between."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = raw[:64]
    for width in (4, 2):
        for offset in range(width):
            # Every character's NUL padding at the same place, its other byte printable ASCII.
            chars = [head[i:i + width] for i in range(0, len(head) - width + 1, width)]
            if len(chars) >= 4 and all(
                    c[offset] != 0 and not any(c[:offset] + c[offset + 1:])
                    and (32 <= c[offset] < 127 or c[offset] in b"\t\r\n") for c in chars):
                return f"UTF-{8 * width}"
    return None


def _decode(data: bytes | str, name: str) -> str:
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > MAX_BYTES:
            raise TargetListError(too_large(len(raw)), name=name)
        wide = _wide_encoding(raw)
        if wide:
            raise TargetListError(f"is {wide} text; save it as UTF-8", name=name)
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
            raise TargetListError(too_large(size), name=name)
        text = data.removeprefix("\ufeff")
    else:
        raise TypeError(f"parse_targets takes bytes or str, got {type(data).__name__}")
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise TargetListError(f"has control character {describe_char(control.group())} on line "
                              f"{line}: it looks like a binary file, not YAML or CSV text", name=name)
    return text
