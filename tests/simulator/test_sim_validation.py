"""Submit parameters: aliases, URL forms, clamping, and the provider-style refusals."""

from __future__ import annotations

import pytest

TWEET = "1786123456789012345"  # janedoe's post with 48 replies


def _spec(api, response):
    assert response.status_code == 202, response.text
    return api.sim.jobs[response.json()["data"]["request_id"]].spec


@pytest.mark.parametrize("params", [
    {"social_media_url": "https://x.com/janedoe", "type": "followers"},
    {"twitter_url": "https://x.com/janedoe", "type": "followers"},
    {"social_media_url": "https://x.com/janedoe", "interaction_type": "followers"},
    {"twitter_url": "https://twitter.com/janedoe", "interaction_type": "followers"},
    {"username": "janedoe", "type": "followers"},
    {"username": "@janedoe", "type": "followers"},
    {"username": "@JaneDoe", "interaction_type": "followers"},
    {"social_media_url": "https://mobile.twitter.com/JaneDoe?s=20", "type": "followers"},
    {"social_media_url": "https://www.x.com/janedoe/", "type": "followers"},
], ids=["url", "twitter_url", "interaction_type", "both-aliases", "username", "at-username",
        "mixed-case", "mobile-with-query", "www-trailing-slash"])
def test_parameter_aliases_and_url_forms_name_the_same_lookup(api, params):
    spec = _spec(api, api.submit(**params))
    assert (spec.platform, spec.username, spec.interaction_type) == (
        "twitter", "janedoe", "followers")


@pytest.mark.parametrize("params", [
    {"social_media_url": f"https://x.com/janedoe/status/{TWEET}"},
    {"social_media_url": f"https://twitter.com/janedoe/status/{TWEET}?s=46&t=abc"},
    {"social_media_url": f"https://x.com/i/web/status/{TWEET}"},
    {"social_media_url": f"https://mobile.x.com/janedoe/status/{TWEET}/photo/1"},
    {"twitter_url": f"https://www.twitter.com/janedoe/status/{TWEET}"},
    {"tweet_id": TWEET},
    {"tweet_id": int(TWEET)},
    {"username": "janedoe", "tweet_id": TWEET},
], ids=["x", "twitter-query", "i-web", "mobile-photo", "www-alias", "tweet-id",
        "tweet-id-int", "username-and-id"])
def test_replies_take_the_tweet_id_from_a_status_url_or_the_parameter(api, params):
    spec = _spec(api, api.submit(type="replies", **params))
    assert spec.tweet_id == TWEET and spec.interaction_type == "replies"


def test_the_url_wins_over_username_and_tweet_id_parameters(api):
    spec = _spec(api, api.submit(social_media_url=f"https://x.com/janedoe/status/{TWEET}",
                                 username="nasa", tweet_id="1111111111111", type="replies"))
    assert spec.tweet_id == TWEET and spec.username == "janedoe"


def test_instagram_profile_urls_name_an_instagram_lookup(api):
    spec = _spec(api, api.submit(social_media_url="https://www.instagram.com/jane.doe/",
                                 type="followers,following"))
    assert (spec.platform, spec.username, spec.interaction_type) == (
        "instagram", "jane.doe", "followers,following")


@pytest.mark.parametrize(("params", "message"), [
    ({"social_media_url": "https://www.instagram.com/natgeo/", "type": "replies"},
     "Instagram does not support interaction type 'replies'"),
    ({"social_media_url": "https://x.com/janedoe/status/12345", "type": "replies"},
     "tweet_id must be 10-25 digits"),
    ({"tweet_id": "12345678901234567890123456", "type": "replies"},
     "tweet_id must be 10-25 digits"),
    ({"tweet_id": "17861234567890abc", "type": "replies"}, "tweet_id must be 10-25 digits"),
    ({"type": "followers"}, "Either social_media_url or username is required"),
    ({"username": "@", "type": "followers"}, "Either social_media_url or username is required"),
    ({"social_media_url": "https://facebook.com/janedoe", "type": "followers"},
     "Unsupported social_media_url host 'facebook.com': expected twitter.com, x.com or "
     "instagram.com"),
    ({"social_media_url": "x.com/janedoe", "type": "followers"},
     "social_media_url must be an http(s) URL: 'x.com/janedoe'"),
    ({"username": "janedoe"}, "type is required: one of replies, followers, following, "
                              "followers,following"),
    ({"username": "janedoe", "type": "likes"},
     "Invalid interaction type 'likes': expected one of replies, followers, following, "
     "followers,following"),
    ({"username": "janedoe", "type": "following,followers"},
     "Invalid interaction type 'following,followers': expected one of replies, followers, "
     "following, followers,following"),
    ({"username": "jane.doe", "type": "followers"}, "Invalid Twitter/X username 'jane.doe'"),
    ({"social_media_url": "https://x.com/i/web/status/1786123456789012345",
      "type": "followers"},
     "username is required for followers lookups when social_media_url names no profile"),
    ({"username": "janedoe", "type": "replies"},
     "tweet_id is required for replies when social_media_url has no /status/<id>"),
    ({"social_media_url": "https://www.instagram.com/p/C1a2b3c4/", "type": "followers"},
     "Instagram post URLs are not supported: give a profile URL"),
    ({"username": "janedoe", "type": "followers", "max_results": "many"},
     "max_results must be an integer"),
    ({"username": "janedoe", "type": "followers", "callback_url": "ftp://example.com/hook"},
     "callback_url must be an http(s) URL"),
    ({"username": "janedoe", "type": "followers", "callback_url": "not a url"},
     "callback_url must be an http(s) URL"),
], ids=["instagram-replies", "short-id-in-url", "long-id", "non-digit-id", "no-target",
        "bare-at", "unknown-host", "no-scheme", "no-type", "bad-type", "reversed-compound",
        "dotted-twitter-name", "i-web-followers", "replies-without-id", "instagram-post",
        "max-results-text", "ftp-callback", "junk-callback"])
def test_invalid_submits_are_400_with_the_providers_message(api, sim, params, message):
    response = api.submit(**params)
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and body["error"]["code"] == "invalid_request"
    assert body["error"]["message"] == message
    assert len(sim.jobs) == 0


@pytest.mark.parametrize(("body", "message"), [
    (b"{not json", "Request body must be valid JSON"),
    (b"", "Request body must be a JSON object"),
    (b'["followers"]', "Request body must be a JSON object"),
])
def test_a_body_that_is_not_a_json_object_is_400(client, body, message):
    response = client.post("/person/interactions", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == message


def test_a_callback_url_outside_the_allow_list_is_refused(make_sim, api_for):
    api = api_for(make_sim(callback_allowlist=["https://hooks.example.com/"]))
    response = api.submit(username="janedoe", type="followers",
                          callback_url="https://evil.example.net/hook")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "callback_url is not in the account's callback allow-list")
    allowed = api.submit(username="janedoe", type="followers",
                         callback_url="https://hooks.example.com/nyne/abc")
    assert allowed.status_code == 202


@pytest.mark.parametrize(("given", "clamped"), [
    (None, 100), (1, 10), (10, 10), (250, 250), ("300", 300), (1000, 1000), (5000, 1000),
    (-3, 10),
])
def test_max_results_defaults_to_100_and_is_clamped_to_10_through_1000(api, given, clamped):
    params = {"username": "nasa", "type": "followers"}
    if given is not None:
        params["max_results"] = given
    assert _spec(api, api.submit(**params)).max_results == clamped
