-- One row per pair of targets of a platform that have a followers list (target_a < target_b):
-- how many followers their latest followers lists share, and the Jaccard index of the two sets.
-- Incremental: the pairs involving a target whose followers list changed are deleted (pre-hook:
-- a pair vanishes when a latest list comes back empty) and inserted as they are now; the
-- others are untouched; so are the pairs of a target a rename in view re-keys, or one of whose
-- followers it re-keys (macros/identity.sql). On a full build every target is "changed" and the same SQL makes all.
-- depends_on: {{ ref('account_aliases') }}, {{ ref('stg_nyne__followers') }}, {{ ref('stg_nyne__following') }}, {{ ref('stg_nyne__repliers') }}
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_pairs_touching('target_a', 'target_b', changed_follower_sets()) }}",
          post_hook=record_build_watermark()) }}
with

changed as (

    {{ changed_follower_sets() | indent(4) }}

),

edges as (

    select * from {{ ref('int_follow_edges') }}
    where observed_via = 'followers'

),

snapshots as (

    select * from {{ ref('int_snapshots') }}
    where list_type = 'followers' and is_latest

),

audiences as (

    select
        edges.platform,
        edges.target_username,
        edges.follower_username

    from edges
    inner join snapshots
        on snapshots.snapshot_id = edges.snapshot_id

),

audience_sizes as (

    select
        platform,
        target_username,
        count(*) as follower_count,
        {% if is_incremental() -%}
        (platform, target_username) in (select platform, target_username from changed)
        {%- else -%}
        true
        {%- endif %} as in_scope

    from audiences
    group by platform, target_username

),

scoped_audiences as (

    select audiences.*, audience_sizes.in_scope
    from audiences
    inner join audience_sizes
        on audience_sizes.platform = audiences.platform
        and audience_sizes.target_username = audiences.target_username

),

shared as (

    -- Each pair once: from its in-scope side, and from the lesser one when both are in scope.
    select
        audience_a.platform,
        least(audience_a.target_username, audience_b.target_username) as target_a,
        greatest(audience_a.target_username, audience_b.target_username) as target_b,
        count(*) as shared_followers

    from scoped_audiences as audience_a
    inner join scoped_audiences as audience_b
        on audience_b.platform = audience_a.platform
        and audience_b.follower_username = audience_a.follower_username
        and audience_b.target_username <> audience_a.target_username
        and (not audience_b.in_scope or audience_b.target_username > audience_a.target_username)
    where audience_a.in_scope
    group by 1, 2, 3

),

target_pairs as (

    select
        size_a.platform,
        least(size_a.target_username, size_b.target_username) as target_a,
        greatest(size_a.target_username, size_b.target_username) as target_b,
        case when size_a.target_username < size_b.target_username
            then size_a.follower_count else size_b.follower_count end as followers_a,
        case when size_a.target_username < size_b.target_username
            then size_b.follower_count else size_a.follower_count end as followers_b

    from audience_sizes as size_a
    inner join audience_sizes as size_b
        on size_b.platform = size_a.platform
        and size_b.target_username <> size_a.target_username
        and (not size_b.in_scope or size_b.target_username > size_a.target_username)
    where size_a.in_scope

),

final as (

    select
        target_pairs.platform,
        target_pairs.target_a,
        target_pairs.target_b,
        target_pairs.followers_a,
        target_pairs.followers_b,
        coalesce(shared.shared_followers, 0) as shared_followers,
        case
            when target_pairs.followers_a + target_pairs.followers_b > 0
                then cast(coalesce(shared.shared_followers, 0) as double precision)
                    / (target_pairs.followers_a + target_pairs.followers_b
                        - coalesce(shared.shared_followers, 0))
        end as jaccard,
        -- Either latest followers list was cut (max_results): the counts are of the lists as
        -- returned, and the true overlap may differ.
        truncated_a.is_truncated or truncated_b.is_truncated as inputs_truncated

    from target_pairs
    inner join snapshots as truncated_a
        on truncated_a.platform = target_pairs.platform
        and truncated_a.target_username = target_pairs.target_a
    inner join snapshots as truncated_b
        on truncated_b.platform = target_pairs.platform
        and truncated_b.target_username = target_pairs.target_b
    left join shared
        on shared.platform = target_pairs.platform
        and shared.target_a = target_pairs.target_a
        and shared.target_b = target_pairs.target_b

)

select
    *,
    -- Which build wrote the row (its start): data tests read the rows written since they
    -- last passed (macros/tests/scope.sql).
    {{ staged_at() }} as built_at

from final
