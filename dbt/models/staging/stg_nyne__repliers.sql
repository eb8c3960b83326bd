-- One row per repliers snapshot (lookup of a post) and reply: `username` replied to `tweet_id`.
-- Incremental like the follow lists (stg_nyne_relationship_list): each snapshot staged once.
{{ config(materialized='incremental', incremental_strategy='append',
          post_hook=record_build_watermark()) }}
with

snapshots as (

    select request_id from {{ ref('stg_nyne__snapshots') }}
    where list_type = 'repliers' and {{ staged_since_last_build() }}

),

source as (

    select * from {{ staged_list_source('repliers') }}
    where request_id in (select request_id from snapshots)

),

renamed as (

    select
        lower(trim(platform)) as platform,
        tweet_id,
        lower(trim(target_username)) as target_username,
        lower(trim(username)) as username,
        -- The API's id of the account (NULL when it sent none, and in files older than it).
        nullif(trim(cast(account_id as varchar)), '') as account_id,
        display_name,
        profile_url,
        bio,
        cast(followers_count as bigint) as followers_count,
        cast(following_count as bigint) as following_count,
        cast(verified as boolean) as is_verified,
        reply_text,
        cast(reply_date as timestamp with time zone) as replied_at,
        request_id,
        cast(fetched_at as timestamp with time zone) as snapshot_at,
        extra

    from source
    where username is not null and trim(username) <> ''

),

deduplicated as (

    -- One account may reply several times to a post: a reply is a (username, replied_at) of
    -- the snapshot. The same reply listed twice keeps one row, the most complete first.
    select
        *,
        row_number() over (
            partition by platform, tweet_id, request_id, username, replied_at
            order by reply_text nulls last, followers_count desc nulls last, display_name nulls last
        ) as row_number_in_snapshot

    from renamed

),

final as (

    select
        {{ hash_key(["'repliers'", 'platform', 'tweet_id', 'request_id']) }} as snapshot_id,
        platform,
        tweet_id,
        target_username,
        username,
        account_id,
        display_name,
        profile_url,
        bio,
        followers_count,
        following_count,
        is_verified,
        reply_text,
        replied_at,
        request_id,
        snapshot_at,
        extra,
        {{ staged_at() }} as staged_at

    from deduplicated
    where row_number_in_snapshot = 1

)

select * from final
