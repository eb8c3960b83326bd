"""The ``expansion_proposal`` asset: the next targets worth collecting, within a credit budget.

Opt-in: it is in no job a sensor or schedule launches and has no automation condition, so it
runs only when an operator materializes it. It reads the published warehouse read-only
(``connect_warehouse``; the ``warehouse`` pool, as DuckDB cannot be opened while dbt writes it)
and the target list (to leave out rows already listed), writes the proposal to
``<state dir>/proposals/expansion.yaml`` and shows it on the asset's page. It never writes the
target list and never launches a run: rows become targets only through
``social-graph expand --accept``.
"""

from typing import Optional

import dagster as dg
from pydantic import Field

from resources.storage import SocialStorage
from resources.target_list import TargetFileMissing, TargetFileUnreadable, TargetListResource
from social_assets.export.connection import WarehouseNotFound, connect_warehouse
from social_assets.targets import TargetListError, parse_targets
from social_assets.warehouse import WAREHOUSE_POOL

from .budget import BudgetError, check_limit, monthly_budget_note, resolve_budget
from .candidates import MART, CandidatesMissing, load_candidates
from .files import markdown_table, proposal_path, proposal_yaml, write_atomically
from .proposal import propose

EXPANSION_GROUP = "expansion"


class ExpansionConfig(dg.Config):
    credits: Optional[int] = Field(
        default=None, description="Credits the proposal may spend on first lookups (3 per "
        "account). Default: $SOCIAL_EXPANSION_CREDITS, else 30.")
    limit: Optional[int] = Field(default=None, description="The most accounts to propose.")


def listed_account_keys(target_list: TargetListResource, log=None) -> set[str]:
    """The account partition keys the target list names now (none when there is no list yet;
    a list that cannot be read is said in ``log`` and treated as naming none)."""
    try:
        data = target_list.read_bytes()
        parsed = parse_targets(data, name=str(target_list.resolved_path()))
    except TargetFileMissing:
        return set()
    except (TargetFileUnreadable, TargetListError) as exc:
        if log is not None:
            log.warning(f"the target list could not be read, so rows it may already list are "
                        f"proposed too (accepting skips them): {exc}")
        return set()
    return {t.partition_key for t in parsed.accounts()}


def build_expansion_proposal(refresh_cron: str) -> dg.AssetsDefinition:
    """The asset, for the refresh cron the code location loaded (its monthly cost figure)."""

    @dg.asset(
        name="expansion_proposal",
        deps=[dg.AssetKey([MART])],
        group_name=EXPANSION_GROUP,
        kinds={"yaml"},
        pool=WAREHOUSE_POOL,
    )
    def expansion_proposal(context: dg.AssetExecutionContext, config: ExpansionConfig,
                           storage: SocialStorage,
                           target_list: TargetListResource) -> dg.MaterializeResult:
        """Proposes the next targets: the best-ranked accounts of ``expansion_candidates`` not
        yet in the target list, as many as the credit budget pays first lookups for (3 credits
        each), with the monthly refresh cost they would add. Writes
        ``<state dir>/proposals/expansion.yaml``; collects nothing, launches nothing: accept
        rows with ``social-graph expand --accept``."""
        try:
            budget = resolve_budget(config.credits, source="the asset's config `credits`")
            limit = check_limit(config.limit, "the asset's config `limit`")
            settings = storage.settings()
            with connect_warehouse(settings) as conn:
                candidates = load_candidates(conn)
        except (BudgetError, WarehouseNotFound, CandidatesMissing, ValueError) as exc:
            raise dg.Failure(description=str(exc)) from None
        listed = listed_account_keys(target_list, context.log)
        proposal = propose(candidates, budget, refresh_cron=refresh_cron, limit=limit,
                           listed=listed)
        path = proposal_path(settings.local_dir)
        write_atomically(path, proposal_yaml(proposal))
        context.log.info(proposal.summary())
        note = monthly_budget_note()
        return dg.MaterializeResult(metadata={
            **({"refresh_budget": note} if note else {}),
            "dagster/row_count": len(proposal.rows),
            "proposal": dg.MetadataValue.md(markdown_table(proposal)),
            "credits_budgeted": budget.credits,
            "credits_proposed": proposal.credits_proposed,
            "accounts_proposed": len(proposal.rows),
            "budget_source": budget.source,
            "refresh_cron": refresh_cron,
            "monthly_refresh_credits": round(proposal.monthly_refresh_credits(), 1),
            "candidates": len(candidates),
            "already_listed": proposal.already_listed,
            "path": dg.MetadataValue.path(str(path)),
            "accept_with": "social-graph expand --accept all (or row numbers, or handles)",
        })

    return expansion_proposal
