"""Tolerant parsing: every documented shape, string coercions, nothing unknown dropped."""

import json

import pytest

from resources.nyne import UnknownResultShape
from resources.nyne.entries import parse_interaction
from resources.nyne.parsing import MalformedBody, parse_job, parse_result, parse_usage, unwrap

FLAT_JANE = {
    "username": "john_smith", "display_name": "John Smith", "profile_url": "https://x.com/john_smith",
    "followers_count": 2134, "verified": False,
}  # fmt: skip


def envelope(data):
    return {"success": True, "data": data, "timestamp": "2026-01-01T00:00:00"}


def completed(result, **data):
    return {"request_id": "interaction_abc_1_2", "status": "completed", "completed": True,
            "result": result, "completed_on": "2026-01-15T10:31:00Z", **data}


def test_the_documented_example_parses_into_typed_followers():
    body = envelope(completed({
        "interaction_type": "followers", "platform": "twitter",
        "target": {"username": "janedoe", "profile_url": "https://x.com/janedoe"},
        "interactions": [FLAT_JANE, {"username": "alice_j", "followers_count": 5678, "verified": True}],
        "total_count": 2,
    }))  # fmt: skip
    job = parse_job(unwrap(body), request_id="interaction_abc_1_2")
    assert job.completed and job.status == "completed" and job.completed_on == "2026-01-15T10:31:00Z"
    res = job.result
    assert (res.platform, res.target_username, res.target_profile_url) == ("twitter", "janedoe", "https://x.com/janedoe")
    assert [i.username for i in res.followers] == ["john_smith", "alice_j"]
    assert res.following is None and res.interactions == res.followers
    assert res.followers[0].followers_count == 2134 and res.followers[0].verified is False
    assert res.followers[0].relationship == "follower"
    assert res.total_count == 2 and not res.is_empty and not res.is_truncated(1000)
    assert res.raw["target"]["username"] == "janedoe"


def test_actor_entries_are_merged_and_string_numbers_and_booleans_coerced():
    entry = {
        "relationship_type": "following", "note": "wrapper field",
        "actor": {"username": "nasa", "followers_count": "180000000", "following_count": " 250 ",
                  "verified": "0", "id": "11348282", "location": "Washington", "blue_verified": "true"},
    }  # fmt: skip
    i = parse_interaction(entry, "following")
    assert (i.username, i.followers_count, i.following_count, i.verified) == ("nasa", 180000000, 250, False)
    assert i.account_id == "11348282"
    assert i.extra == {
        "relationship_type": "following", "note": "wrapper field",
        "location": "Washington", "blue_verified": "true",
    }  # fmt: skip
    json.dumps(i.extra)  # extra stays JSON-serialisable


@pytest.mark.parametrize(
    "entry, expected",
    [({"actor": {"username": "nasa", "id": "11348282"}}, "11348282"),  # actor-nested
     ({"username": "nasa", "id": 11348282}, "11348282"),  # flat, sent as a number
     ({"username": "nasa", "id": " 42 "}, "42"),
     ({"username": "nasa", "id": ""}, None),
     ({"username": "nasa", "id": None}, None),
     ({"username": "nasa"}, None),  # the flat shape of the contract's example has no id
     ({"username": "nasa", "user_id": "7", "pk": "8"}, None)],  # spellings the contract never names
)  # fmt: skip
def test_the_entrys_id_becomes_account_id_and_leaves_extra(entry, expected):
    i = parse_interaction(entry)
    assert i.account_id == expected
    assert "id" not in i.extra


def test_an_id_that_is_not_text_or_a_number_is_kept_raw_in_extra():
    i = parse_interaction({"username": "nasa", "id": {"v": 1}})
    assert i.account_id is None and i.extra == {"id": {"v": 1}}


def test_a_wrapper_id_that_disagrees_with_the_actors_is_kept_and_the_actor_wins():
    i = parse_interaction({"id": "row-1", "actor": {"username": "nasa", "id": "11348282"}})
    assert i.account_id == "11348282" and i.extra == {"wrapper_id": "row-1"}


