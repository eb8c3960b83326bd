-- One row per list a landed lookup returned (the snapshot manifest), empty or not: the only
-- place a snapshot's existence, its size as the API sent it, what was asked and whether the
-- list was cut are read from (decided once, when the raw assets wrote it). Incremental: each
-- build appends the manifest rows it has not staged yet, stamped `staged_at`; the models
-- downstream take in the snapshots staged since they last built (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='append') }}
with

source as (

    -- On an incremental build, only the manifest files not staged yet.
    select * from {{ staged_manifest_source() }}

),

renamed as (

    select
        lower(trim(list_type)) as list_type,
        lower(trim(platform)) as platform,
        lower(trim(target)) as target,
        lower(trim(target_username)) as target_username,
        request_id,
        cast(fetched_at as timestamp with time zone) as snapshot_at,
        cast(rows_returned as bigint) as rows_returned,
        cast(max_results as bigint) as max_results,
        cast(list_total_count as bigint) as list_total_count,
        cast(request_total_count as bigint) as request_total_count,
        cast(is_truncated as boolean) as is_truncated,
        cast(credits as bigint) as credits,
        cast(request_credits as bigint) as request_credits,
        shared_request_with,
        -- Where the list's Parquet file is under the data dir's raw/ (from the names as
        -- written, before any cleaning): what an incremental build of staging reads.
        list_type || '/' || platform || '/' || target || '/' || request_id || '.parquet' as file_path,
        {{ staged_at() }} as staged_at

    from source

),

final as (

    select
        -- The same key the staged rows of the list carry (stg_nyne_relationship_list).
        {{ hash_key(['list_type', 'platform', 'target', 'request_id']) }} as snapshot_id,
        *

    from renamed

)

select * from final
{% if is_incremental() %}
where snapshot_id not in (select snapshot_id from {{ this }})
{% endif %}
