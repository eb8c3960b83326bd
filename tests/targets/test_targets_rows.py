"""Target rows given by platform + username / tweet_id, the ``collect`` list, and rows that are
malformed: each row becomes a Target or a RejectedRow whose reason names what is wrong."""
import csv
import io

import pytest
import yaml

from social_assets.targets import RejectedRow, Target, parse_partition_key, parse_targets


def parse_row(row: dict, fmt: str = "yaml"):
    """The one Target or RejectedRow of a file holding just ``row``, written as ``fmt``."""
    if fmt == "yaml":
        text = yaml.safe_dump({"targets": [row]}, allow_unicode=True)
        result = parse_targets(text, name="targets.yaml")
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(row.keys())
        writer.writerow(["|".join(v) if isinstance(v, list) else v for v in row.values()])
        result = parse_targets(out.getvalue(), name="targets.csv")
    items = [*result.targets, *result.rejected]
    assert len(items) == 1, items
    return items[0]


def parse_yaml_row(row_text: str):
    """The one result of a YAML list whose single item is ``row_text`` written verbatim."""
    result = parse_targets(f"targets:\n  - {row_text}\n", name="targets.yaml")
    items = [*result.targets, *result.rejected]
    assert len(items) == 1, items
    return items[0]


def assert_round_trip(target: Target) -> None:
    expected = target.tweet_id if target.kind == "post" else target.username
    assert parse_partition_key(target.partitions_def_name, target.partition_key) == (
        target.platform, expected)


@pytest.fixture(params=["yaml", "csv"])
def fmt(request):
    return request.param


GOOD_ACCOUNTS = [
    # (scenario, platform, username, expected platform, expected handle, key)
    ("twitter handle", "twitter", "janedoe", "twitter", "janedoe", "tw_janedoe"),
    ("x alias, @ and capitals", "X", "@JaneDoe", "twitter", "janedoe", "tw_janedoe"),
    ("tw alias, spaces around", "tw", "  jane_doe  ", "twitter", "jane_doe", "tw_jane_doe"),
    ("upper-case platform, one letter", "TWITTER", "J", "twitter", "j", "tw_j"),
    ("all-digit twitter handle", "twitter", "1234567890", "twitter", "1234567890", "tw_1234567890"),
    ("twitter handle of 15", "twitter", "a" * 15, "twitter", "a" * 15, "tw_" + "a" * 15),
    ("instagram with dots and capitals", "instagram", "Jane.Doe", "instagram", "jane.doe", "ig_jane.doe"),
    ("ig alias with @", "ig", "@jane_doe.99", "instagram", "jane_doe.99", "ig_jane_doe.99"),
    ("instagram handle of 30", "Instagram", "a" * 30, "instagram", "a" * 30, "ig_" + "a" * 30),
    ("instagram trailing underscore", "instagram", "jane_", "instagram", "jane_", "ig_jane_"),
]


@pytest.mark.parametrize("platform, username, want_platform, want_handle, key",
                         [c[1:] for c in GOOD_ACCOUNTS], ids=[c[0] for c in GOOD_ACCOUNTS])
def test_platform_and_username_name_an_account(fmt, platform, username, want_platform,
                                               want_handle, key):
    target = parse_row({"platform": platform, "username": username}, fmt)
    assert isinstance(target, Target), str(target)
    assert (target.platform, target.kind, target.username, target.tweet_id) == (
        want_platform, "account", want_handle, None)
    assert target.partition_key == key and target.partitions_def_name == "accounts"
    assert target.source == f"@{want_handle} on {want_platform}"
    assert target.collect == {"followers", "following"}
    assert_round_trip(target)


@pytest.mark.parametrize("platform, tweet_id", [
    ("twitter", "1234567890"), ("x", "1234567890123456789012345"), ("tw", " 1790000000000000001 "),
], ids=["10 digits", "25 digits on x", "spaces around"])
def test_platform_and_tweet_id_name_a_post(fmt, platform, tweet_id):
    target = parse_row({"platform": platform, "tweet_id": tweet_id}, fmt)
    assert isinstance(target, Target), str(target)
    assert (target.kind, target.tweet_id, target.username) == ("post", tweet_id.strip(), None)
    assert target.partition_key == f"tw_{tweet_id.strip()}"
    assert target.partitions_def_name == "posts"
    assert target.source == f"tweet {tweet_id.strip()} on twitter"
    assert target.collect == {"replies"}
    assert_round_trip(target)


def test_unquoted_yaml_tweet_id_is_accepted_with_every_digit():
    target = parse_yaml_row("{platform: twitter, tweet_id: 1790000000000000001}")
    assert target.tweet_id == "1790000000000000001"


def test_yaml_values_are_read_as_written_not_as_yaml_numbers_or_booleans():
    assert parse_yaml_row("{platform: twitter, tweet_id: 0123456789}").tweet_id == "0123456789"
    assert parse_yaml_row("{platform: twitter, username: no}").username == "no"
    assert parse_yaml_row("{platform: twitter, username: 0777}").username == "0777"


