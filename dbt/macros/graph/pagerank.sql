{#-
  pagerank(edges, source_column, target_column, partition_by=none, alpha=0.85,
           max_iterations=150)

  PostgreSQL only. On DuckDB, PageRank is the Python model account_pagerank (a power iteration
  on a scipy.sparse matrix, warm-started from its previous table, stopping at
  var('pagerank_tolerance')); dbt-postgres cannot run Python models, so account_metrics calls
  this macro on PostgreSQL instead. Both compute the same PageRank
  (tests/dbt/test_pagerank_sparse.py, tests/warehouse/test_postgres_path.py).

  A select statement of the PageRank of every node of the directed graph in `edges` (a
  relation, or a CTE name), exactly as networkx.pagerank(G, alpha) defines it on the DiGraph
  of those edges: nodes are the edges' endpoints, duplicate edges count once, every rank starts
  at 1/N, the teleport is uniform, and the rank of dangling nodes (no out-edge) is spread
  uniformly over all nodes at each step of the power iteration.

  partition_by: an optional column of `edges` (e.g. platform): one independent graph, and one
  PageRank summing to 1, per value.

  Columns: <partition_by>, node, pagerank, pagerank_iterations.

  PostgreSQL forbids aggregates in a recursive CTE, so the power iteration is `max_iterations`
  steps unrolled into a chain of materialized CTEs, with no early stop (150 steps: an error
  below 1e-10); pagerank_iterations is always `max_iterations`.
-#}
{% macro pagerank(edges, source_column='source', target_column='target', partition_by=none,
                  alpha=0.85, max_iterations=150) -%}
with

{{ _pagerank_graph_ctes(edges, source_column, target_column, partition_by) }},

pagerank_0 as materialized (

    select node_id, graph_id, graph_size, is_dangling, cast(1.0 as double precision) / graph_size as pagerank
    from pagerank_nodes

),
{% for i in range(1, max_iterations + 1) %}
pagerank_{{ i }} as materialized (

    select node_id, graph_id, graph_size, is_dangling, next_pagerank as pagerank
    from (
        {{ _pagerank_step('pagerank_' ~ (i - 1), alpha) | indent(8) }}
    ) as step

),
{% endfor %}
final_pagerank as (

    select * from pagerank_{{ max_iterations }}

)

select
    {% if partition_by %}pagerank_nodes.graph_key as {{ partition_by }},{% endif %}
    pagerank_nodes.node,
    final_pagerank.pagerank,
    {{ max_iterations }} as pagerank_iterations

from final_pagerank
inner join pagerank_nodes
    on pagerank_nodes.node_id = final_pagerank.node_id
{%- endmacro %}


{#- The integer graph the iteration runs on: pagerank_nodes (node_id, graph_id, graph_key,
    node, graph_size, is_dangling) and pagerank_links (source_id, target_id, weight). -#}
{% macro _pagerank_graph_ctes(edges, source_column, target_column, partition_by) -%}
pagerank_edges as materialized (

    select distinct
        {{ partition_by if partition_by else "'graph'" }} as graph_key,
        {{ source_column }} as source_node,
        {{ target_column }} as target_node

    from {{ edges }}
    where {{ source_column }} is not null and {{ target_column }} is not null

),

pagerank_endpoints as (

    select graph_key, source_node as node from pagerank_edges
    union
    select graph_key, target_node as node from pagerank_edges

),

pagerank_out_degrees as (

    select graph_key, source_node as node, count(*) as out_degree
    from pagerank_edges
    group by graph_key, source_node

),

pagerank_nodes as materialized (

    select
        cast(row_number() over (order by pagerank_endpoints.graph_key, pagerank_endpoints.node) as integer) as node_id,
        cast(dense_rank() over (order by pagerank_endpoints.graph_key) as integer) as graph_id,
        pagerank_endpoints.graph_key,
        pagerank_endpoints.node,
        count(*) over (partition by pagerank_endpoints.graph_key) as graph_size,
        pagerank_out_degrees.out_degree,
        pagerank_out_degrees.out_degree is null as is_dangling

    from pagerank_endpoints
    left join pagerank_out_degrees
        on pagerank_out_degrees.graph_key = pagerank_endpoints.graph_key
        and pagerank_out_degrees.node = pagerank_endpoints.node

),

pagerank_links as materialized (

    select
        sources.node_id as source_id,
        targets.node_id as target_id,
        cast(1.0 as double precision) / sources.out_degree as weight

    from pagerank_edges
    inner join pagerank_nodes as sources
        on sources.graph_key = pagerank_edges.graph_key
        and sources.node = pagerank_edges.source_node
    inner join pagerank_nodes as targets
        on targets.graph_key = pagerank_edges.graph_key
        and targets.node = pagerank_edges.target_node

)
{%- endmacro %}


{#- One power-iteration step from the ranks in `previous` (node_id, graph_id, graph_size,
    is_dangling, pagerank): the new pagerank of every node, as column `next_pagerank`. -#}
{% macro _pagerank_step(previous, alpha) -%}
    select
        {{ previous }}.*,
        {{ alpha }} * coalesce(incoming.inflow, 0)
            + ({{ alpha }} * sum(case when {{ previous }}.is_dangling then {{ previous }}.pagerank else 0 end)
                    over (partition by {{ previous }}.graph_id)
                + (1 - {{ alpha }})) / {{ previous }}.graph_size as next_pagerank

    from {{ previous }}
    left join (
        select pagerank_links.target_id, sum(sources.pagerank * pagerank_links.weight) as inflow
        from pagerank_links
        inner join {{ previous }} as sources
            on sources.node_id = pagerank_links.source_id
        group by pagerank_links.target_id
    ) as incoming
        on incoming.target_id = {{ previous }}.node_id
{%- endmacro %}
