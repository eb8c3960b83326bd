"""The raw Parquet snapshots: explicit schemas and an atomic, idempotent writer.

One file per lookup result and asset, at
``<data>/raw/<asset>/<platform>/<handle or tweet id>/<request_id>.parquet``, and one row per
landed list in the snapshot manifest, ``<data>/raw/snapshots/<platform>/<target>/<request_id>.parquet``
(an empty list too: it has a manifest row and no data row). The folders are plain names, not
``key=value``: every column is in the files, so pandas, pyarrow, polars and DuckDB read a raw
folder with their default calls (hive folders made ``platform`` both a column and a
partition, which pyarrow refused to merge). A file name decided by the request means the same
result never lands twice. Files are written under a temporary name in the same folder and
renamed, so a reader globbing ``*.parquet`` never sees half a file; on object storage (a URL
data dir, ``resources.datadir``) the file is one upload of its final key, which is just as
atomic (an object appears whole or not at all) and leaves no temporary key for a glob to match.
"""

import json
import os
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from resources.datadir import DataPath, is_remote, put_bytes
from resources.nyne import Interaction

_PROFILE_FIELDS = [
    pa.field("username", pa.string(), nullable=False),
    # The API's id of the account, None when the entry had none (files written before this
    # column existed lack it: dbt reads them through the folder's _schema.parquet as NULL).
    pa.field("account_id", pa.string()),
    pa.field("display_name", pa.string()),
    pa.field("profile_url", pa.string()),
    pa.field("bio", pa.string()),
    pa.field("followers_count", pa.int64()),
    pa.field("following_count", pa.int64()),
    pa.field("verified", pa.bool_()),
]
_LOOKUP_FIELDS = [
    pa.field("request_id", pa.string(), nullable=False),
    pa.field("fetched_at", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("extra", pa.string()),  # JSON object of the fields the contract does not name
]

EDGE_SCHEMA = pa.schema(
    [pa.field("platform", pa.string(), nullable=False),
     pa.field("target_username", pa.string(), nullable=False),
     *_PROFILE_FIELDS, *_LOOKUP_FIELDS]
)
"""``followers`` and ``following``: one row per account in the target's list."""

SNAPSHOTS_SCHEMA = pa.schema(
    [pa.field("request_id", pa.string(), nullable=False),
     pa.field("list_type", pa.string(), nullable=False),  # followers, following or repliers
     pa.field("platform", pa.string(), nullable=False),
     pa.field("target", pa.string(), nullable=False),  # the username, or the post's tweet id
     pa.field("target_username", pa.string()),  # for repliers: the post's author, if known
     pa.field("fetched_at", pa.timestamp("us", tz="UTC"), nullable=False),
     pa.field("rows_returned", pa.int64(), nullable=False),
     pa.field("max_results", pa.int64(), nullable=False),
     pa.field("list_total_count", pa.int64()),
     pa.field("request_total_count", pa.int64()),
     pa.field("is_truncated", pa.bool_(), nullable=False),
     pa.field("credits", pa.int64(), nullable=False),
     pa.field("request_credits", pa.int64(), nullable=False),
     pa.field("shared_request_with", pa.string())]
)
"""``snapshots``: the manifest, one row per list a landed lookup returned, empty or not."""

REPLIERS_SCHEMA = pa.schema(
    [pa.field("platform", pa.string(), nullable=False),
     pa.field("tweet_id", pa.string(), nullable=False),
     pa.field("target_username", pa.string()),  # the post's author, when the API names it
     *_PROFILE_FIELDS,
     pa.field("reply_text", pa.string()),
     pa.field("reply_date", pa.timestamp("us", tz="UTC")),
     *_LOOKUP_FIELDS]
)
"""``repliers``: one row per reply to the target post."""


def _profile_row(entry: Interaction) -> dict:
    return {
        "username": entry.username,
        "account_id": entry.account_id,
        "display_name": entry.display_name,
        "profile_url": entry.profile_url,
        "bio": entry.bio,
        "followers_count": entry.followers_count,
        "following_count": entry.following_count,
        "verified": entry.verified,
    }


def _extra_json(extra: dict) -> str | None:
    return json.dumps(extra, sort_keys=True, default=str, ensure_ascii=False) if extra else None


def edge_table(entries: Iterable[Interaction], *, platform: str, target_username: str,
               request_id: str, fetched_at: datetime) -> pa.Table:
    """Rows of a followers or following list; entries without a username are not accounts."""
    rows = [
        {"platform": platform, "target_username": target_username, **_profile_row(e),
         "request_id": request_id, "fetched_at": fetched_at, "extra": _extra_json(e.extra)}
        for e in entries if e.username
    ]
    return pa.Table.from_pylist(rows, schema=EDGE_SCHEMA)


def repliers_table(entries: Iterable[Interaction], *, platform: str, tweet_id: str,
                   target_username: str | None, request_id: str,
                   fetched_at: datetime) -> pa.Table:
    """Rows of the repliers to one post. A ``reply_date`` that is not a timestamp is kept, as
    text, in ``extra.reply_date`` rather than lost."""
    rows = []
    for e in entries:
        if not e.username:
            continue
        extra = dict(e.extra)
        reply_date = parse_timestamp(e.reply_date)
        if reply_date is None and e.reply_date:
            extra["reply_date"] = e.reply_date
        rows.append(
            {"platform": platform, "tweet_id": tweet_id, "target_username": target_username,
             **_profile_row(e), "reply_text": e.reply_text, "reply_date": reply_date,
             "request_id": request_id, "fetched_at": fetched_at, "extra": _extra_json(extra)}
        )
    return pa.Table.from_pylist(rows, schema=REPLIERS_SCHEMA)


def parse_timestamp(value: object) -> datetime | None:
    """An ISO 8601 text or a datetime as an aware UTC datetime; None when it is neither."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def snapshot_path(asset_dir: DataPath, *, platform: str, target: str,
                  request_id: str) -> DataPath:
    """Where the snapshot of ``request_id`` for ``target`` lands; never outside ``asset_dir``."""
    for label, part in (("platform", platform), ("target", target), ("request_id", request_id)):
        if not part or "/" in part or "\\" in part or part.startswith(".") or "\x00" in part:
            raise ValueError(f"unsafe {label} for a file path: {part!r}")
    path = asset_dir / platform / target / f"{request_id}.parquet"
    # On a store no part can climb out (no '/', no leading '.'), and there are no symlinks.
    if not is_remote(path) and not path.resolve().is_relative_to(asset_dir.resolve()):
        raise ValueError(f"snapshot path {path} escapes {asset_dir}")
    return path


def write_snapshot(table: pa.Table, path: DataPath) -> DataPath:
    """Write ``table`` to ``path`` atomically: locally under a temporary name in the same folder,
    then renamed; on object storage as one upload of the final key (never a temporary key)."""
    if is_remote(path):
        buffer = pa.BufferOutputStream()
        pq.write_table(table, buffer, compression="zstd")
        put_bytes(path, buffer.getvalue().to_pybytes())
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def column_schema(schema: pa.Schema, descriptions: dict[str, str]) -> dg.TableSchema:
    """The Dagster column schema shown in the UI for a Parquet asset."""
    return dg.TableSchema(
        columns=[dg.TableColumn(f.name, str(f.type), description=descriptions.get(f.name, ""))
                 for f in schema]
    )


COLUMN_DESCRIPTIONS = {
    "platform": "twitter or instagram",
    "target_username": "the collected account (for repliers: the post's author, if known)",
    "tweet_id": "the collected post",
    "username": "the account in the list (follower, followed account or replier), as the API sent it",
    "account_id": "the API's id of that account (the entry's `id`), null when the API sent none: "
                  "one account across a change of handle",
    "followers_count": "the account's follower count, as the API reported it",
    "following_count": "how many accounts the account follows, as the API reported it",
    "verified": "the account's verified badge",
    "reply_text": "text of the reply",
    "reply_date": "when the reply was posted (UTC)",
    "request_id": "the API request that returned this row (also the file name)",
    "fetched_at": "when the lookup completed (UTC)",
    "extra": "JSON object of every field the API sent that the contract does not name",
    "list_type": "followers, following or repliers: the list this manifest row describes",
    "target": "the collected account's username, or the collected post's tweet id",
    "rows_returned": "rows of the list as written (entries without a username are dropped)",
    "max_results": "the most rows the lookup asked for (the API has no paging)",
    "list_total_count": "the API's total_count for this list; for a followers,following lookup "
                        "(whose total_count counts both lists) the list's own size when that "
                        "total is exactly what the two lists hold, else null",
    "request_total_count": "the API's total_count for the whole request",
    "is_truncated": "the list may have been cut short: it reached max_results, or the API's "
                    "total_count is larger than what it returned (decided here, once; dbt reads it)",
    "credits": "credits of the request counted once: on the first list of a followers,following "
               "lookup, 0 on the second, so a sum over rows is what was paid",
    "request_credits": "what the request cost (3 with results, 0 when empty)",
    "shared_request_with": "the other list of the same request, for a followers,following lookup",
}


SCHEMAS = {"followers": EDGE_SCHEMA, "following": EDGE_SCHEMA, "repliers": REPLIERS_SCHEMA,
           "snapshots": SNAPSHOTS_SCHEMA}
SCHEMA_FILE = "_schema.parquet"


def _schema_of(path: DataPath) -> pa.Schema:
    if is_remote(path):
        with path.open("rb") as handle:
            return pq.read_schema(handle)
    return pq.read_schema(path)


def with_declared_columns(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` in ``schema``'s columns: a nullable column an older file lacks comes back as
    nulls (e.g. ``account_id``), so old and new snapshots load alike."""
    for field in schema:
        if field.name not in table.column_names and field.nullable:
            table = table.append_column(field, pa.nulls(table.num_rows, field.type))
    return table.select(schema.names)


def ensure_schema_files(raw_root: DataPath) -> list[DataPath]:
    """An empty, schema-only ``<raw_root>/<asset>/_schema.parquet`` per raw asset.

    DuckDB's ``read_parquet`` fails on a glob that matches no file, so the warehouse can be built
    before the first lookup lands; an empty file adds no row and pins every column's type. One
    left by an older version (a column short, e.g. ``account_id``) is rewritten, so a folder of
    older files still gives every column (NULL in those files: ``union_by_name``).
    """
    paths = []
    for asset, schema in SCHEMAS.items():
        path = raw_root / asset / SCHEMA_FILE
        if not path.exists() or not _schema_of(path).equals(schema, check_metadata=False):
            write_snapshot(schema.empty_table(), path)
        paths.append(path)
    return paths
