"""Target rows given by URL: every accepted URL form, and every URL that must be turned down
with a reason saying what the URL is. Each case runs through a YAML file and a CSV file."""
import csv
import io

import pytest
import yaml

from social_assets.targets import RejectedRow, Target, parse_partition_key, parse_targets

ID = "1234567890123"


def parse_row(row: dict, fmt: str):
    """The one Target or RejectedRow of a file holding just ``row``, written as ``fmt``."""
    if fmt == "yaml":
        result = parse_targets(yaml.safe_dump({"targets": [row]}, allow_unicode=True),
                               name="targets.yaml")
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(row.keys())
        writer.writerow(["|".join(v) if isinstance(v, list) else v for v in row.values()])
        result = parse_targets(out.getvalue().encode(), name="targets.csv")
    items = [*result.targets, *result.rejected]
    assert len(items) == 1, items
    return items[0]


@pytest.fixture(params=["yaml", "csv"])
def fmt(request):
    return request.param


GOOD_URLS = [
    # (scenario, url, platform, username, tweet_id)
    ("x profile", "https://x.com/janedoe", "twitter", "janedoe", None),
    ("twitter profile with capitals", "https://twitter.com/JaneDoe", "twitter", "janedoe", None),
    ("http www trailing slash", "http://www.twitter.com/janedoe/", "twitter", "janedoe", None),
    ("no scheme mobile twitter", "mobile.twitter.com/janedoe", "twitter", "janedoe", None),
    ("no scheme x", "x.com/janedoe", "twitter", "janedoe", None),
    ("query string", "https://x.com/janedoe?lang=en&s=20", "twitter", "janedoe", None),
    ("fragment", "https://x.com/janedoe#top", "twitter", "janedoe", None),
    ("www x slash query fragment", "https://www.x.com/janedoe/?s=20#x", "twitter", "janedoe", None),
    ("mobile x underscore handle", "https://mobile.x.com/jane_doe", "twitter", "jane_doe", None),
    ("scheme-relative", "//x.com/janedoe", "twitter", "janedoe", None),
    ("upper-case scheme and host", "HTTPS://X.COM/JaneDoe", "twitter", "janedoe", None),
    ("explicit port 443", "https://x.com:443/janedoe", "twitter", "janedoe", None),
    ("profile media tab", "https://x.com/janedoe/media", "twitter", "janedoe", None),
    ("profile followers tab", "https://x.com/janedoe/followers/", "twitter", "janedoe", None),
    ("handle of 15 characters", "https://x.com/abcdefghij_1234", "twitter", "abcdefghij_1234", None),
    ("handle with underscores only around", "https://x.com/_jane_", "twitter", "_jane_", None),
    ("surrounding spaces stripped", "  https://x.com/janedoe  ", "twitter", "janedoe", None),
    ("status", f"https://x.com/janedoe/status/{ID}", "twitter", "janedoe", ID),
    ("status photo", f"https://x.com/janedoe/status/{ID}/photo/1", "twitter", "janedoe", ID),
    ("status analytics", f"https://x.com/janedoe/status/{ID}/analytics", "twitter", "janedoe", ID),
    ("status trailing slash", f"https://x.com/janedoe/status/{ID}/", "twitter", "janedoe", ID),
    ("status share query", f"https://x.com/janedoe/status/{ID}?s=20&t=Abc", "twitter", "janedoe", ID),
    ("status twitter.com capitals", f"https://twitter.com/JaneDoe/Status/{ID}", "twitter", "janedoe", ID),
    ("statuses (old form)", f"https://twitter.com/janedoe/statuses/{ID}", "twitter", "janedoe", ID),
    ("i/web/status", f"https://x.com/i/web/status/{ID}", "twitter", None, ID),
    ("i/web/status mobile no scheme", f"mobile.twitter.com/i/web/status/{ID}/", "twitter", None, ID),
    ("i/status", f"https://x.com/i/status/{ID}", "twitter", None, ID),
    ("tweet id of 10 digits", "https://x.com/janedoe/status/1234567890", "twitter", "janedoe",
     "1234567890"),
    ("tweet id of 25 digits", "https://x.com/janedoe/status/" + "9" * 25, "twitter", "janedoe",
     "9" * 25),
    ("instagram profile with dots", "https://www.instagram.com/jane.doe/", "instagram", "jane.doe",
     None),
    ("instagram no scheme no www", "instagram.com/jane_doe.99", "instagram", "jane_doe.99", None),
    ("instagram mobile with query", "https://m.instagram.com/JaneDoe/?hl=en", "instagram",
     "janedoe", None),
    ("instagram reels tab", "https://www.instagram.com/jane.doe/reels/", "instagram", "jane.doe",
     None),
    ("instagram handle of 30 characters", "https://instagram.com/" + "a" * 28 + ".b", "instagram",
     "a" * 28 + ".b", None),
]


