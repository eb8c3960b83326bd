"""``postgres_raw/<asset>``: the raw Parquet snapshots loaded into PostgreSQL for dbt-postgres.

Incremental and idempotent: a bookkeeping table records every snapshot (request id) loaded;
each new one is loaded in its own transaction (delete its rows, COPY them, record it), so a run
that dies half-way leaves every snapshot either fully loaded or not at all, and a re-run loads
only what is missing. The snapshots are read where the data dir is: a local folder, or object
storage (``s3://...``: listed and read through fsspec).
"""

import io

import dagster as dg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from resources.datadir import is_remote
from resources.postgres import PostgresWarehouse
from resources.storage import SocialStorage
from social_assets.parquet import SCHEMA_FILE, SCHEMAS, with_declared_columns
from social_assets.warehouse import WAREHOUSE_POOL

_PG_TYPES = {pa.string(): "text", pa.int64(): "bigint", pa.bool_(): "boolean",
             pa.timestamp("us", tz="UTC"): "timestamptz"}
LEDGER = "_loaded_snapshots"


def _ddl(schema: str, asset: str) -> str:
    columns = ", ".join(f"{f.name} {_PG_TYPES[f.type]}" for f in SCHEMAS[asset])
    # A table made by an older version gets the columns added since (nullable, e.g. account_id).
    added = "".join(f"alter table {schema}.{asset} add column if not exists {f.name} "
                    f"{_PG_TYPES[f.type]};\n" for f in SCHEMAS[asset] if f.nullable)
    return (f"create table if not exists {schema}.{asset} ({columns});\n{added}"
            f"create index if not exists {asset}_request_id on {schema}.{asset} (request_id);")


def postgres_text(table: pa.Table) -> pa.Table:
    """``table`` with every NUL character in its text columns replaced by U+FFFD: PostgreSQL's
    ``text`` cannot hold NUL (a bio with one failed the load of every snapshot). The Parquet
    file and ``landing/`` keep the exact text."""
    for index, field in enumerate(table.schema):
        if pa.types.is_string(field.type):
            column = pc.replace_substring(table.column(index), "\x00", "\ufffd")
            table = table.set_column(index, field, column)
    return table


def _copy(cur, schema: str, asset: str, table: pa.Table) -> None:
    buffer = io.BytesIO()
    pacsv.write_csv(postgres_text(table), buffer, pacsv.WriteOptions(include_header=False))
    buffer.seek(0)
    cur.copy_expert(f"copy {schema}.{asset} ({', '.join(table.column_names)}) "
                    f"from stdin with (format csv)", buffer)


@dg.multi_asset(
    specs=[dg.AssetSpec(["postgres_raw", name],
                        deps=["snapshot_manifest" if name == "snapshots" else name],
                        group_name="postgres_raw",
                        kinds={"postgres"},
                        description=f"Every {name} snapshot, loaded into raw.{name}.")
           for name in SCHEMAS],
    can_subset=True,
    pool=WAREHOUSE_POOL,
)
def postgres_raw(context: dg.AssetExecutionContext, storage: SocialStorage,
                 postgres: PostgresWarehouse):
    schema = postgres.raw_schema
    conn = postgres.connect()
    try:
        with conn, conn.cursor() as cur:
            cur.execute(f"create schema if not exists {schema}")
            cur.execute(f"create table if not exists {schema}.{LEDGER} (asset text, request_id "
                        f"text, path text, row_count bigint, loaded_at timestamptz default now(),"
                        f" primary key (asset, request_id))")
            for asset in SCHEMAS:
                cur.execute(_ddl(schema, asset))
        for key in sorted(context.selected_asset_keys):
            asset = key.path[-1]
            with conn.cursor() as cur:
                cur.execute(f"select request_id from {schema}.{LEDGER} where asset = %s", (asset,))
                loaded = {row[0] for row in cur.fetchall()}
            new = [p for p in sorted((storage.raw_dir(asset)).glob("**/*.parquet"))
                   if p.name != SCHEMA_FILE and p.stem not in loaded]
            rows = 0
            for path in new:
                source = pa.BufferReader(path.read_bytes()) if is_remote(path) else path
                table = with_declared_columns(pq.ParquetFile(source).read(), SCHEMAS[asset])
                with conn, conn.cursor() as cur:  # one transaction per snapshot
                    cur.execute(f"delete from {schema}.{asset} where request_id = %s", (path.stem,))
                    _copy(cur, schema, asset, table)
                    cur.execute(f"insert into {schema}.{LEDGER} (asset, request_id, path, "
                                f"row_count) values (%s, %s, %s, %s)",
                                (asset, path.stem, str(path), table.num_rows))
                rows += table.num_rows
            with conn.cursor() as cur:
                cur.execute(f"select count(*) from {schema}.{asset}")
                total = cur.fetchone()[0]
            context.log.info(f"{asset}: loaded {len(new)} new snapshot(s), {rows} rows")
            yield dg.MaterializeResult(asset_key=key, metadata={
                "snapshots_loaded": len(new), "rows_loaded": rows,
                "dagster/row_count": total, "dagster/table_name": f"{schema}.{asset}"})
    finally:
        conn.close()
