"""The rest of a target row: the ``collect`` list, rows that name nothing or contradict
themselves, URLs with agreeing fields, items that are not mappings, and how keys are read."""
import pytest

from social_assets.targets import RejectedRow, Target
from tests.targets.rows import parse_row, parse_yaml_row


@pytest.mark.parametrize("row, collect", [
    ({"url": "https://x.com/janedoe"}, {"followers", "following"}),
    ({"url": "https://x.com/janedoe/status/1234567890"}, {"replies"}),
    ({"url": "https://www.instagram.com/jane.doe/"}, {"followers", "following"}),
    ({"url": "https://x.com/janedoe", "collect": "followers"}, {"followers"}),
    ({"url": "https://x.com/janedoe", "collect": ["following"]}, {"following"}),
    ({"url": "https://x.com/janedoe", "collect": ["Followers", "following"]}, {"followers", "following"}),
    ({"url": "https://x.com/janedoe", "collect": "followers,following"}, {"followers", "following"}),
    ({"url": "https://x.com/janedoe", "collect": "followers; following"}, {"followers", "following"}),
    ({"url": "https://x.com/janedoe", "collect": "followers | following"}, {"followers", "following"}),
    ({"url": "https://x.com/janedoe", "collect": "FOLLOWING followers following"}, {"followers", "following"}),
    ({"url": "https://www.instagram.com/jane.doe/", "collect": "following"}, {"following"}),
    ({"url": "https://x.com/i/web/status/1234567890", "collect": "replies"}, {"replies"}),
    ({"platform": "x", "tweet_id": "1234567890", "collect": ["replies"]}, {"replies"}),
], ids=["account default", "post default", "instagram default", "one name", "yaml list",
        "list mixed case", "commas", "semicolons", "pipes", "spaces and repeats",
        "instagram following", "post replies", "post replies list"])
def test_collect_defaults_by_kind_and_accepts_lists_and_separated_strings(fmt, row, collect):
    target = parse_row(row, fmt)
    assert isinstance(target, Target), str(target)
    assert target.collect == collect


@pytest.mark.parametrize("row, reason", [
    ({"url": "https://x.com/janedoe", "collect": ["retweets"]},
     "unknown collect value 'retweets'; allowed: followers, following, replies"),
    ({"url": "https://x.com/janedoe", "collect": "follower"}, "(did you mean 'followers'?)"),
    ({"url": "https://x.com/janedoe", "collect": []}, "collect is empty"),
    ({"url": "https://x.com/janedoe", "collect": " ,; | "}, "collect is empty"),
    ({"url": "https://x.com/janedoe", "collect": "replies"}, "collect 'replies' needs a post"),
    ({"url": "https://x.com/janedoe/status/1234567890", "collect": "followers"},
     "collect followers needs an account"),
    ({"url": "https://www.instagram.com/jane.doe/", "collect": "replies"},
     "Instagram has no replies lookup"),
    ({"url": "https://x.com/janedoe", "collect": {"followers": True}}, "must be a list or a text"),
    ({"url": "https://x.com/janedoe", "collect": [["followers"]]}, "collect has a list among its values"),
    ({"url": "https://x.com/janedoe", "collect": ["followers"] * 13}, "more than 12 values"),
], ids=["retweets", "typo", "empty list", "only separators", "replies on an account",
        "followers on a post", "replies on instagram", "a mapping", "nested list", "too many"])
def test_impossible_collect_is_rejected(row, reason):
    rejected = parse_row(row)
    assert isinstance(rejected, RejectedRow), rejected
    assert reason in rejected.reason


