-- The accounts worth collecting next: one row per account of the current follow graph that no
-- followers or following lookup was made of yet, ranked by how strongly the collected targets
-- point at it. Only the targets' own lists are collected (never a follower's following list),
-- so every current edge has a target at one end, and for an account not collected its degrees
-- ARE its ties to the targets: in_degree = targets following it (seen in their following
-- lists), out_degree = targets it follows (it is in their followers lists), mutual_count =
-- targets it follows that follow it back. "Accounts most followed by the targets' followers"
-- is not in the data: nobody collected those followers' following lists.
--
-- score = expansion_followed_by_weight * followed_by_targets
--       + expansion_follows_weight * follows_targets           (2 and 1 by default)
-- A target choosing to follow an account is the stronger vote (a peer the targets watch); an
-- account following many targets is an engaged member of their audience. Ties: the higher
-- PageRank (the rank the targets pass it; compared to 1e-9, so both warehouses agree), then the
-- larger profile followers_count, then the platform and handle. Only the best var('expansion_max_candidates') rows are kept: a proposal
-- is a few dozen accounts, and the graph may hold millions.
{%- set followed_by_weight = var('expansion_followed_by_weight', 2) %}
{%- set follows_weight = var('expansion_follows_weight', 1) %}
{%- set max_candidates = var('expansion_max_candidates', 10000) %}
with

latest_lists as (

    select * from {{ ref('int_snapshots') }}
    where is_latest

),

collected as (

    -- Every account a followers or following lookup was made of: already a target.
    select distinct platform, target_username as username
    from latest_lists

),

platform_lists as (

    -- A cut latest list (max_results) may miss ties of any account of its platform.
    select platform, bool_or(is_truncated) as any_truncated
    from latest_lists
    group by platform

),

metrics as (

    select * from {{ ref('account_metrics') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

scored as (

    select
        metrics.platform,
        metrics.username,
        metrics.in_degree as followed_by_targets,
        metrics.out_degree as follows_targets,
        metrics.mutual_count as mutual_targets,
        metrics.pagerank,
        cast({{ followed_by_weight }} * metrics.in_degree
            + {{ follows_weight }} * metrics.out_degree as double precision) as score

    from metrics
    left join collected
        on collected.platform = metrics.platform
        and collected.username = metrics.username
    where collected.username is null

),

cutoff as (

    -- The score of the last row kept: only rows scoring at least that need their profile
    -- (dim_accounts is joined to those alone, not to every account of the graph).
    select min(score) as score
    from (
        select score from scored
        order by score desc
        limit {{ max_candidates }}
    ) as kept

),

signals as (

    select
        scored.*,
        accounts.display_name,
        accounts.profile_url,
        accounts.followers_count,
        accounts.is_verified,
        coalesce(platform_lists.any_truncated, false) as signals_lower_bound

    from scored
    inner join cutoff
        on scored.score >= cutoff.score
    left join accounts
        on accounts.platform = scored.platform
        and accounts.username = scored.username
    left join platform_lists
        on platform_lists.platform = scored.platform

),

best as (

    select * from signals
    order by score desc, floor(pagerank * 1e9) desc, followers_count desc nulls last,
        platform, username
    limit {{ max_candidates }}

),

ranked as (

    select
        row_number() over (
            order by score desc, floor(pagerank * 1e9) desc, followers_count desc nulls last,
                platform, username
        ) as candidate_rank,
        best.*

    from best

),

final as (

    select
        candidate_rank,
        platform,
        username,
        score,
        followed_by_targets,
        follows_targets,
        mutual_targets,
        pagerank,
        followers_count,
        display_name,
        profile_url,
        is_verified,
        signals_lower_bound

    from ranked

)

select * from final
