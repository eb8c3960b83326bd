"""LookupRequest: what the contract makes certain is refused locally, before any HTTP call."""

import pytest

from resources.nyne import InvalidRequest, LookupRequest


def test_a_followers_request_builds_the_documented_submit_body():
    req = LookupRequest("twitter", "followers", username="@janedoe", max_results=500)
    assert req.username == "janedoe"  # the provider strips a leading @; so do we
    assert req.to_json() == {"type": "followers", "username": "janedoe", "max_results": 500}


def test_a_replies_request_by_status_url_needs_no_separate_tweet_id():
    req = LookupRequest("twitter", "replies", social_media_url="https://x.com/janedoe/status/1790000000000000000")
    assert req.to_json() == {
        "type": "replies",
        "social_media_url": "https://x.com/janedoe/status/1790000000000000000",
        "max_results": 1000,
    }


def test_none_values_are_omitted_and_a_callback_is_sent_when_given():
    req = LookupRequest(
        "instagram", "followers,following", social_media_url="https://www.instagram.com/natgeo/",
        max_results=10, callback_url="https://hooks.example.org/nyne/abc",
    )
    assert req.is_compound
    assert req.to_json() == {
        "type": "followers,following",
        "social_media_url": "https://www.instagram.com/natgeo/",
        "max_results": 10,
        "callback_url": "https://hooks.example.org/nyne/abc",
    }


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        (dict(platform="instagram", interaction_type="replies", username="natgeo"), "no 'replies'"),
        (dict(platform="mastodon", interaction_type="followers", username="x"), "platform"),
        (dict(platform="twitter", interaction_type="likes", username="x"), "no 'likes'"),
        (dict(platform="twitter", interaction_type="replies", tweet_id="123456789"), "10 to 25 digits"),
        (dict(platform="twitter", interaction_type="replies", tweet_id="1" * 26), "10 to 25 digits"),
        (dict(platform="twitter", interaction_type="replies", tweet_id="12345678901x"), "10 to 25 digits"),
        (dict(platform="twitter", interaction_type="replies", username="janedoe"), "needs tweet_id"),
        (dict(platform="twitter", interaction_type="followers"), "needs username"),
        (dict(platform="twitter", interaction_type="followers", username="x", max_results=9), "10..1000"),
        (dict(platform="twitter", interaction_type="followers", username="x", max_results=1001), "10..1000"),
        (dict(platform="twitter", interaction_type="followers", username="x", max_results="50"), "integer"),
        (dict(platform="twitter", interaction_type="followers", social_media_url="https://instagram.com/x"),
         "instagram URL"),
        (dict(platform="twitter", interaction_type="followers", social_media_url="https://example.com/x"),
         "Twitter/X or Instagram"),
        (dict(platform="twitter", interaction_type="followers", username="x", callback_url="ftp://h/x"), "callback_url"),
        (
            dict(platform="twitter", interaction_type="replies", tweet_id="1111111111",
                 social_media_url="https://twitter.com/a/status/2222222222"),
            "disagrees",
        ),
    ],
)
def test_an_impossible_request_raises_invalid_request_naming_the_problem(kwargs, fragment):
    with pytest.raises(InvalidRequest) as info:
        LookupRequest(**kwargs)
    assert fragment in str(info.value)
    assert info.value.status is None  # refused locally, no HTTP status
    assert info.value.request is not None


@pytest.mark.parametrize(
    "url", ["https://twitter.com/a", "http://x.com/a", "https://mobile.x.com/a", "www.twitter.com/a"]
)
def test_every_documented_twitter_host_is_accepted(url):
    assert LookupRequest("twitter", "followers", social_media_url=url).platform == "twitter"


def test_type_and_platform_are_normalised():
    req = LookupRequest("Twitter", "Followers, Following", username="x")
    assert (req.platform, req.interaction_type) == ("twitter", "followers,following")


def test_an_instagram_lookup_by_username_is_sent_with_its_profile_url():
    # The API infers the platform from the URL; a bare username means Twitter/X.
    req = LookupRequest("instagram", "followers", username="jane.doe", max_results=50)
    assert req.to_json() == {
        "type": "followers",
        "social_media_url": "https://www.instagram.com/jane.doe/",
        "username": "jane.doe",
        "max_results": 50,
    }
