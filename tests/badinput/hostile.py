"""A hostile target list: a handful of good rows naming accounts and posts the simulator knows,
spread among malformed rows of every kind, written as YAML and as CSV.

``BAD`` rows are ``Case(name, fields, keyword)``: the row's fields (or, for YAML only, its raw
list item) and a word its rejection's reason must contain, saying what is wrong. ``GOOD`` rows
carry the partition key they must become; several spell the same target, which must be merged,
never collected twice. ``writers`` turns them into files.
"""
from __future__ import annotations

from dataclasses import dataclass, field

POST = "1801234567890123456"  # dagster_io's post in the simulator's world, 25 replies


@dataclass(frozen=True)
class Case:
    name: str
    fields: dict = field(default_factory=dict)
    keyword: str = ""      # bad rows: a word of the reason; good rows: the partition key
    raw: str | None = None  # a YAML list item written as is (YAML only)

    @property
    def yaml_only(self) -> bool:
        """A raw YAML item, a control character (CSV has no escapes) or only blank cells (a
        blank CSV line, which is skipped) cannot be written as a CSV row."""
        values = [v for v in self.fields.values() if isinstance(v, str)]
        return (self.raw is not None or not any(v.strip() for v in values)
                or any(needs_escape(c) for v in values for c in v))


def needs_escape(ch: str) -> bool:
    """Characters a YAML file carries only escaped (control characters, line separators)."""
    return ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029\ufeff"


def _good(name: str, key: str, **fields) -> Case:
    return Case(name, fields, key)


# Every account collects followers and following (however its rows say it), so that
# ``collect`` needs one run for the accounts and one for the post.
GOOD = [
    _good("twitter profile", "tw_janedoe", url="https://x.com/janedoe"),
    _good("twitter handle", "tw_dagster_io", platform="twitter", username="@Dagster_IO"),
    _good("instagram handle", "ig_natgeo", platform="instagram", username="natgeo",
          collect=["followers", "following"]),
    _good("instagram profile", "ig_jane.doe", url="https://www.instagram.com/jane.doe/",
          collect=["Following", "FOLLOWERS"]),
    _good("status url", f"tw_{POST}", url=f"https://x.com/i/web/status/{POST}"),
    # The same targets spelled again: merged into the rows above, never a second lookup.
    _good("duplicate, upper case with query", "tw_janedoe", url="HTTPS://MOBILE.TWITTER.COM/JaneDoe/?s=20",
          collect=["followers"]),
    _good("duplicate as platform and handle", "tw_janedoe", platform="x", username="@janedoe"),
    _good("duplicate post as tweet_id", f"tw_{POST}", platform="twitter", tweet_id=POST),
]
# What each good target collects once its rows are merged.
ACCOUNT = {"followers", "following"}
GOOD_COLLECT = {"tw_janedoe": ACCOUNT, "tw_dagster_io": ACCOUNT, "ig_natgeo": ACCOUNT,
                "ig_jane.doe": ACCOUNT, f"tw_{POST}": {"replies"}}


def _bad(name: str, keyword: str, **fields) -> Case:
    return Case(name, fields, keyword)


def _url(name: str, url: str, keyword: str) -> Case:
    return Case(name, {"url": url}, keyword)


def _tw(name: str, username: str, keyword: str) -> Case:
    return Case(name, {"platform": "twitter", "username": username}, keyword)


def _ig(name: str, username: str, keyword: str) -> Case:
    return Case(name, {"platform": "instagram", "username": username}, keyword)


def _tweet(name: str, tweet_id: str, keyword: str) -> Case:
    return Case(name, {"platform": "twitter", "tweet_id": tweet_id}, keyword)


