-- One row per reply to a collected post, as the post's latest repliers snapshot lists it.
-- Incremental, keyed on the post: a post with a new repliers snapshot has its rows replaced.
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key=['platform', 'tweet_id'],
          post_hook=record_build_watermark()) }}
with

changed as (

    {{ changed_lists(['repliers']) | indent(4) }}

),

repliers as (

    select * from {{ ref('stg_nyne__repliers') }}
    {%- if is_incremental() %}
    where (platform, tweet_id) in (select platform, target_username from changed)
    {%- endif %}

),

post_snapshots as (

    select
        platform,
        tweet_id,
        snapshot_id,
        row_number() over (
            partition by platform, tweet_id
            order by snapshot_at desc, request_id desc
        ) as recency_rank

    from (
        select distinct platform, tweet_id, snapshot_id, snapshot_at, request_id
        from repliers
    ) as snapshots

),

post_authors as (

    -- The author as any snapshot named it (the API does not always say).
    select platform, tweet_id, max(target_username) as target_username
    from repliers
    group by platform, tweet_id

),

latest_replies as (

    select repliers.*
    from repliers
    inner join post_snapshots
        on post_snapshots.snapshot_id = repliers.snapshot_id
        and post_snapshots.recency_rank = 1

),

final as (

    select
        {{ hash_key(['latest_replies.platform', 'latest_replies.tweet_id',
                     'latest_replies.username', utc_text('latest_replies.replied_at')]) }} as reply_id,
        latest_replies.platform,
        latest_replies.tweet_id,
        coalesce(latest_replies.target_username, post_authors.target_username) as target_username,
        latest_replies.username as replier_username,
        latest_replies.reply_text,
        latest_replies.replied_at,
        latest_replies.snapshot_at,
        latest_replies.request_id

    from latest_replies
    left join post_authors
        on post_authors.platform = latest_replies.platform
        and post_authors.tweet_id = latest_replies.tweet_id

)

select
    *,
    -- Which build wrote the row (its start): data tests read the rows written since they
    -- last passed (macros/tests/scope.sql).
    {{ staged_at() }} as built_at

from final
