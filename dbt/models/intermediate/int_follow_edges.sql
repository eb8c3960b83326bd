-- Every observation of a follow edge: one row per snapshot that shows `follower_username`
-- following `followed_username`, from a followers list (the target is followed) or a
-- following list (the target follows). Both ends are the accounts' keys: where the API gave
-- an id, the account's current handle (int_account_identities), else the handle as listed;
-- observed_* keep the handles the snapshot showed. Incremental: the rows staged since it last
-- built are appended (a snapshot never changes), and the rows on a handle being re-keyed (a
-- rename in view, macros/identity.sql) are deleted (pre-hook) and inserted as they resolve now.
-- depends_on: {{ ref('account_aliases') }}, {{ ref('stg_nyne__followers') }}, {{ ref('stg_nyne__following') }}, {{ ref('stg_nyne__repliers') }}
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_rows_on_renamed(['observed_follower_username', 'observed_followed_username']) }}",
          post_hook=record_build_watermark()) }}
with

renamed as (

    {{ renamed_handles() | indent(4) }}

),

{%- for list in ['followers', 'following'] %}

{{ list }} as (

    select * from {{ ref('stg_nyne__' ~ list) }}
    where {{ staged_since_last_build() }}
    {%- if is_incremental() %}
        or (platform, username) in (select platform, username from renamed)
        or (platform, target_username) in (select platform, username from renamed)
    {%- endif %}

),
{%- endfor %}

observed_via_followers as (

    select
        snapshot_id,
        platform,
        username as observed_follower_username,
        target_username as observed_followed_username,
        snapshot_at,
        request_id,
        'followers' as observed_via,
        target_username as observed_target_username

    from followers

),

observed_via_following as (

    select
        snapshot_id,
        platform,
        target_username as observed_follower_username,
        username as observed_followed_username,
        snapshot_at,
        request_id,
        'following' as observed_via,
        target_username as observed_target_username

    from following

),

unioned as (

    select * from observed_via_followers
    union all
    select * from observed_via_following

),

resolved_edges as (

    select
        unioned.snapshot_id,
        unioned.platform,
        {{ resolved('follower_identity', 'unioned.observed_follower_username') }} as follower_username,
        {{ resolved('followed_identity', 'unioned.observed_followed_username') }} as followed_username,
        unioned.snapshot_at,
        unioned.request_id,
        unioned.observed_via,
        {{ resolved('target_identity', 'unioned.observed_target_username') }} as target_username,
        unioned.observed_follower_username,
        unioned.observed_followed_username

    from unioned
    {{ join_identity('follower_identity', 'unioned.platform', 'unioned.observed_follower_username') }}
    {{ join_identity('followed_identity', 'unioned.platform', 'unioned.observed_followed_username') }}
    {{ join_identity('target_identity', 'unioned.platform', 'unioned.observed_target_username') }}

),

deduplicated as (

    -- One account listed twice in a snapshot under two of its handles is one edge.
    select
        *,
        row_number() over (
            partition by snapshot_id, follower_username, followed_username
            order by observed_follower_username, observed_followed_username
        ) as row_number_in_snapshot

    from resolved_edges

),

final as (

    -- An account listed among its own followers is not an edge of the graph.
    select
        snapshot_id,
        platform,
        follower_username,
        followed_username,
        snapshot_at,
        request_id,
        observed_via,
        target_username,
        observed_follower_username,
        observed_followed_username

    from deduplicated
    where row_number_in_snapshot = 1
        and follower_username <> followed_username

)

select
    *,
    -- Which build wrote the row (its start): data tests read the rows written since they
    -- last passed (macros/tests/scope.sql).
    {{ staged_at() }} as built_at

from final
