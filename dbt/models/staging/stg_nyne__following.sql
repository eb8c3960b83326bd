-- One row per following snapshot (lookup) and followed account: `target_username` follows `username`.
{{ config(materialized='incremental', incremental_strategy='append',
          post_hook=record_build_watermark()) }}
{{ stg_nyne_relationship_list('following') }}
