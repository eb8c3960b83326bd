-- One row per account seen anywhere: in a list (follower, followed account, replier) or as a
-- collected target (even one whose lists all came back empty). An account is keyed by its id
-- where the API gave one (identity 'account_id'): `username` is its current handle (the one
-- of its latest sighting) and previous_usernames the others it was seen under; where no id was
-- ever given (the flat entry shape), by its handle as before (identity 'handle'). The profile
-- is the latest one an API list showed under any of its handles; a target never listed itself
-- has no profile (NULL columns) but still has a row, so every edge endpoint has one.
-- Incremental, keyed on the account: every account a new snapshot shows (listed, targeted, a
-- post's author) has its row recomputed from all its sightings, and the rows on a handle a
-- rename in view re-keys are deleted (pre-hook) and recomputed.
-- depends_on: {{ ref('account_aliases') }}, {{ ref('stg_nyne__followers') }}, {{ ref('stg_nyne__following') }}, {{ ref('stg_nyne__repliers') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key=['platform', 'username'],
          pre_hook="{{ delete_rows_on_renamed(['username']) }}",
          post_hook=record_build_watermark()) }}
with

changed as (

    {{ changed_accounts() | indent(4) }}
    {%- if is_incremental() %}
    union
    select platform, username from ({{ renamed_handles() }}) as renamed
    {%- endif %}

),

observed as (

    -- The handles, as the snapshots show them, of the accounts being recomputed.
    {{ observed_handles_of('select platform, username from changed') | indent(4) }}

),

{%- for list in ['followers', 'following', 'repliers'] %}

{{ list }} as (

    select * from {{ ref('stg_nyne__' ~ list) }}
    {%- if is_incremental() %}
    where (platform, username) in (select platform, username from observed)
    {%- endif %}

),
{%- endfor %}

listed as (

    select platform, username, display_name, profile_url, bio, followers_count,
        following_count, is_verified, snapshot_at, request_id, 1 as list_rank
    from followers

    union all

    select platform, username, display_name, profile_url, bio, followers_count,
        following_count, is_verified, snapshot_at, request_id, 2 as list_rank
    from following

    union all

    select platform, username, display_name, profile_url, bio, followers_count,
        following_count, is_verified, snapshot_at, request_id, 3 as list_rank
    from repliers

),

profiles as (

    select
        listed.platform,
        {{ resolved('account_identity', 'listed.username') }} as username,
        listed.display_name,
        listed.profile_url,
        listed.bio,
        listed.followers_count,
        listed.following_count,
        listed.is_verified,
        listed.snapshot_at,
        listed.request_id,
        listed.list_rank

    from listed
    {{ join_identity('account_identity', 'listed.platform', 'listed.username') }}

),

targets as (

    -- Every collected account, from the snapshot manifest: a target whose lists came back
    -- empty (a quiet account) is an account too. A post's author, when the API names it.
    select platform, target as username, snapshot_at
    from {{ ref('stg_nyne__snapshots') }}
    where list_type in ('followers', 'following')

    union all

    select platform, target_username as username, snapshot_at
    from {{ ref('stg_nyne__snapshots') }}
    where list_type = 'repliers' and target_username is not null

    union all

    select platform, target_username as username, snapshot_at
    from {{ ref('stg_nyne__repliers') }}
    where target_username is not null

),

scoped_targets as (

    select
        targets.platform,
        {{ resolved('account_identity', 'targets.username') }} as username,
        targets.snapshot_at

    from targets
    {{ join_identity('account_identity', 'targets.platform', 'targets.username') }}
    {%- if is_incremental() %}
    where (targets.platform, targets.username) in (select platform, username from observed)
    {%- endif %}

),

sightings as (

    select platform, username, snapshot_at, false as is_target from profiles
    union all
    select platform, username, snapshot_at, true as is_target from scoped_targets

),

accounts as (

    select
        platform,
        username,
        min(snapshot_at) as first_seen_at,
        max(snapshot_at) as last_seen_at,
        bool_or(is_target) as is_target

    from sightings
    group by platform, username

),

latest_profiles as (

    select
        *,
        row_number() over (
            partition by platform, username
            order by snapshot_at desc, list_rank, request_id desc
        ) as recency_rank

    from profiles

),

previous_handles as (

    -- Every other handle the account's id was seen under, the most recently seen first.
    select
        platform,
        account_id,
        string_agg(username, ',' order by last_seen_at desc, username) as previous_usernames

    from {{ ref('account_aliases') }}
    where not is_current_username
    group by platform, account_id

),

final as (

    select
        accounts.platform,
        accounts.username,
        account_identity.account_id,
        case when account_identity.account_id is null then 'handle' else 'account_id' end as identity,
        previous_handles.previous_usernames,
        latest_profiles.display_name,
        latest_profiles.profile_url,
        latest_profiles.bio,
        latest_profiles.followers_count,
        latest_profiles.following_count,
        latest_profiles.is_verified,
        accounts.is_target,
        accounts.first_seen_at,
        accounts.last_seen_at,
        latest_profiles.snapshot_at as profile_seen_at

    from accounts
    left join latest_profiles
        on latest_profiles.platform = accounts.platform
        and latest_profiles.username = accounts.username
        and latest_profiles.recency_rank = 1
    {{ join_identity('account_identity', 'accounts.platform', 'accounts.username') }}
    left join previous_handles
        on previous_handles.platform = accounts.platform
        and previous_handles.account_id = account_identity.account_id

)

select
    *,
    -- Which build wrote the row (its start): data tests read the rows written since they
    -- last passed (macros/tests/scope.sql).
    {{ staged_at() }} as built_at

from final