@pytest.mark.parametrize("url, platform, username, tweet_id",
                         [c[1:] for c in GOOD_URLS], ids=[c[0] for c in GOOD_URLS])
def test_url_names_the_account_or_post(fmt, url, platform, username, tweet_id):
    target = parse_row({"url": url}, fmt)
    assert isinstance(target, Target), str(target)
    assert (target.platform, target.username, target.tweet_id) == (platform, username, tweet_id)
    assert target.kind == ("post" if tweet_id else "account")
    assert target.collect == ({"replies"} if tweet_id else {"followers", "following"})
    assert target.source == url.strip()
    assert target.row == 2
    expected = tweet_id or username
    assert parse_partition_key(target.partitions_def_name, target.partition_key) == (platform, expected)


BAD_URLS = [
    # (scenario, url, words the reason must contain)
    ("facebook", "https://facebook.com/janedoe",
     "unknown host 'facebook.com': expected twitter.com, x.com or instagram.com"),
    ("x.com as a subdomain of evil.com", "https://x.com.evil.com/janedoe", "unknown host 'x.com.evil.com'"),
    ("evilx.com", "https://evilx.com/janedoe", "unknown host 'evilx.com'"),
    ("twitter.com as a subdomain", "twitter.com.evil.com/janedoe", "unknown host 'twitter.com.evil.com'"),
    ("instagram link shim", "https://l.instagram.com/?u=https://evil.com", "unknown host 'l.instagram.com'"),
    ("userinfo naming x.com", "https://x.com@evil.com/janedoe", "user name or password"),
    ("userinfo before x.com", "https://evil.com@x.com/janedoe", "user name or password"),
    ("ftp scheme", "ftp://x.com/janedoe", "scheme 'ftp' is not http or https"),
    ("javascript pseudo-url", "javascript:alert(1)", "unknown host 'javascript'"),
    ("one slash after scheme", "https:/x.com/janedoe", "malformed"),
    ("odd port", "https://x.com:8080/janedoe", "port '8080'"),
    ("home page", "https://x.com/", "Twitter home page"),
    ("home timeline", "https://x.com/home", "x.com/home is the home timeline on Twitter, not an account or a post"),
    ("explore", "https://twitter.com/explore", "the Explore page"),
    ("search", "https://x.com/search?q=janedoe", "x.com/search is a search page"),
    ("settings", "https://x.com/settings/profile", "a settings page"),
    ("i/ other than a status", "https://x.com/i/lists/1234567890", "an internal page"),
    ("intent link", "https://twitter.com/intent/follow?screen_name=janedoe", "intent"),
    ("hashtag", "https://x.com/hashtag/python", "x.com/hashtag/python is a hashtag page"),
    ("messages", "https://x.com/messages", "direct messages"),
    ("notifications", "https://x.com/notifications", "notifications page"),
    ("login", "https://x.com/login", "login page"),
    ("share", "https://x.com/share?text=hi", "share link"),
    ("status without id", "https://x.com/janedoe/status/", "no tweet id"),
    ("status id of 9 digits", "https://x.com/janedoe/status/123456789", "has 9 digits, expected 10 to 25"),
    ("status id of 26 digits", "https://x.com/janedoe/status/" + "1" * 26, "has 26 digits"),
    ("status id with letters", "https://x.com/janedoe/status/12345abcde", "character 'a'"),
    ("i/web/status without id", "https://x.com/i/web/status/", "no tweet id"),
    ("unknown profile sub-page", "https://x.com/janedoe/foo/bar", "not a Twitter profile or status URL"),
    ("dot-dot segment first", "https://x.com/../janedoe", "'..' segment"),
    ("dot-dot segment after handle", "https://x.com/janedoe/../evil", "'..' segment"),
    ("percent-encoded dot-dot", "https://x.com/%2e%2e/janedoe", "'%2e%2e' segment"),
    ("dot segment", "https://x.com/./janedoe", "'.' segment"),
    ("percent-encoded space", "https://x.com/jane%20doe", "character '%' (U+0025 PERCENT SIGN)"),
    ("space in path", "https://x.com/jane doe", "character ' ' (U+0020 SPACE)"),
    ("backslash path", "https://x.com/jane\\doe", "character '\\' (U+005C REVERSE SOLIDUS)"),
    ("handle of 16 characters", "https://x.com/abcdefghij_12345", "16 characters long, Twitter allows at most 15"),
    ("cyrillic look-alike handle", "https://x.com/j\u0430nedoe", "U+0430 CYRILLIC SMALL LETTER A"),
    ("dotted handle on twitter", "https://x.com/jane.doe", "character '.' (U+002E FULL STOP)"),
    ("instagram post", "https://www.instagram.com/p/CxYz123AbC/",
     "Instagram has no replies lookup; give the account instead"),
    ("instagram reel", "https://www.instagram.com/reel/CxYz123AbC/", "an Instagram reel: Instagram has no replies lookup"),
    ("instagram igtv", "https://www.instagram.com/tv/CxYz123AbC/", "IGTV"),
    ("instagram post under a handle", "https://www.instagram.com/janedoe/p/CxYz123AbC/",
     "an Instagram post by @janedoe: Instagram has no replies lookup"),
    ("instagram explore", "https://www.instagram.com/explore/tags/cats/", "the Explore page on Instagram"),
    ("instagram story", "https://www.instagram.com/stories/janedoe/1234567890/", "a story"),
    ("instagram accounts page", "https://www.instagram.com/accounts/login/", "account settings page"),
    ("instagram direct", "https://www.instagram.com/direct/inbox/", "direct messages"),
    ("instagram home page", "https://www.instagram.com/", "Instagram home page"),
    ("instagram handle with leading dot", "https://www.instagram.com/.janedoe/", "starts or ends with '.'"),
    ("instagram handle with two dots", "https://www.instagram.com/jane..doe/", "two dots in a row"),
    ("instagram handle of 31 characters", "https://instagram.com/" + "a" * 31, "31 characters long"),
    ("instagram handle with hyphen", "https://instagram.com/jane-doe", "U+002D HYPHEN-MINUS"),
    ("instagram unknown sub-page", "https://instagram.com/janedoe/whatever", "not an Instagram profile URL"),
]


@pytest.mark.parametrize("url, reason", [c[1:] for c in BAD_URLS], ids=[c[0] for c in BAD_URLS])
def test_url_that_names_no_target_is_rejected_with_its_reason(fmt, url, reason):
    rejected = parse_row({"url": url}, fmt)
    assert isinstance(rejected, RejectedRow), rejected
    assert reason in rejected.reason
    assert rejected.text == url
    assert str(rejected) == f"row 2 ({url}): {rejected.reason}"


def test_unknown_host_message_reads_as_documented():
    rejected = parse_row({"url": "https://foo.com/x"}, "yaml")
    assert str(rejected) == ("row 2 (https://foo.com/x): unknown host 'foo.com': "
                             "expected twitter.com, x.com or instagram.com")
