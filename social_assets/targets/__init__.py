"""The target list: which accounts and posts to collect, and their partition keys.

The format and its rules are documented in ``files`` (file level), ``rows`` (one row),
``urls`` (accepted URLs) and ``values`` (handles, tweet ids, collect).
"""
from .files import parse_targets, read_target_file
from .model import (RejectedRow, Target, TargetList, TargetListError, account_key,
                    parse_partition_key, post_key)

__all__ = ["Target", "RejectedRow", "TargetList", "TargetListError", "parse_targets",
           "read_target_file", "account_key", "post_key", "parse_partition_key"]
