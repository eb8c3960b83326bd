-- One row per followers snapshot (lookup) and follower: `username` follows `target_username`.
{{ stg_nyne_relationship_list('followers') }}
