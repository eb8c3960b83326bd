-- PageRank is a probability distribution over each platform's current graph: it sums to 1.
select
    platform,
    sum(pagerank) as total_pagerank

from {{ ref('account_metrics') }}
group by platform
having abs(sum(pagerank) - 1) > 1e-6