BAD = [
    # Bad URLs and hosts: look-alike domains, credentials, punycode, other schemes.
    _url("x.com as a subdomain", "https://x.com.evil.io/janedoe", "unknown host 'x.com.evil.io'"),
    _url("twitter.co", "https://twitter.co/janedoe", "unknown host 'twitter.co'"),
    _url("instagram.com as user info", "https://instagram.com@evil.io/natgeo", "user name or password"),
    _url("instagram.com as a subdomain", "instagram.com.evil.io/natgeo", "unknown host 'instagram.com.evil.io'"),
    _url("punycode look-alike", "https://xn--twtter-7ya.com/janedoe", "unknown host 'xn--twtter-7ya.com'"),
    _url("facebook", "https://facebook.com/janedoe", "unknown host 'facebook.com'"),
    _url("an ip address", "https://127.0.0.1/janedoe", "unknown host '127.0.0.1'"),
    _url("javascript pseudo-url", "javascript:alert(document.cookie)", "'javascript'"),
    _url("javascript with slashes", "javascript://x.com/%0aalert(1)", "scheme 'javascript'"),
    _url("ftp scheme", "ftp://x.com/janedoe", "scheme 'ftp'"),
    _url("file scheme", "file:///etc/passwd", "scheme 'file'"),
    _url("one slash after http", "http:/x.com/janedoe", "malformed"),
    _url("odd port", "https://x.com:8080/janedoe", "port '8080'"),
    _url("home page", "https://x.com/", "home page"),
    _url("search page", "https://x.com/search?q=janedoe", "search page"),
    _url("space in the path", "https://x.com/jane doe", "U+0020 SPACE"),
    _url("instagram post", "https://www.instagram.com/p/CxYz123AbC/", "Instagram has no replies lookup"),
    _url("cyrillic host", "https://\u0445.com/janedoe", "U+0445 CYRILLIC SMALL LETTER HA"),
    _url("fullwidth host", "https://\uff58.com/janedoe", "U+FF58 FULLWIDTH LATIN SMALL LETTER X"),
    # Types a platform does not offer.
    _bad("replies on instagram", "Instagram has no replies lookup",
         platform="instagram", username="natgeo", collect=["replies"]),
    _bad("tweet id on instagram", "tweet_id is Twitter only", platform="instagram", tweet_id=POST),
    _url("instagram reel", "https://www.instagram.com/reel/CxYz123AbC/", "reel"),
    _bad("unknown collect value", "unknown collect value 'likes'", url="https://x.com/janedoe",
         collect=["likes"]),
    _bad("followers of a post", "needs an account", url=f"https://x.com/dagster_io/status/{POST}",
         collect=["followers"]),
    _bad("replies of an account", "needs a post", platform="twitter", username="janedoe",
         collect=["replies"]),
    _bad("unknown platform", "unknown platform 'facebook'", platform="facebook", username="janedoe"),
    _bad("cyrillic platform", "U+0445", platform="\u0445", username="janedoe"),
    # Impossible handles.
    _tw("twitter handle of 16", "abcdefghij_12345", "16 characters long, Twitter allows at most 15"),
    _tw("hyphen in a twitter handle", "jane-doe", "U+002D HYPHEN-MINUS"),
    _tw("dot in a twitter handle", "jane.doe", "U+002E FULL STOP"),
    _tw("only an at sign", "@", "username is empty"),
    _tw("two at signs", "@@janedoe", "U+0040 COMMERCIAL AT"),
    _tw("emoji handle", "jane\U0001F600", "U+1F600"),
    _ig("instagram leading dot", ".natgeo", "starts or ends with '.'"),
    _ig("instagram two dots", "nat..geo", "two dots in a row"),
    _ig("instagram handle of 31", "a" * 31, "31 characters long"),
    _bad("platform alone", "alone names nothing", platform="twitter", username=" "),
    # Impossible tweet ids.
    _tweet("tweet id of 9 digits", "123456789", "has 9 digits"),
    _tweet("tweet id of 26 digits", "1" * 26, "has 26 digits"),
    _tweet("tweet id with letters", "18012345678901234ab", "character 'a'"),
    _tweet("negative tweet id", "-" + POST, "is negative"),
    _tweet("decimal tweet id", POST + ".0", "decimal number"),
    _tweet("spreadsheet tweet id", "1.80123E+18", "a spreadsheet may have rounded it"),
    _tweet("fullwidth digits", "".join(chr(0xFF10 + int(d)) for d in POST), "U+FF11 FULLWIDTH DIGIT ONE"),
    _tweet("arabic-indic digits", "".join(chr(0x0660 + int(d)) for d in POST), "U+0661 ARABIC-INDIC DIGIT ONE"),
    _tweet("zero width space in a tweet id", POST[:9] + "\u200b" + POST[9:], "U+200B ZERO WIDTH SPACE"),
    _url("status url without id", "https://x.com/janedoe/status/", "no tweet id"),
    # Path tricks.
    _url("dot-dot segment", "https://x.com/../etc/passwd", "'..' segment"),
    _url("dot-dot after a status", f"https://x.com/janedoe/status/{POST}/../../nasa", "'..' segment"),
    _url("encoded dot-dot", "https://x.com/%2e%2e/%2e%2e/etc/passwd", "'%2e%2e' segment"),
    _url("encoded slashes", "https://x.com/..%2f..%2fetc%2fpasswd", "U+002E FULL STOP"),
    _url("dot segment", "https://x.com/./janedoe", "'.' segment"),
    _url("bare relative path", "../../../etc/passwd", "unknown host '..'"),
    _url("absolute path", "/etc/passwd", "no host"),
    _url("windows path", "..\\..\\windows\\win.ini", "unknown host"),
    _url("encoded nul", "https://x.com/janedoe%00", "U+0025 PERCENT SIGN"),
    _url("nul byte in a url", "https://x.com/jane\x00doe", "U+0000"),
    _tw("path as a handle", "../../etc/passwd", "U+002E FULL STOP"),
    _ig("backslashes as a handle", "..\\..\\x", "U+005C REVERSE SOLIDUS"),
    _ig("target=.. as a handle", "target=..", "U+003D EQUALS SIGN"),
    _ig("slash in a handle", "nat/geo", "U+002F SOLIDUS"),
    _tw("nul byte in a handle", "jane\x00doe", "U+0000"),
    # Look-alike Unicode.
    _url("cyrillic a in a handle", "https://x.com/j\u0430nedoe", "U+0430 CYRILLIC SMALL LETTER A"),
    _tw("zero width joiner in a handle", "dagster\u200d_io", "U+200D ZERO WIDTH JOINER"),
    _url("right-to-left override", "https://x.com/\u202eeodenaj", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    _tw("fullwidth handle", "\uff4a\uff41\uff4e\uff45\uff44\uff4f\uff45", "U+FF4A FULLWIDTH LATIN SMALL LETTER J"),
    _tw("kelvin sign", "\u212aelvin", "U+212A KELVIN SIGN"),
    _ig("greek omicron", "natge\u03bf", "U+03BF GREEK SMALL LETTER OMICRON"),
    _url("soft hyphen", "https://x.com/jane\u00addoe", "U+00AD SOFT HYPHEN"),
    _url("no-break space", "https://x.com/jane\u00a0doe", "U+00A0 NO-BREAK SPACE"),
    # Overlong values: rejected with a short message.
    _url("overlong url", "https://x.com/" + "j" * 100_000, "100000 characters long"),
    _tw("overlong handle", "q" * 50_000, "50000 characters long"),
    # Rows that contradict themselves or name nothing.
    _bad("url and platform disagree", "url is on twitter but platform says 'instagram'",
         url="https://x.com/janedoe", platform="instagram"),
    _bad("url and handle disagree", "url names @janedoe but username says @nasa",
         url="https://x.com/janedoe", username="nasa"),
    _bad("handle without platform", "needs a platform", username="janedoe"),
    _bad("empty row", "row names no account or post", url="", collect=""),
    # YAML structure that is not a row.
    Case("a number", keyword="row is a number", raw="12345"),
    Case("a bare word", keyword="not a URL", raw="janedoe"),
    Case("an empty item", keyword="row is empty", raw=""),
    Case("a list", keyword="row is a list", raw="[url, https://x.com/janedoe]"),
    Case("a misspelt key", keyword="did you mean 'username'", raw="{platform: twitter, usernmae: janedoe}"),
    Case("a key twice", keyword="given twice", raw="{url: x.com/janedoe, URL: x.com/nasa}"),
    Case("url as a list", keyword="url must be a single text value", raw="{url: [x.com/janedoe]}"),
    Case("a python tag", keyword="row is a list", raw="!!python/object/apply:os.system ['touch pwned']"),
    Case("a merge key", keyword="unknown key '<<'", raw="{<<: {platform: twitter}, username: janedoe}"),
]
