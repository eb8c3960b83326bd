"""The proposal within a credit budget, from the candidates of the built warehouse."""

import pytest

from resources.settings import Settings
from social_assets.expansion.budget import (BudgetError, Budget, check_limit, refreshes_per_month,
                                            resolve_budget)
from social_assets.expansion.candidates import Candidate, load_candidates
from social_assets.expansion.proposal import AcceptError, propose
from social_assets.export.connection import connect_warehouse

from .collection import EXPECTED_KEYS

WEEKLY = "0 6 * * 1"


@pytest.fixture(scope="module")
def candidates(built):
    with connect_warehouse(Settings.resolve(data_dir=str(built), environ={})) as conn:
        return load_candidates(conn)


def test_the_budget_is_spent_on_the_best_candidates_and_never_passed(candidates):
    assert [c.partition_key for c in candidates] == EXPECTED_KEYS
    for credits in range(0, 31):
        proposal = propose(candidates, Budget(credits, "test"), refresh_cron=WEEKLY)
        count = min(credits // 3, len(candidates))
        assert [c.partition_key for c in proposal.rows] == EXPECTED_KEYS[:count], credits
        assert proposal.credits_proposed == 3 * count <= credits
        # Greedy until spent: the next candidate would have passed the budget.
        assert count == len(candidates) or proposal.credits_proposed + 3 > credits


def test_rows_already_in_the_target_list_are_passed_over_and_the_limit_holds(candidates):
    proposal = propose(candidates, Budget(300, "test"), refresh_cron=WEEKLY, limit=3,
                       listed={"tw_p1", "tw_p2"})
    assert [c.partition_key for c in proposal.rows] == ["tw_x1", "tw_x2", "ig_ig_a"]
    assert proposal.already_listed == 2 and proposal.credits_proposed == 9


def test_a_handle_the_target_list_would_reject_is_never_proposed(candidates):
    odd = Candidate(0, "twitter", "not a handle", 99.0, 9, 9, 0, 0.5, None, None, False)
    proposal = propose([odd, *candidates], Budget(6, "test"), refresh_cron=WEEKLY)
    assert [c.partition_key for c in proposal.rows] == EXPECTED_KEYS[:2]
    assert proposal.invalid_handles == ("not a handle on twitter",)


def test_the_monthly_refresh_cost_follows_the_cron(candidates):
    proposal = propose(candidates, Budget(9, "test"), refresh_cron=WEEKLY)
    # 208 Mondays in the 1,461 days from Wednesday 2025-01-01 (208 weeks and Wednesday to
    # Sunday), a month being 30 days
    assert refreshes_per_month(WEEKLY) == pytest.approx(208 * 30 / 1461)
    assert proposal.monthly_refresh_credits() == pytest.approx(3 * 3 * 208 * 30 / 1461)
    assert refreshes_per_month("0 3 * * *") == pytest.approx(30.0)
    with pytest.raises(BudgetError, match="'every monday'"):
        refreshes_per_month("every monday")


def test_accepting_by_number_handle_or_all(candidates):
    proposal = propose(candidates, Budget(12, "test"), refresh_cron=WEEKLY)
    keys = lambda rows: [c.partition_key for c in rows]  # noqa: E731
    assert keys(proposal.select("all")) == EXPECTED_KEYS[:4]
    assert keys(proposal.select("3, 1")) == ["tw_p1", "tw_p2"]
    assert keys(proposal.select("tw_x2,@P1,x1,1")) == ["tw_p1", "tw_x1", "tw_x2"]


@pytest.mark.parametrize("spec, message", [
    ("0", "'0': the proposal has rows 1 to 4"),
    ("5", "'5': the proposal has rows 1 to 4"),
    ("1,,2", "expected all, row numbers"),
    ("", "expected all, row numbers"),
    ("nobody", "'nobody': no proposed account has that handle"),
    ("ig_ig_a", "ig_ig_a is candidate #5 but outside this proposal (12 credits)"),
])
def test_an_accept_value_naming_no_proposed_row_is_refused_by_name(candidates, spec, message):
    proposal = propose(candidates, Budget(12, "test"), refresh_cron=WEEKLY)
    with pytest.raises(AcceptError) as caught:
        proposal.select(spec)
    assert message in str(caught.value)


def test_the_budget_comes_from_the_flag_else_the_environment_else_the_default():
    assert resolve_budget(12) == Budget(12, "--credits")
    env = {"SOCIAL_EXPANSION_CREDITS": " 45 "}
    assert resolve_budget(None, environ=env) == Budget(45, "$SOCIAL_EXPANSION_CREDITS")
    assert resolve_budget(None, environ={}) == Budget(30, "default")
    for bad in ("-3", "ten", "1.5"):
        with pytest.raises(BudgetError, match=r"\$SOCIAL_EXPANSION_CREDITS must be a whole"):
            resolve_budget(None, environ={"SOCIAL_EXPANSION_CREDITS": bad})
    with pytest.raises(BudgetError, match="--credits must be"):
        resolve_budget(-1)
    with pytest.raises(BudgetError, match="--limit must be"):
        check_limit(0)


def test_a_warehouse_built_before_the_mart_existed_is_named(tmp_path):
    import duckdb

    from social_assets.expansion.candidates import CandidatesMissing

    duckdb.connect(str(tmp_path / "warehouse.duckdb")).close()
    with connect_warehouse(Settings.resolve(data_dir=str(tmp_path), environ={})) as conn:
        with pytest.raises(CandidatesMissing, match="no expansion_candidates table.*build the "
                                                    "warehouse again"):
            load_candidates(conn)


def test_a_monthly_credit_budget_is_said_to_cap_the_refreshes():
    from sensors.adaptive_refresh import BUDGET_ENV
    from social_assets.expansion.budget import MONTHLY_CREDITS_ENV, monthly_budget_note

    assert MONTHLY_CREDITS_ENV == BUDGET_ENV  # the adaptive plan's variable, named once each
    assert monthly_budget_note({}) is None
    assert "within 300 credits a month, and new targets share" in monthly_budget_note(
        {"SOCIAL_MONTHLY_CREDITS": "300"})
