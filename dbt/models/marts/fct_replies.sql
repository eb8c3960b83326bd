-- One row per reply to a collected post, as the post's latest repliers snapshot lists it.
-- Replier and author are the accounts' keys (their current handles where an id is known).
-- Incremental, keyed on the post: a post with a new repliers snapshot, or whose replier or
-- author a rename in view re-keys (macros/identity.sql), has its rows replaced.
-- depends_on: {{ ref('account_aliases') }}, {{ ref('stg_nyne__followers') }}, {{ ref('stg_nyne__following') }}, {{ ref('stg_nyne__repliers') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key=['platform', 'tweet_id'],
          post_hook=record_build_watermark()) }}
with

changed as (

    {{ changed_lists(['repliers']) | indent(4) }}
    {%- if is_incremental() %}
    union
    select platform, tweet_id as target_username, 'repliers' as list_type
    from {{ ref('stg_nyne__repliers') }}
    where (platform, username) in (select platform, username from ({{ renamed_handles() }}) as renamed)
        or (platform, target_username) in (
            select platform, username from ({{ renamed_handles() }}) as renamed_authors)
    {%- endif %}

),

observed_repliers as (

    select * from {{ ref('stg_nyne__repliers') }}
    {%- if is_incremental() %}
    where (platform, tweet_id) in (select platform, target_username from changed)
    {%- endif %}

),

repliers as (

    select
        observed_repliers.*,
        {{ resolved('replier_identity', 'observed_repliers.username') }} as replier_username,
        case when observed_repliers.target_username is not null
            then {{ resolved('author_identity', 'observed_repliers.target_username') }}
        end as author_username

    from observed_repliers
    {{ join_identity('replier_identity', 'observed_repliers.platform', 'observed_repliers.username') }}
    {{ join_identity('author_identity', 'observed_repliers.platform', 'observed_repliers.target_username') }}

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
    select platform, tweet_id, max(author_username) as target_username
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
                     'latest_replies.replier_username', utc_text('latest_replies.replied_at')]) }} as reply_id,
        latest_replies.platform,
        latest_replies.tweet_id,
        coalesce(latest_replies.author_username, post_authors.target_username) as target_username,
        latest_replies.replier_username,
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
