"""Target rows given by platform + username / tweet_id: each row becomes a Target, or a
RejectedRow whose reason names what is wrong with the handle or the tweet id."""
import pytest

from social_assets.targets import RejectedRow, Target
from tests.targets.rows import assert_round_trip, parse_row, parse_yaml_row


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
