-- One row per follow edge ever observed: `follower_username` follows `followed_username`.
-- An edge is current when the latest snapshot that could show it does: the latest of the
-- followed account's followers lists and the follower's following lists. (A truncated latest
-- list may miss an edge that still exists; int_snapshots.is_truncated says which.)
-- Incremental, keyed on the targets: a new followers list of b recomputes every edge into b,
-- a new following list of a every edge out of a; edges never vanish, so replacing those
-- edges' rows (delete+insert on the edge) is the whole change. Endpoints are the accounts'
-- keys (int_follow_edges): an edge seen under a follower's old and new handle is one edge, and
-- the edges on a handle being re-keyed (a rename in view) are deleted (pre-hook) and recomputed.
-- depends_on: {{ ref('account_aliases') }}, {{ ref('stg_nyne__followers') }}, {{ ref('stg_nyne__following') }}, {{ ref('stg_nyne__repliers') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key=['platform', 'follower_username', 'followed_username'],
          pre_hook="{{ delete_rows_on_renamed(['follower_username', 'followed_username']) }}",
          post_hook=record_build_watermark()) }}
with

changed as (

    {{ changed_lists(['followers', 'following']) | indent(4) }}

),

renamed as (

    {{ renamed_handles() | indent(4) }}

),

edges as (

    select * from {{ ref('int_follow_edges') }}
    {%- if is_incremental() %}
    where (platform, followed_username) in (
            select platform, target_username from changed where list_type = 'followers')
        or (platform, follower_username) in (
            select platform, target_username from changed where list_type = 'following')
        or (platform, follower_username) in (select platform, username from renamed)
        or (platform, followed_username) in (select platform, username from renamed)
    {%- endif %}

),

snapshots as (

    select * from {{ ref('int_snapshots') }}

),

observed as (

    select
        platform,
        follower_username,
        followed_username,
        min(snapshot_at) as first_seen_at,
        max(snapshot_at) as last_seen_at,
        count(distinct snapshot_id) as snapshot_count

    from edges
    group by platform, follower_username, followed_username

),

latest_lists as (

    select platform, target_username, list_type, snapshot_at as latest_snapshot_at
    from snapshots
    where is_latest

),

final as (

    select
        observed.platform,
        observed.follower_username,
        observed.followed_username,
        observed.first_seen_at,
        observed.last_seen_at,
        observed.snapshot_count,
        observed.last_seen_at >= greatest(
            coalesce(followers_of_followed.latest_snapshot_at, observed.last_seen_at),
            coalesce(following_of_follower.latest_snapshot_at, observed.last_seen_at)
        ) as is_current

    from observed
    left join latest_lists as followers_of_followed
        on followers_of_followed.platform = observed.platform
        and followers_of_followed.target_username = observed.followed_username
        and followers_of_followed.list_type = 'followers'
    left join latest_lists as following_of_follower
        on following_of_follower.platform = observed.platform
        and following_of_follower.target_username = observed.follower_username
        and following_of_follower.list_type = 'following'

)

select
    *,
    -- Which build wrote the row (its start): data tests read the rows written since they
    -- last passed (macros/tests/scope.sql).
    {{ staged_at() }} as built_at

from final
