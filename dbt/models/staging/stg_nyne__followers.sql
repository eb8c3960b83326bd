-- One row per followers snapshot (lookup) and follower: `username` follows `target_username`.
{{ config(materialized='incremental', incremental_strategy='append',
          post_hook=record_build_watermark()) }}
{{ stg_nyne_relationship_list('followers') }}
