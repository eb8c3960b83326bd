{#- The staging of one relationship list (followers or following): both have the same
    columns and the same cleaning, one row per snapshot and listed account. Incremental: each
    build stages the snapshots the manifest staged since this model last built (reading only
    their files), stamped `staged_at`; a snapshot is in staging once its manifest row is. -#}
{% macro stg_nyne_relationship_list(list_type) %}
with

snapshots as (

    select request_id from {{ ref('stg_nyne__snapshots') }}
    where list_type = '{{ list_type }}' and {{ staged_since_last_build() }}

),

source as (

    select * from {{ staged_list_source(list_type) }}
    where request_id in (select request_id from snapshots)

),

renamed as (

    select
        lower(trim(platform)) as platform,
        lower(trim(target_username)) as target_username,
        lower(trim(username)) as username,
        -- The API's id of the account (NULL when it sent none, and in files older than it).
        nullif(trim(cast(account_id as varchar)), '') as account_id,
        display_name,
        profile_url,
        bio,
        cast(followers_count as bigint) as followers_count,
        cast(following_count as bigint) as following_count,
        cast(verified as boolean) as is_verified,
        request_id,
        cast(fetched_at as timestamp with time zone) as snapshot_at,
        extra

    from source
    where username is not null and trim(username) <> ''

),

deduplicated as (

    -- The API may list an account twice in one result (or in two cases): keep one row per
    -- snapshot and lowercased username, the most complete profile first.
    select
        *,
        row_number() over (
            partition by platform, target_username, request_id, username
            order by followers_count desc nulls last, display_name nulls last, bio nulls last
        ) as row_number_in_snapshot

    from renamed

),

final as (

    select
        {{ hash_key(["'" ~ list_type ~ "'", 'platform', 'target_username', 'request_id']) }} as snapshot_id,
        platform,
        target_username,
        username,
        account_id,
        display_name,
        profile_url,
        bio,
        followers_count,
        following_count,
        is_verified,
        request_id,
        snapshot_at,
        extra,
        {{ staged_at() }} as staged_at

    from deduplicated
    where row_number_in_snapshot = 1

)

select * from final
{% endmacro %}
