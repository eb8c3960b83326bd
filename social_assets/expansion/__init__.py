"""Audience expansion (opt-in): the accounts worth collecting next, proposed within a credit
budget for an operator to accept into the target list (``social-graph expand --accept``).

``candidates`` reads the ranked ``expansion_candidates`` mart, ``budget`` says what a target
costs, ``proposal`` picks the best candidates the budget pays for, ``target_file`` appends
accepted rows to the target list, ``files`` writes the proposal, ``asset`` is the Dagster asset
an operator materializes. Nothing here launches a run or spends a credit.
"""
