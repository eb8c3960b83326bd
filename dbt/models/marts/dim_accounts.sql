-- One row per account (platform, username) seen anywhere: in a list (follower, followed
-- account, replier) or as a collected target (even one whose lists all came back empty). The profile is the latest one an API list showed;
-- a target never listed itself has no profile (NULL columns) but still has a row, so every
-- edge endpoint has one. Incremental, keyed on the account: every account a new snapshot
-- shows (listed, targeted, a post's author) has its row recomputed from all its sightings.
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key=['platform', 'username'],
          post_hook=record_build_watermark()) }}
with

changed as (

    {{ changed_accounts() | indent(4) }}

),

followers as (

    select * from {{ ref('stg_nyne__followers') }}
    {%- if is_incremental() %}
    where (platform, username) in (select platform, username from changed)
    {%- endif %}

),

following as (

    select * from {{ ref('stg_nyne__following') }}
    {%- if is_incremental() %}
    where (platform, username) in (select platform, username from changed)
    {%- endif %}

),

repliers as (

    select * from {{ ref('stg_nyne__repliers') }}

),

profiles as (

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
    {%- if is_incremental() %}
    where (platform, username) in (select platform, username from changed)
    {%- endif %}

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

    select platform, target_username as username, snapshot_at from repliers
    where target_username is not null

),

scoped_targets as (

    select * from targets
    {%- if is_incremental() %}
    where (platform, username) in (select platform, username from changed)
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

final as (

    select
        accounts.platform,
        accounts.username,
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

)

select
    *,
    -- Which build wrote the row (its start): data tests read the rows written since they
    -- last passed (macros/tests/scope.sql).
    {{ staged_at() }} as built_at

from final
