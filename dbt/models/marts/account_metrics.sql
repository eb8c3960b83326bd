-- One row per account of the current follow graph (an endpoint of a current edge): its
-- degrees, its mutual follows and its PageRank within its platform's graph
-- (networkx.pagerank with alpha = var('pagerank_alpha')). On DuckDB the Python model
-- account_pagerank computes the degrees and the PageRank; on PostgreSQL they are SQL here.
with

{#- The same switch as account_pagerank.yml's `enabled`: keep them equal. DuckDB reads the
    accounts, their degrees and PageRank from the Python model (a sparse power iteration on the
    integer graph, warm-started); dbt-postgres cannot run Python models, so PostgreSQL counts
    the degrees here and keeps the SQL macro (the same PageRank). #}
{%- if target.type == 'duckdb' %}
graph as (

    select platform, username, in_degree, out_degree, pagerank
    from {{ ref('account_pagerank') }}

),
{%- else %}
current_follows as (

    select * from {{ ref('fct_follows') }}
    where is_current

),

degrees as (

    -- Each endpoint of a current edge once per edge: the edges into it and out of it.
    select platform, username, sum(in_edge) as in_degree, sum(out_edge) as out_degree
    from (
        select platform, followed_username as username, 1 as in_edge, 0 as out_edge
        from current_follows
        union all
        select platform, follower_username as username, 0 as in_edge, 1 as out_edge
        from current_follows
    ) as endpoints
    group by platform, username

),

pageranks as (

    {{ pagerank(
        'current_follows',
        source_column='follower_username',
        target_column='followed_username',
        partition_by='platform',
        alpha=var('pagerank_alpha'),
        max_iterations=var('pagerank_max_iterations'),
    ) | indent(4) }}

),

graph as (

    select platform, username, degrees.in_degree, degrees.out_degree, ranks.pagerank
    from degrees
    left join (select platform, node as username, pagerank from pageranks) as ranks
        using (platform, username)

),
{%- endif %}

mutual_follows as (

    select * from {{ ref('mutual_follows') }}

),

mutual_counts as (

    select platform, username, count(*) as mutual_count
    from (
        select platform, username_a as username from mutual_follows
        union all
        select platform, username_b as username from mutual_follows
    ) as mutual_endpoints
    group by platform, username

),

cut_lists as (

    select platform, target_username as username, bool_or(is_truncated) as any_truncated
    from {{ ref('int_snapshots') }}
    where is_latest
    group by platform, target_username

),

final as (

    select
        graph.platform,
        graph.username,
        graph.in_degree,
        graph.out_degree,
        coalesce(mutual_counts.mutual_count, 0) as mutual_count,
        graph.pagerank,
        -- The account's own latest followers or following list was cut (max_results): its
        -- degrees count the lists as returned, a lower bound.
        coalesce(cut_lists.any_truncated, false) as inputs_truncated

    from graph
    left join cut_lists
        on cut_lists.platform = graph.platform
        and cut_lists.username = graph.username
    left join mutual_counts
        on mutual_counts.platform = graph.platform
        and mutual_counts.username = graph.username

)

select * from final
