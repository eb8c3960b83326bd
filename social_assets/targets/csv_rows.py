"""The CSV form of a target list: a header row naming columns, then one target per record.

Columns are among url, platform, username, tweet_id, collect (any case, any order; ``,`` ``;``
or tab separated, found from the header). The header must have a url or a platform column.
Blank lines and lines starting with ``#`` are skipped. A row's number is the line its record
starts on, the header usually being line 1 (as a spreadsheet numbers rows).
"""
from __future__ import annotations

import csv
import io

from .model import MAX_ROWS, RejectedRow, Target, TargetListError, too_many_rows
from .rows import FIELDS, build_row
from .values import did_you_mean, quote, show

# The csv module refuses a field over 128 KiB with an error that would stop the whole file; an
# overlong cell is one bad row (its value is rejected, quoted short), so any cell a file within
# the size limit can hold is read. The limit is process-wide: only ever raised, never lowered.
_FIELD_LIMIT = 16 * 1024 * 1024
if csv.field_size_limit() < _FIELD_LIMIT:
    csv.field_size_limit(_FIELD_LIMIT)


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line
    return None


def _header(line: str) -> tuple[str, list[str]] | None:
    for delimiter in (",", ";", "\t"):
        names = [c.strip().lower() for c in next(csv.reader([line], delimiter=delimiter))]
        if any(names) and all(n in FIELDS or not n for n in names):
            return delimiter, names
    return None


def looks_like_csv(text: str) -> bool:
    """Whether the first line that is not blank or a ``#`` comment is a target list CSV header."""
    line = _first_line(text)
    return line is not None and _header(line) is not None


def csv_rows(text: str, name: str) -> list[Target | RejectedRow]:
    """One ``Target`` or ``RejectedRow`` per record after the header; ``TargetListError`` when
    the header is missing or unusable, or the text is not CSV."""
    line = _first_line(text)
    found = _header(line) if line is not None else None
    if found is None:
        raise TargetListError(_bad_header(line or ""), name=name)
    delimiter, columns = found
    named = [c for c in columns if c]
    twice = next((c for c in named if named.count(c) > 1), None)
    if twice:
        raise TargetListError(f"CSV header has the column {quote(twice)} twice", name=name)
    if "url" not in named and "platform" not in named:
        raise TargetListError(f"CSV header ({', '.join(named)}) has neither a url nor a platform "
                              f"column, so no row could name its platform", name=name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    results: list[Target | RejectedRow] = []
    seen_header = False
    previous_line = 0
    try:
        for cells in reader:
            row, previous_line = previous_line + 1, reader.line_num
            if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            if not seen_header:
                seen_header = True
                continue
            if len(results) == MAX_ROWS:
                raise TargetListError(too_many_rows(row), name=name)
            results.append(_csv_row(cells, columns, delimiter, row))
    except csv.Error as exc:
        raise TargetListError(f"is not valid CSV (line {reader.line_num}: {exc})", name=name) from None
    return results


def _csv_row(cells: list[str], columns: list[str], delimiter: str, row: int) -> Target | RejectedRow:
    def text() -> str:
        return show(delimiter.join(cells).strip(), 120)

    extra = [c for c in cells[len(columns):] if c.strip()]
    if extra:
        hint = " (quote a collect list that has commas, or separate it with ';' or '|')" \
            if delimiter == "," else ""
        return RejectedRow(row, text(), f"row has {len(cells)} values but the header has "
                                      f"{len(columns)} columns{hint}")
    pairs = []
    for index, (column, cell) in enumerate(zip(columns, cells), start=1):
        if column:
            pairs.append((column, cell.strip() or None))
        elif cell.strip():
            return RejectedRow(row, text(), f"row has the value {quote(cell.strip(), 40)} in column "
                                          f"{index}, which has no name in the header")
    return build_row(pairs, row=row, fallback_text=text)


def _bad_header(line: str) -> str:
    first = next(csv.reader([line]), [""])
    unknown = [c.strip() for c in first if c.strip() and c.strip().lower() not in FIELDS]
    expected = f"expected columns among {', '.join(FIELDS)}"
    if not line:
        return f"CSV has no header row; {expected}"
    cell = first[0].strip() if first else ""
    if "/" in cell or "." in cell or cell.startswith("@") or cell.isdigit():
        return (f"CSV has no header row: its first line {quote(line, 60)} is data; add a first "
                f"line naming the columns, e.g. url,collect")
    word = unknown[0] if unknown else line
    return f"CSV header has unknown column {quote(word, 40)}{did_you_mean(word.lower(), FIELDS)}; {expected}"
