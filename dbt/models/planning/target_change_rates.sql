-- How fast each collected account's followers list changes: one row per account target (a
-- followers or following lookup was made of it), from its own snapshots in follower_changes.
--
-- Model: a list of about S accounts (S = its mean listed size) whose members come and go; two
-- snapshots d days apart differ by E(d) = S * (1 - exp(-r * d / S)) accounts (gained + lost),
-- where r is the rate of change per day: about r * d for short gaps, never more than S however
-- long the gap (a follow that comes and goes between two looks is never seen). Each pair of
-- consecutive snapshots gives one estimate of r (the model inverted: -S/d * ln(1 - c/S)); a
-- target's rate is their day-weighted mean, shrunk towards the population's rate (per listed
-- account) by one pseudo-day, so a target with little history borrows from the others. A target
-- with one snapshot only has the population's rate. A cut list (is_lower_bound) counts what it
-- shows: its rate is a lower bound (rate_is_lower_bound).
with

changes as (

    select
        platform,
        target_username,
        snapshot_at,
        previous_snapshot_at,
        listed_followers,
        gained + lost as changes,
        is_lower_bound

    from {{ ref('follower_changes') }}

),

targets as (

    -- Every account target, and its latest snapshot of either list: what the plan schedules
    -- from. A target whose lists are only `following` has no follower_changes rows.
    select
        platform,
        target_username,
        max(snapshot_at) as last_snapshot_at,
        count(distinct request_id) as lookups

    from {{ ref('int_snapshots') }}
    group by platform, target_username

),

sizes as (

    select
        platform,
        target_username,
        count(*) as followers_snapshots,
        greatest(avg(listed_followers), 1.0) as list_size

    from changes
    group by platform, target_username

),

observations as (

    select
        changes.platform,
        changes.target_username,
        ({{ epoch_seconds('changes.snapshot_at') }}
            - {{ epoch_seconds('changes.previous_snapshot_at') }}) / 86400.0 as days,
        changes.changes,
        sizes.list_size,
        changes.is_lower_bound

    from changes
    inner join sizes
        on sizes.platform = changes.platform
        and sizes.target_username = changes.target_username
    where changes.previous_snapshot_at is not null
        and changes.snapshot_at > changes.previous_snapshot_at

),

estimates as (

    -- One rate per pair of consecutive snapshots: c changes in d days of a list of S accounts.
    -- c/S is capped below 1: a list that turned over completely says the rate is at least that.
    select
        *,
        -list_size / days * ln(1.0 - least(changes / list_size, 0.95)) as rate_per_day

    from observations

),

per_target as (

    select
        platform,
        target_username,
        count(*) as observations,
        sum(days) as observed_days,
        sum(changes) as observed_changes,
        sum(rate_per_day * days) as rate_days,
        bool_or(is_lower_bound) as rate_is_lower_bound

    from estimates
    group by platform, target_username

),

population as (

    -- Changes per listed account and day over every target: the prior of a target with little
    -- or no history. NULL while no target has two snapshots.
    select sum(rate_per_day * days / list_size) / nullif(sum(days), 0) as relative_rate
    from estimates

),

final as (

    select
        targets.platform,
        targets.target_username,
        targets.lookups,
        targets.last_snapshot_at,
        coalesce(sizes.followers_snapshots, 0) as followers_snapshots,
        coalesce(per_target.observations, 0) as observations,
        coalesce(per_target.observed_days, 0) as observed_days,
        coalesce(per_target.observed_changes, 0) as observed_changes,
        coalesce(sizes.list_size, 1.0) as list_size,
        per_target.observed_changes / nullif(per_target.observed_days, 0) as changes_per_day,
        (coalesce(per_target.rate_days, 0)
            + population.relative_rate * coalesce(sizes.list_size, 1.0))
            / (coalesce(per_target.observed_days, 0) + 1.0) as rate_per_day,
        coalesce(per_target.rate_is_lower_bound, false) as rate_is_lower_bound,
        case
            when per_target.observations is null then 'population'
            else 'own snapshots'
        end as rate_source

    from targets
    cross join population
    left join sizes
        on sizes.platform = targets.platform
        and sizes.target_username = targets.target_username
    left join per_target
        on per_target.platform = targets.platform
        and per_target.target_username = targets.target_username

)

select * from final
