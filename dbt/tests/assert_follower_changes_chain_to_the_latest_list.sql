-- Summing a target's net changes over its followers snapshots gives its latest list's size
-- (the first snapshot gains everyone, each next one adds gained - lost), the target itself not
-- counted when the API lists it among its own followers. Only for targets whose lists were
-- never cut: a cut list's changes are lower bounds (net is NULL there).
with

changes as (

    select platform, target_username, sum(net) as total_net
    from {{ ref('follower_changes') }}
    group by platform, target_username
    having not bool_or(is_lower_bound)

),

latest as (

    select
        platform,
        target_username,
        row_count - case when lists_itself then 1 else 0 end as row_count
    from {{ ref('int_snapshots') }}
    where list_type = 'followers' and is_latest

)

select changes.*, latest.row_count
from changes
inner join latest
    on latest.platform = changes.platform
    and latest.target_username = changes.target_username
where changes.total_net <> latest.row_count
