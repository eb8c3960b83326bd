-- One row per (platform, account_id, username): a handle the API showed an account id under,
-- with when it was first and last seen so. An account that changed its handle has several
-- rows, and is_current_username marks the handle of its latest sighting (ties: the greatest
-- handle). Only listed entries carry an id (followers, following, repliers); an entry without
-- one (the flat shape) is not an alias of anything. Incremental, keyed on the account: an id
-- a new snapshot shows has all its rows recomputed from all its sightings.
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key=['platform', 'account_id', 'username'],
          post_hook=record_build_watermark()) }}
with

changed as (

    {{ changed_account_ids() | indent(4) }}

),

{%- for list in ['followers', 'following', 'repliers'] %}

{{ list }} as (

    select platform, account_id, username, snapshot_at
    from {{ ref('stg_nyne__' ~ list) }}
    where account_id is not null
    {%- if is_incremental() %}
        and (platform, account_id) in (select platform, account_id from changed)
    {%- endif %}

),
{%- endfor %}

sightings as (

    select * from followers
    union all
    select * from following
    union all
    select * from repliers

),

aliases as (

    select
        platform,
        account_id,
        username,
        min(snapshot_at) as first_seen_at,
        max(snapshot_at) as last_seen_at,
        count(*) as sighting_count

    from sightings
    group by platform, account_id, username

),

ranked as (

    select
        *,
        row_number() over (
            partition by platform, account_id
            order by last_seen_at desc, username desc
        ) as recency_rank

    from aliases

),

final as (

    select
        ranked.platform,
        ranked.account_id,
        ranked.username,
        current_handles.username as current_username,
        ranked.recency_rank = 1 as is_current_username,
        ranked.first_seen_at,
        ranked.last_seen_at,
        ranked.sighting_count

    from ranked
    inner join ranked as current_handles
        on current_handles.platform = ranked.platform
        and current_handles.account_id = ranked.account_id
        and current_handles.recency_rank = 1

)

select
    *,
    -- Which build wrote the row (its start): data tests read the rows written since they
    -- last passed (macros/tests/scope.sql).
    {{ staged_at() }} as built_at

from final
