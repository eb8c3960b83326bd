"""Reading the marts the export needs, from any DB-API connection (DuckDB or psycopg2).

The queries name their columns and use only SQL both DuckDB and PostgreSQL accept; tables are
unqualified, so the connection decides the schema (DuckDB ``main``, PostgreSQL ``search_path``).
Values come back as the driver returns them (PostgreSQL ``numeric`` as ``Decimal``, timestamps
as ``datetime``): ``graph`` converts them.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

ACCOUNTS_SQL = """
select platform, username, display_name, followers_count, following_count, is_verified
from dim_accounts
order by platform, username
"""

METRICS_SQL = """
select platform, username, in_degree, out_degree, mutual_count, pagerank
from account_metrics
order by platform, username
"""

# Only the follows that hold now: an unfollow keeps its history row with is_current false.
CURRENT_FOLLOWS_SQL = """
select platform, follower_username, followed_username, first_seen_at, last_seen_at
from fct_follows
where is_current
order by platform, follower_username, followed_username
"""

# One edge per replier and post author; a post whose author the API did not name has no edge.
REPLY_EDGES_SQL = """
select platform, replier_username, target_username,
       count(*) as replies, min(replied_at) as first_replied_at, max(replied_at) as last_replied_at
from fct_replies
where target_username is not null
group by platform, replier_username, target_username
order by platform, replier_username, target_username
"""


@dataclass(frozen=True)
class GraphTables:
    """The rows of the current graph, each a dict keyed by the query's column names."""

    accounts: list[dict[str, Any]]
    metrics: list[dict[str, Any]]
    follows: list[dict[str, Any]]
    replies: list[dict[str, Any]]


def _rows(conn, sql: str) -> Iterator[dict[str, Any]]:
    cursor = conn.cursor()
    try:
        cursor.execute(sql)
        names = [column[0] for column in cursor.description]
        for row in cursor.fetchall():
            yield dict(zip(names, row))
    finally:
        cursor.close()


def read_tables(conn) -> GraphTables:
    """The accounts, their metrics, the current follows and the reply edges, in a stable order.

    Reads ``dim_accounts``, ``account_metrics``, ``fct_follows`` and ``fct_replies``; a missing
    table raises the driver's error (the dbt build has not run yet).
    """
    return GraphTables(
        accounts=list(_rows(conn, ACCOUNTS_SQL)),
        metrics=list(_rows(conn, METRICS_SQL)),
        follows=list(_rows(conn, CURRENT_FOLLOWS_SQL)),
        replies=list(_rows(conn, REPLY_EDGES_SQL)),
    )
