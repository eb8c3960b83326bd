-- The refresh plan: when to look each account target up again so that a monthly credit budget
-- buys the most expected detected changes (target_change_rates has each target's rate r and
-- list size S). A target refreshed k times in a month of P days, every P/k days, is expected to
-- show g(k) = k * S * (1 - exp(-r * P / (k * S))) changes in that month: concave in k, so the
-- best plan is greedy. Every target gets the refreshes its ceiling interval requires; then
-- every further refresh of every target (its marginal gain g(k) - g(k-1), largest first) is
-- bought while the budget lasts, never more often than the floor interval. Fast movers end up
-- near the floor, quiet accounts at the ceiling.
--
-- Knobs (dbt vars, which the Dagster build passes from the environment; else the variables):
-- monthly_credits ($SOCIAL_MONTHLY_CREDITS; unset: what the weekly cron spends on the same
-- targets), refresh_floor_days ($SOCIAL_REFRESH_FLOOR_DAYS, 1), refresh_ceiling_days
-- ($SOCIAL_REFRESH_CEILING_DAYS, 30); refresh_prior_relative_rate (0.05: while no target has two
-- snapshots, every list is assumed to change by this share of its size a day). A target not looked up for two ceilings while others were
-- is no longer collected (its row left the target list): is_planned false, no credits.
{%- set period = 30 %}
{%- set lookup_credits = 3 %}
{%- set prior_relative_rate = planning_number('refresh_prior_relative_rate', 'SOCIAL_REFRESH_PRIOR_RELATIVE_RATE', 0.05) %}
{%- set floor_days = planning_number('refresh_floor_days', 'SOCIAL_REFRESH_FLOOR_DAYS', 1) %}
{%- set ceiling_days = planning_number('refresh_ceiling_days', 'SOCIAL_REFRESH_CEILING_DAYS', 30) %}
{%- if floor_days <= 0 or ceiling_days < floor_days %}
    {{ exceptions.raise_compiler_error("refresh_floor_days (" ~ floor_days ~ ") must be positive and at most refresh_ceiling_days (" ~ ceiling_days ~ ")") }}
{%- endif %}
{%- set most = [(period / floor_days) | round(0, 'floor') | int, 1] | max %}
{%- set fewest = [(period / ceiling_days) | round(0, 'ceil') | int, 1] | max %}
{%- set most = [most, fewest] | max %}
{%- set budget_text = (var('monthly_credits', env_var('SOCIAL_MONTHLY_CREDITS', '')) | string) | trim %}
{%- if budget_text not in ('', 'None') and not modules.re.match('^[0-9]+$', budget_text) %}
    {{ exceptions.raise_compiler_error("monthly_credits (or $SOCIAL_MONTHLY_CREDITS) must be a whole number of credits, got '" ~ budget_text ~ "'") }}
{%- endif %}
with

rates as (

    -- Typed here: a rate may be NULL on every row (none known yet), which some databases would
    -- otherwise take for text.
    select
        platform,
        target_username,
        cast(rate_per_day as double precision) as rate_per_day,
        rate_source,
        rate_is_lower_bound,
        cast(list_size as double precision) as list_size,
        observations,
        last_snapshot_at

    from {{ ref('target_change_rates') }}

),

newest as (

    select max(last_snapshot_at) as newest_snapshot_at from rates

),

targets as (

    select
        rates.*,
        -- No rate known anywhere yet (no target has two snapshots): every list is assumed to
        -- turn over at the same relative rate, so changes scale with its size (no expected
        -- change is claimed for it, only the budget shared out by size).
        coalesce(rates.rate_per_day,
                 {{ prior_relative_rate }} * rates.list_size) as planning_rate,
        rates.list_size as planning_size,
        {{ epoch_seconds('rates.last_snapshot_at') }}
            >= {{ epoch_seconds('newest.newest_snapshot_at') }} - {{ 2 * ceiling_days * 86400 }}
            as is_planned

    from rates
    cross join newest

),

