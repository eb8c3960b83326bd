-- One row per following snapshot (lookup) and followed account: `target_username` follows `username`.
{{ stg_nyne_relationship_list('following') }}