@pytest.mark.parametrize(
    "raw, expected", [("1", True), ("0", False), ("TRUE", True), ("false", False), ("yes", True),
                      (" No ", False), (1, True), (0, False), (True, True), (None, None), ("", None)],
)  # fmt: skip
def test_boolean_strings_are_coerced(raw, expected):
    assert parse_interaction({"verified": raw}).verified is expected


@pytest.mark.parametrize(
    "raw, expected", [("180000000", 180000000), ("1,234", 1234), (42, 42), (42.0, 42), ("7.0", 7), (None, None)]
)
def test_count_strings_are_coerced(raw, expected):
    assert parse_interaction({"followers_count": raw}).followers_count == expected


@pytest.mark.parametrize("raw", ["1.2K", "lots", 3.5, True, [1], {"n": 1}])
def test_an_uncoercible_count_becomes_none_and_is_kept_raw_in_extra(raw):
    i = parse_interaction({"username": "u", "followers_count": raw, "verified": "maybe"})
    assert i.followers_count is None and i.verified is None
    assert i.extra == {"followers_count": raw, "verified": "maybe"}


def test_missing_fields_are_none_and_unknown_fields_are_kept():
    i = parse_interaction({"username": "x", "new_field": {"nested": [1, 2]}, "image_url": None})
    assert i.display_name is None and i.bio is None and i.followers_count is None
    assert i.extra == {"new_field": {"nested": [1, 2]}, "image_url": None}


def test_rows_under_top_level_results_are_accepted():
    data = {"request_id": "r", "status": "completed", "completed": True, "interaction_type": "following",
            "platform": "instagram", "target": {"username": "natgeo"},
            "results": [{"username": "a"}, {"username": "b"}], "total_count": "2"}  # fmt: skip
    res = parse_job(unwrap(envelope(data)), request_id="r").result
    assert [i.username for i in res.following] == ["a", "b"] and res.followers is None
    assert res.total_count == 2 and res.platform == "instagram"


def test_replies_keep_reply_text_and_date():
    result = {"interaction_type": "replies", "platform": "twitter", "interactions": [
        {"username": "r1", "reply_text": "great!", "reply_date": "2026-01-01T00:00:00Z", "like_count": "3"}]}
    res = parse_result(completed(result), request_id="r")
    i = res.interactions[0]
    assert (i.reply_text, i.reply_date, i.relationship) == ("great!", "2026-01-01T00:00:00Z", None)
    assert i.extra == {"like_count": "3"}
    assert res.followers is None and res.following is None


@pytest.mark.parametrize("tag_key", ["relationship_type", "interaction_type"])
@pytest.mark.parametrize("follower_tag", ["follower", "followers", "FOLLOWER", " Followers "])
def test_a_tagged_compound_result_is_split_by_each_entry_tag(tag_key, follower_tag):
    rows = [{tag_key: follower_tag, "username": "f1"}, {tag_key: "Following", "username": "g1"},
            {tag_key: follower_tag, "actor": {"username": "f2"}}]  # fmt: skip
    res = parse_result(completed({"interaction_type": "followers,following", "interactions": rows}), request_id="r")
    assert [i.username for i in res.followers] == ["f1", "f2"]
    assert [i.username for i in res.following] == ["g1"]
    assert {i.relationship for i in res.followers} == {"follower"}
    assert len(res.interactions) == 3


def test_a_split_compound_result_uses_its_two_lists():
    result = {"interaction_type": "followers,following",
              "followers": [{"username": "f1"}], "following": [{"username": "g1"}, {"username": "g2"}]}
    res = parse_result(completed(result), request_id="r")
    assert [i.username for i in res.followers] == ["f1"]
    assert [i.username for i in res.following] == ["g1", "g2"]


def test_a_compound_result_with_no_rows_is_an_empty_result():
    res = parse_result(completed({"interaction_type": "followers,following", "interactions": []}), request_id="r")
    assert res.is_empty and res.followers == () and res.following == ()


