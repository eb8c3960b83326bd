"""Partition keys: built from targets, safe for the Dagster UI and file names, and parsed back
to the platform and handle or tweet id they came from."""
import re

import pytest

from social_assets.targets import (Target, account_key, parse_partition_key, parse_targets,
                                   post_key)

KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")

EVERY_GOOD_FORM = """\
targets:
  - https://x.com/JaneDoe
  - http://www.twitter.com/jane_doe2/?s=20#top
  - mobile.x.com/ABCDEFGHIJ_1234
  - https://x.com/janedoe/status/1234567890123/photo/1
  - https://x.com/i/web/status/1234567890123456789012345
  - https://twitter.com/bob/statuses/9876543210
  - https://www.instagram.com/jane.doe_/
  - m.instagram.com/a.b.c
  - https://instagram.com/__x__
  - {platform: X, username: "@Zed"}
  - {platform: ig, username: "@Jane.Doe.99"}
  - {platform: tw, tweet_id: 1111111111}
  - {platform: twitter, username: "1234567890"}
"""


def test_every_good_target_round_trips_through_its_partition_key():
    result = parse_targets(EVERY_GOOD_FORM)
    assert result.rejected == ()
    assert len(result.targets) == 13
    for target in result.targets:
        key = target.partition_key
        assert KEY.match(key) and "," not in key and "|" not in key, key
        expected = target.tweet_id if target.kind == "post" else target.username
        assert parse_partition_key(target.partitions_def_name, key) == (target.platform, expected)


@pytest.mark.parametrize("platform, username, key", [
    ("twitter", "janedoe", "tw_janedoe"), ("x", "@JaneDoe", "tw_janedoe"),
    ("TW", " jane_doe ", "tw_jane_doe"), ("instagram", "Jane.Doe", "ig_jane.doe"), ("ig", "a" * 30, "ig_" + "a" * 30),
])
def test_account_key_normalises_like_a_row(platform, username, key):
    assert account_key(platform, username) == key
    assert parse_partition_key("accounts", key)[1] == key[3:]


@pytest.mark.parametrize("platform, tweet_id, key", [
    ("twitter", "1234567890", "tw_1234567890"), ("x", 1234567890123, "tw_1234567890123"),
    ("tw", "9" * 25, "tw_" + "9" * 25),
])
def test_post_key_accepts_digits_as_text_or_int(platform, tweet_id, key):
    assert post_key(platform, tweet_id) == key


@pytest.mark.parametrize("call, message", [
    (lambda: account_key("facebook", "janedoe"), "unknown platform 'facebook'"),
    (lambda: account_key("twitter", "jane.doe"), "U+002E FULL STOP"),
    (lambda: account_key("instagram", "j\u0430ne"), "U+0430 CYRILLIC SMALL LETTER A"),
    (lambda: post_key("instagram", "1234567890"), "posts are Twitter only"),
    (lambda: post_key("twitter", "123"), "has 3 digits"),
    (lambda: post_key("twitter", -1234567890), "is negative"),
    (lambda: post_key("twitter", 1.5e12), "tweet id must be digits, got float"),
], ids=["unknown platform", "dotted twitter handle", "look-alike", "post on instagram",
        "short id", "negative id", "float id"])
def test_key_builders_refuse_invalid_input(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


@pytest.mark.parametrize("name, key, message", [
    ("accounts", "", "malformed accounts partition key ''"),
    ("accounts", "tw_", "username is empty"),
    ("accounts", "fb_janedoe", "start with tw_ or ig_"),
    ("accounts", "janedoe", "start with tw_ or ig_"),
    ("accounts", "tw-janedoe", "start with tw_ or ig_"),
    ("accounts", "TW_janedoe", "malformed accounts partition key 'TW_janedoe'"),
    ("accounts", "tw_JaneDoe", "malformed"),
    ("accounts", "tw_jane doe", "malformed"),
    ("accounts", "tw_jane,doe", "malformed"),
    ("accounts", "tw_jane|doe", "malformed"),
    ("accounts", "tw_jane.doe", "U+002E FULL STOP"),
    ("accounts", "ig_.jane", "starts or ends with '.'"),
    ("accounts", "tw_" + "a" * 16, "16 characters long"),
    ("accounts", "ig_" + "a" * 61, "malformed"),
    ("posts", "tw_janedoe", "character 'j'"),
    ("posts", "ig_1234567890", "posts are Twitter only"),
    ("posts", "tw_123456789", "has 9 digits"),
    ("users", "tw_janedoe", "unknown partitions definition 'users'"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 24 else None)
def test_malformed_partition_key_is_a_clear_value_error(name, key, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_partition_key(name, key)


def test_target_refuses_to_be_built_inconsistent():
    good = dict(platform="twitter", kind="account", username="janedoe", tweet_id=None,
                collect=frozenset({"followers"}), row=1, source="@janedoe on twitter")
    assert Target(**good).partition_key == "tw_janedoe"
    assert Target(**{**good, "collect": {"following"}}).collect == frozenset({"following"})
    for change in [{"username": "JaneDoe"}, {"platform": "facebook"}, {"collect": frozenset()},
                   {"collect": frozenset({"replies"})}, {"kind": "list"},
                   {"kind": "post", "tweet_id": "1234567890", "username": None}]:
        with pytest.raises(ValueError):
            Target(**{**good, **change})
    post = Target(platform="twitter", kind="post", username=None, tweet_id="1234567890",
                  collect=frozenset({"replies"}), row=1, source="tweet 1234567890 on twitter")
    assert (post.partition_key, post.partitions_def_name) == ("tw_1234567890", "posts")
