"""What the suite expects of the project: the contract of targets.example.yaml, and the asset
graph from the raw assets through dbt to the export."""

ACCOUNTS = {"tw_janedoe", "tw_dagster_io", "tw_duckdb", "tw_nasa", "tw_quiet_account",
            "ig_jane.doe", "ig_natgeo"}
FOLLOWERS_ONLY = {"tw_duckdb", "ig_natgeo"}  # rows with `collect: [followers]`
BOTH_LISTS = ACCOUNTS - FOLLOWERS_ONLY
POSTS = {"tw_1786123456789012345", "tw_1801234567890123456", "tw_1803000000000000042"}
COLLECTION_JOBS = ("accounts_job", "posts_job")

RAW = ("followers", "following", "repliers")
STAGING = {"followers": "stg_nyne__followers", "following": "stg_nyne__following",
           "repliers": "stg_nyne__repliers"}
MARTS = ("dim_accounts", "fct_follows", "fct_replies", "mutual_follows", "audience_overlap",
         "follower_changes", "account_metrics")
EXPORT = "social_graph_export"
GROUPS = ("nyne_raw", "warehouse", "exports")