@pytest.mark.parametrize(
    "result, fragment",
    [
        ({"interaction_type": "followers,following", "interactions": [{"username": "x"}]},
         "no recognisable relationship"),
        ({"interaction_type": "followers,following",
          "interactions": [{"relationship_type": "friend", "username": "x"}]}, "'friend'"),
        ({"interaction_type": "followers,following", "people": []}, "needs 'followers' and 'following'"),
        ({"interaction_type": "followers,following",
          "followers": [{"username": "x", "relationship_type": "following"}], "following": []}, "contradict"),
        ({"interaction_type": "followers", "people": []}, "no interactions/results list"),
        ({"interactions": []}, "interaction_type"),
    ],
)
def test_an_unknown_shape_raises_unknown_result_shape_naming_the_request(result, fragment):
    with pytest.raises(UnknownResultShape) as info:
        parse_result(completed(result), request_id="interaction_xyz")
    assert fragment in str(info.value)
    assert "interaction_xyz" in str(info.value) and info.value.request_id == "interaction_xyz"


def test_the_requested_type_fills_in_when_the_result_does_not_say_and_a_mismatch_is_refused():
    res = parse_result(completed({"interactions": [{"username": "a"}]}), request_id="r", expected_type="following")
    assert res.interaction_type == "following" and res.following[0].username == "a"
    with pytest.raises(UnknownResultShape, match="asked for 'followers'"):
        parse_result(completed({"interaction_type": "following", "interactions": []}),
                     request_id="r", expected_type="followers")


def test_truncation_is_reported_when_the_cap_is_reached_or_more_exist():
    def res(n, total):
        return parse_result(completed({"interaction_type": "followers", "total_count": total,
                                       "interactions": [{"username": f"u{i}"} for i in range(n)]}), request_id="r")
    assert res(10, 10).is_truncated(10)
    assert res(5, 50).is_truncated(10)
    assert not res(5, 5).is_truncated(10)
    assert not res(5, None).is_truncated(10)


def test_running_and_failed_jobs_carry_no_result():
    running = parse_job({"request_id": "r", "status": "processing", "completed": False}, request_id="r")
    assert not running.completed and running.result is None and not running.is_terminal
    failed = parse_job({"request_id": "r", "status": "failed", "error": "account not found"}, request_id="r")
    assert failed.status == "failed" and failed.error == "account not found" and failed.is_terminal


@pytest.mark.parametrize("body", [[], "x", {"success": True}, {"success": True, "data": "nope"}])
def test_a_body_that_is_not_an_envelope_is_malformed(body):
    with pytest.raises(MalformedBody):
        unwrap(body)


def test_usage_parses_with_string_numbers():
    usage = parse_usage({"credits_used": "30", "requests_count": 12,
                         "limits": {"monthly_allocation": 1000, "available_credits": "970", "is_unlimited": "false"}})
    assert (usage.credits_used, usage.requests_count, usage.available_credits, usage.is_unlimited) == (30, 12, 970, False)


def test_rows_beside_the_result_metadata_are_found_and_kept_in_raw():
    data = completed({"interaction_type": "followers", "platform": "twitter", "target": {"username": "nasa"}},
                     results=[{"username": "a"}])
    res = parse_result(data, request_id="r")
    assert [i.username for i in res.followers] == ["a"]
    assert res.raw["results"] == [{"username": "a"}] and res.raw["target"] == {"username": "nasa"}


def test_a_lone_surrogate_becomes_the_replacement_character_and_a_whole_pair_stays():
    # An emoji cut in half arrives as the JSON escape \ud83d: no UTF-8 text can hold it.
    text = ('{"success": true, "data": {"request_id": "r", "status": "completed", "result": '
            '{"interaction_type": "followers", "platform": "twitter", "target": {"username": '
            '"janedoe"}, "interactions": [{"username": "a", "display_name": "Cut \\ud83d", '
            '"bio": "Rocket \\ud83d\\ude80", "extra_\\udc00": "x\\udfff"}]}}}')
    job = parse_job(unwrap(json.loads(text)), request_id="r")
    [row] = job.result.interactions
    assert row.display_name == "Cut \ufffd"
    assert row.bio == "Rocket \U0001F680"
    assert row.extra == {"extra_\ufffd": "x\ufffd"}
    json.dumps(row.extra, ensure_ascii=False).encode("utf-8")  # now encodable