def test_username_and_tweet_id_together_name_a_post_by_that_author():
    target = parse_row({"platform": "twitter", "username": "@JaneDoe", "tweet_id": "1234567890"})
    assert (target.kind, target.username, target.tweet_id) == ("post", "janedoe", "1234567890")


BAD_USERNAMES = [
    # (scenario, platform, username, words the reason must contain)
    ("16 characters on twitter", "twitter", "abcdefghij_12345", "16 characters long, Twitter allows at most 15"),
    ("space", "twitter", "jane doe", "character ' ' (U+0020 SPACE), allowed: a-z 0-9 _"),
    ("path traversal on twitter", "twitter", "../x", "character '.' (U+002E FULL STOP)"),
    ("path traversal on instagram", "instagram", "../x", "character '/' (U+002F SOLIDUS)"),
    ("slash", "twitter", "a/b", "character '/' (U+002F SOLIDUS)"),
    ("dot-dot on instagram", "instagram", "..", "starts or ends with '.'"),
    ("dot-dot on twitter", "twitter", "..", "U+002E FULL STOP"),
    ("percent-encoded dots", "twitter", "%2e%2e", "character '%' (U+0025 PERCENT SIGN)"),
    ("cyrillic look-alike",
     "twitter", "j\u0430nedoe",
     "username 'j\u0430nedoe' has character '\u0430' (U+0430 CYRILLIC SMALL LETTER A), allowed: a-z 0-9 _"),
    ("full-width letters", "twitter", "\uff4a\uff41\uff4e\uff45", "U+FF4A FULLWIDTH LATIN SMALL LETTER J"),
    ("zero-width joiner", "twitter", "jane\u200ddoe",
     "username 'jane\\u200ddoe' has character '\\u200d' (U+200D ZERO WIDTH JOINER)"),
    ("zero-width space", "instagram", "jane\u200bdoe", "U+200B ZERO WIDTH SPACE"),
    ("emoji", "twitter", "jane\U0001F600", "U+1F600 GRINNING FACE"),
    ("kelvin sign that NFC folds to K", "twitter", "\u212aelvin", "U+212A KELVIN SIGN"),
    ("decomposed accent", "twitter", "jose\u0301", "U+00E9 LATIN SMALL LETTER E WITH ACUTE"),
    ("dotted handle on twitter", "twitter", "jane.doe", "'.' (U+002E FULL STOP), allowed: a-z 0-9 _"),
    ("hyphen", "instagram", "jane-doe", "U+002D HYPHEN-MINUS), allowed: a-z 0-9 . _"),
    ("only an @", "twitter", "@", "username is empty"),
    ("two @", "twitter", "@@jane", "character '@' (U+0040 COMMERCIAL AT)"),
    ("31 characters on instagram", "instagram", "a" * 31, "31 characters long, Instagram allows at most 30"),
    ("two dots on instagram", "instagram", "jane..doe", "two dots in a row"),
    ("trailing dot on instagram", "instagram", "jane.", "starts or ends with '.'"),
]


@pytest.mark.parametrize("platform, username, reason", [c[1:] for c in BAD_USERNAMES],
                         ids=[c[0] for c in BAD_USERNAMES])
def test_impossible_handle_is_rejected_naming_the_character_or_rule(fmt, platform, username, reason):
    rejected = parse_row({"platform": platform, "username": username}, fmt)
    assert isinstance(rejected, RejectedRow), rejected
    assert reason in rejected.reason


BAD_TWEET_IDS = [
    # (scenario, tweet_id as written in YAML, words the reason must contain)
    ("9 digits", "123456789", "has 9 digits, expected 10 to 25"),
    ("26 digits", "1" * 26, "has 26 digits"),
    ("letters", "12345abcde", "character 'a' (U+0061 LATIN SMALL LETTER A)"),
    ("yaml float", "1790000000000.0", "is a decimal number"),
    ("yaml exponent float", "1.79e18", "is a decimal number"),
    ("spreadsheet scientific notation", '"1.79E+18"', "store the column as text"),
    ("negative", "-1234567890", "is negative"),
    ("arabic-indic digits", '"\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660"',
     "U+0661 ARABIC-INDIC DIGIT ONE"),
    ("a list", "[1234567890]", "tweet_id must be a single text value, got a list"),
]


@pytest.mark.parametrize("tweet_id, reason", [c[1:] for c in BAD_TWEET_IDS],
                         ids=[c[0] for c in BAD_TWEET_IDS])
def test_impossible_tweet_id_is_rejected(tweet_id, reason):
    rejected = parse_yaml_row(f"{{platform: twitter, tweet_id: {tweet_id}}}")
    assert isinstance(rejected, RejectedRow), rejected
    assert reason in rejected.reason


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
