-- One row per handle the API showed with an account id: the account it names and that
-- account's current handle (account_aliases.is_current_username), the key every model
-- downstream gives the account. A handle several accounts held (a handle reused) names the
-- account seen under it most recently. A handle never seen with an id has no row: it is keyed
-- by itself (identity 'handle'). Incremental, keyed on the handle: the handles of every account
-- a new snapshot names by id, and of the accounts sharing a handle with those, are recomputed
-- (macros/identity.sql); no other handle's resolution can change.
-- depends_on: {{ ref('stg_nyne__followers') }}, {{ ref('stg_nyne__following') }}, {{ ref('stg_nyne__repliers') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key=['platform', 'username'],
          post_hook=record_build_watermark()) }}
with

aliases as (

    select * from {{ ref('account_aliases') }}

),

scoped as (

    select * from aliases
    {%- if is_incremental() %}
    where (platform, username) in (
        select platform, username from ({{ identity_scope(every_account=true) | indent(8) }}
        ) as scope)
    {%- endif %}

),

latest_holders as (

    select
        platform,
        username,
        account_id,
        current_username,
        row_number() over (
            partition by platform, username
            order by last_seen_at desc, account_id desc
        ) as holder_rank

    from scoped

),

final as (

    select
        platform,
        username,
        account_id,
        current_username,
        username <> current_username as is_renamed

    from latest_holders
    where holder_rank = 1

)

select
    *,
    -- Which build wrote the row (its start): data tests read the rows written since they
    -- last passed (macros/tests/scope.sql).
    {{ staged_at() }} as built_at

from final
