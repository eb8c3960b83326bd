-- One row per pair of accounts that follow each other now (both edges current), once per
-- pair: username_a < username_b. Incremental: a pair is mutual or not by its two edges, which
-- change only with the followers or following lists of its two accounts; the pairs touching an
-- account whose lists changed, or on a handle being re-keyed (a rename in view), are deleted
-- (pre-hooks) and inserted as they are now.
-- depends_on: {{ ref('account_aliases') }}, {{ ref('stg_nyne__followers') }}, {{ ref('stg_nyne__following') }}, {{ ref('stg_nyne__repliers') }}
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook=["{{ delete_pairs_touching_changed('username_a', 'username_b', ['followers', 'following']) }}",
                    "{{ delete_rows_on_renamed(['username_a', 'username_b']) }}"],
          post_hook=record_build_watermark()) }}
with

changed as (

    {{ changed_lists(['followers', 'following']) | indent(4) }}

),

renamed as (

    {{ renamed_handles() | indent(4) }}

),

follows as (

    select * from {{ ref('fct_follows') }}
    where is_current

),

forward_follows as (

    select * from follows
    {%- if is_incremental() %}
    where (platform, follower_username) in (select platform, target_username from changed)
        or (platform, followed_username) in (select platform, target_username from changed)
        or (platform, follower_username) in (select platform, username from renamed)
        or (platform, followed_username) in (select platform, username from renamed)
    {%- endif %}

),

final as (

    select
        forward.platform,
        forward.follower_username as username_a,
        forward.followed_username as username_b,
        greatest(forward.first_seen_at, backward.first_seen_at) as first_seen_at

    from forward_follows as forward
    inner join follows as backward
        on backward.platform = forward.platform
        and backward.follower_username = forward.followed_username
        and backward.followed_username = forward.follower_username
    where forward.follower_username < forward.followed_username

)

select
    *,
    -- Which build wrote the row (its start): data tests read the rows written since they
    -- last passed (macros/tests/scope.sql).
    {{ staged_at() }} as built_at

from final