@pytest.mark.parametrize("row, reason", [
    ({"url": "https://x.com/janedoe", "colect": "followers"},
     "unknown key 'colect' (did you mean 'collect'?); allowed keys: url, platform, username, tweet_id, collect"),
    ({"platform": "twitter", "handle": "janedoe"}, "unknown key 'handle'"),
    ({"platform": "facebook", "username": "janedoe"}, "unknown platform 'facebook'"),
    ({"username": "janedoe"}, "username needs a platform: twitter or instagram"),
    ({"tweet_id": "1234567890"}, "tweet_id needs a platform"),
    ({"platform": "twitter"}, "platform 'twitter' alone names nothing"),
    ({"platform": "twitter", "username": ""}, "alone names nothing"),
    ({}, "row names no account or post: give url, or platform with username or tweet_id"),
    ({"url": ""}, "row names no account or post"),
    ({"platform": "instagram", "tweet_id": "1234567890"}, "tweet_id is Twitter only: Instagram has no replies lookup"),
    ({"url": "https://x.com/janedoe", "platform": "instagram"}, "url is on twitter but platform says 'instagram'"),
    ({"url": "https://x.com/janedoe", "username": "bob"}, "url names @janedoe but username says @bob"),
    ({"url": "https://x.com/janedoe/status/1234567890", "tweet_id": "1234567899"},
     "url names tweet 1234567890 but tweet_id says 1234567899"),
    ({"url": ["https://x.com/janedoe"]}, "url must be a single text value, got a list"),
], ids=["typo key", "unknown key", "unknown platform", "username without platform",
        "tweet id without platform", "platform alone", "blank username", "empty row",
        "blank url", "tweet on instagram", "url and platform disagree", "url and username disagree",
        "url and tweet id disagree", "url is a list"])
def test_row_that_names_nothing_or_contradicts_itself_is_rejected(row, reason):
    rejected = parse_row(row)
    assert isinstance(rejected, RejectedRow), rejected
    assert reason in rejected.reason


@pytest.mark.parametrize("row, want", [
    ({"url": "https://x.com/JaneDoe", "platform": "X", "username": "@janedoe"}, ("account", "janedoe", None)),
    ({"url": "https://www.instagram.com/jane.doe/", "platform": "ig"}, ("account", "jane.doe", None)),
    ({"url": "https://x.com/janedoe/status/1234567890", "tweet_id": "1234567890"},
     ("post", "janedoe", "1234567890")),
    ({"url": "https://x.com/i/web/status/1234567890", "username": "JaneDoe"}, ("post", "janedoe", "1234567890")),
    ({"url": "https://x.com/janedoe", "tweet_id": "1234567890"}, ("post", "janedoe", "1234567890")),
], ids=["url, platform and username agree", "instagram url and ig", "status url and its id",
        "i/web/status url and its author", "profile url and a tweet id"])
def test_url_with_agreeing_fields_is_accepted(fmt, row, want):
    target = parse_row(row, fmt)
    assert isinstance(target, Target), str(target)
    assert (target.kind, target.username, target.tweet_id) == want
    assert target.source == row["url"]


@pytest.mark.parametrize("item, text, reason", [
    ('"janedoe"', "janedoe", "row is the text 'janedoe' and not a URL"),
    ("1234567890", "1234567890", "row is a number"),
    ("12.5", "12.5", "row is a number"),
    ("", "(empty)", "row is empty"),
    ("null", "(empty)", "row is empty"),
    ("[https://x.com/janedoe]", "[https://x.com/janedoe]", "row is a list"),
    ("{url: x.com/a, url: x.com/b}", "x.com/b", "key 'url' is given twice"),
    ("{[a]: b}", "{[a]: b}", "unknown key '[a]'"),
], ids=["bare word", "integer", "float", "nothing", "null", "list", "duplicate key", "list as key"])
def test_row_that_is_not_a_mapping_is_rejected_with_its_text(item, text, reason):
    rejected = parse_yaml_row(item)
    assert isinstance(rejected, RejectedRow), rejected
    assert (rejected.row, rejected.text) == (2, text)
    assert reason in rejected.reason


def test_bare_url_string_row_is_read_as_its_url():
    target = parse_yaml_row("https://x.com/JaneDoe")
    assert (target.username, target.source) == ("janedoe", "https://x.com/JaneDoe")
    rejected = parse_yaml_row("facebook.com/janedoe")
    assert "unknown host 'facebook.com'" in rejected.reason


def test_rejected_row_text_is_the_row_own_words():
    assert parse_row({"platform": "twitter", "username": "@jane doe"}).text == "@jane doe on twitter"
    assert parse_row({"platform": "x", "tweet_id": "123"}).text == "tweet 123 on x"
    assert parse_row({"platform": "twitter", "colect": "x"}).text == "{colect: x, platform: twitter}"
    invisible = parse_row({"platform": "twitter", "username": "jane\u200ddoe"})
    assert invisible.text == "@jane\\u200ddoe on twitter"


def test_keys_are_case_insensitive_like_spreadsheet_headers():
    target = parse_yaml_row("{URL: 'https://x.com/janedoe', Collect: Followers}")
    assert (target.username, target.collect) == ("janedoe", {"followers"})