budget as (

    select
        {%- if budget_text in ('', 'None') %}
        -- No budget set: what the weekly cron would spend on the same targets.
        cast(ceil(count(*) * {{ lookup_credits * period / 7.0 }}) as bigint) as budget_credits,
        'weekly cron equivalent' as budget_source,
        {%- else %}
        cast({{ budget_text }} as bigint) as budget_credits,
        'monthly_credits' as budget_source,
        {%- endif %}
        count(*) * {{ fewest * lookup_credits }} as ceiling_credits

    from targets
    where is_planned

),

gains as (

    -- g(k) of every target for k = 1 .. the floor's number of refreshes a month.
    select
        targets.platform,
        targets.target_username,
        ks.k,
        ks.k * targets.planning_size
            * (1 - exp(-targets.planning_rate * {{ period }} / (ks.k * targets.planning_size)))
            as month_changes

    from targets
    cross join {{ integers(most) }} as ks
    where targets.is_planned

),

marginal as (

    select
        platform,
        target_username,
        k,
        month_changes - lag(month_changes) over (
            partition by platform, target_username order by k
        ) as gain

    from gains

),

ranked as (

    -- Every refresh beyond the ceiling's, best gain first (ties: the earlier refresh, then by
    -- name, so a build always gives the same plan); the credits spent once it is bought too.
    select
        marginal.*,
        sum({{ lookup_credits }}) over (
            order by gain desc, k, platform, target_username
            rows between unbounded preceding and current row
        ) as cumulative_credits

    from marginal
    where k > {{ fewest }} and gain > 0

),

bought as (

    select ranked.platform, ranked.target_username, count(*) as extra_refreshes
    from ranked
    cross join budget
    where ranked.cumulative_credits <= budget.budget_credits - budget.ceiling_credits
    group by ranked.platform, ranked.target_username

),

planned as (

    select
        targets.*,
        case
            when not targets.is_planned then 0
            else {{ fewest }} + coalesce(bought.extra_refreshes, 0)
        end as refreshes_per_month

    from targets
    left join bought
        on bought.platform = targets.platform
        and bought.target_username = targets.target_username

),

final as (

    select
        planned.platform,
        planned.target_username,
        case planned.platform when 'twitter' then 'tw_' else 'ig_' end
            || planned.target_username as partition_key,
        planned.is_planned,
        planned.rate_per_day,
        planned.rate_source,
        planned.rate_is_lower_bound,
        planned.list_size,
        planned.observations,
        planned.last_snapshot_at,
        planned.refreshes_per_month,
        case when planned.refreshes_per_month > 0
             then {{ period }} * 1.0 / planned.refreshes_per_month end as refresh_interval_days,
        case when planned.refreshes_per_month > 0
             then {{ from_epoch_seconds(epoch_seconds('planned.last_snapshot_at')
                                        ~ ' + ' ~ period * 86400 ~ ' * 1.0 / planned.refreshes_per_month') }}
        end as next_refresh_at,
        case when planned.refreshes_per_month > 0 and planned.rate_per_day is not null
             then planned.list_size * (1 - exp(-planned.rate_per_day * {{ period }}
                  / (planned.refreshes_per_month * planned.list_size)))
        end as expected_changes_per_refresh,
        case when planned.rate_per_day is null then null
             when planned.refreshes_per_month > 0
             then planned.refreshes_per_month * planned.list_size
                  * (1 - exp(-planned.rate_per_day * {{ period }}
                  / (planned.refreshes_per_month * planned.list_size)))
             else 0
        end as expected_changes_per_month,
        planned.refreshes_per_month * {{ lookup_credits }} as credits_per_month,
        budget.budget_credits as plan_budget_credits,
        budget.budget_source as plan_budget_source,
        budget.ceiling_credits > budget.budget_credits as plan_over_budget

    from planned
    cross join budget

)

select
    *,
    sum(credits_per_month) over () as plan_credits_per_month

from final
