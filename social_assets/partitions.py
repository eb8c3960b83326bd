"""The two dynamic partition sets: one key per collected account, one per collected post.

Keys are short and readable, name the platform and the handle or tweet id (``tw_janedoe``,
``ig_jane.doe``, ``tw_1234567890123``), and never contain commas or pipes, which the Dagster
UI's partition picker and backfills split on. ``social_assets.targets`` builds and parses them.

The names are storage keys in the Dagster instance: renaming one orphans every stored key.
"""

import dagster as dg

ACCOUNTS = dg.DynamicPartitionsDefinition(name="accounts")
POSTS = dg.DynamicPartitionsDefinition(name="posts")

BY_NAME = {ACCOUNTS.name: ACCOUNTS, POSTS.name: POSTS}
