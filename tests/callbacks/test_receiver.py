"""The receiver over real HTTP on loopback: what each kind of request is answered, what is
stored, and that the token never shows in answers, logs or output."""

from __future__ import annotations

import logging
import socket

import pytest
import sqlalchemy as sa

from resources.callbacks import CallbackInbox, CallbackReceiver, callback_url
from resources.lookups.ledger.db import engine_for
from tests.callbacks.conftest import TOKEN, payload


def raw_request(receiver: CallbackReceiver, head: str, body: bytes = b"") -> bytes:
    """Send bytes as they are (no client fixing them up); the whole answer."""
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=5) as conn:
        conn.sendall(head.encode() + b"\r\n\r\n" + body)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_delivery_is_acknowledged_and_stored_then_its_duplicate_too(receiver, hook, http,
                                                                      inbox):
    body = payload("req_1", "completed")
    first, again = http.post(hook, content=body), http.post(hook, content=body)
    assert (first.status_code, first.json()) == (
        200, {"stored": True, "request_id": "req_1", "duplicate": False})
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    assert inbox.get("req_1").deliveries == 2 and inbox.get("req_1").body == body


def test_a_wrong_token_is_forbidden_and_nothing_is_stored(receiver, http, inbox):
    wrong = callback_url(receiver.url, "x" * len(TOKEN))
    response = http.post(wrong, content=payload("req_1", "completed"))
    assert response.status_code == 403 and inbox.get("req_1") is None


@pytest.mark.parametrize("path", ["/", "/nyne/callbacks", f"/nyne/{TOKEN}",
                                  f"/nyne/callbacks/{TOKEN}/extra"])
def test_any_other_path_is_not_found(receiver, http, path):
    response = http.post(receiver.url + path, content=b"{}")
    assert response.status_code == 404 and TOKEN not in response.text


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "HEAD"])
def test_other_methods_on_the_callback_path_are_not_allowed(hook, http, method):
    response = http.request(method, hook)
    assert response.status_code == 405 and response.headers["Allow"] == "POST"


def test_a_body_above_the_limit_is_refused_without_being_stored(inbox, http):
    with CallbackReceiver(inbox, TOKEN, max_body_bytes=1024) as small:
        body = payload("req_1", "completed", padding="x" * 4096)
        response = http.post(callback_url(small.url, TOKEN), content=body)
        assert response.status_code == 413 and inbox.get("req_1") is None
        # At the limit it is fine.
        fits = payload("req_2", "completed")
        assert http.post(callback_url(small.url, TOKEN), content=fits).status_code == 200


def test_an_oversized_content_length_is_answered_413_without_waiting_for_the_body(receiver):
    # A gigabyte announced, none sent: the answer comes at once (a read would time out).
    answer = raw_request(receiver, f"POST /nyne/callbacks/{TOKEN} HTTP/1.1\r\nHost: x\r\n"
                                   f"Content-Length: 1000000000")
    assert answer.startswith(b"HTTP/1.0 413 ")


@pytest.mark.parametrize("length", ["\u00b2", "1\u00b3", "-1", "1e3", "0x10", "", "12 34"],
                         ids=["superscript two", "one cubed", "negative", "exponent", "hex",
                              "empty", "two numbers"])
def test_a_content_length_that_is_not_a_number_is_answered_400(receiver, length):
    # Header bytes are read as Latin-1: byte 0xb2 is '²', which passes str.isdigit() but not
    # int(). It must get an answer, not a dead socket.
    head = f"POST /nyne/callbacks/{TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Length: {length}"
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=5) as conn:
        conn.sendall(head.encode("latin-1") + b"\r\n\r\n{}")
        answer = conn.recv(65536)
    assert answer.startswith(b"HTTP/1.0 400 "), answer


def test_a_delivery_without_content_length_is_refused_411(receiver):
    answer = raw_request(receiver, f"POST /nyne/callbacks/{TOKEN} HTTP/1.1\r\nHost: x\r\n"
                                   "Transfer-Encoding: chunked", b"2\r\n{}\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 411 ")


@pytest.mark.parametrize("body, status", [
    (b"<html>not json</html>", 400), (b'["req_1"]', 400), (b"\xff\xfe\x00", 400),
    (b'{"success": true, "data": {"status": "completed"}}', 422),
    (b'{"message": "hello"}', 422),
])
def test_a_body_that_is_not_a_payload_is_refused(hook, http, inbox, body, status):
    response = http.post(hook, content=body)
    assert response.status_code == status and "error" in response.json()
    assert b"hello" not in response.content and b"not json" not in response.content


def test_a_database_that_cannot_be_written_is_answered_503_so_the_api_retries(
        receiver, hook, http, ledger_url, caplog):
    with engine_for(ledger_url).begin() as conn:
        conn.execute(sa.text("drop table nyne_callbacks"))
    with caplog.at_level(logging.ERROR, logger="social_graph.receiver"):
        response = http.post(hook, content=payload("req_secretive", "completed"))
    assert response.status_code == 503
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "OperationalError" in record.getMessage()
    assert "req_secretive" not in record.getMessage()  # not the body, not the SQL parameters


def test_a_read_only_database_is_answered_503(tmp_path, http, monkeypatch):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # a URI is no path: nothing named "file:" is made where we run
    url = f"sqlite:///{tmp_path / 'ro.sqlite'}"
    CallbackInbox(url)  # the table exists; now a connection that may only read it
    read_only = CallbackInbox(f"sqlite:///file:{tmp_path / 'ro.sqlite'}?mode=ro&uri=true")
    with CallbackReceiver(read_only, TOKEN) as receiver:
        response = http.post(callback_url(receiver.url, TOKEN), content=payload("r", "failed"))
    assert response.status_code == 503
    assert list(cwd.iterdir()) == []


def test_the_receiver_listens_on_loopback_only_by_default(receiver):
    assert receiver.server_address[0] == "127.0.0.1"
    assert receiver.url == f"http://127.0.0.1:{receiver.port}"


def test_one_log_line_per_delivery_and_the_token_nowhere(receiver, hook, http, caplog,
                                                        capfd):
    caplog.set_level(logging.DEBUG)
    http.post(hook, content=payload("req_1", "completed"))
    http.post(hook, content=payload("req_1", "completed"))
    http.post(hook + "?x=1", content=b"nope")
    http.get(hook)
    http.post(hook + "/more", content=b"{}")
    http.post(callback_url(receiver.url, TOKEN[::-1]), content=b"{}")
    for wrong_path in (f"/nyne/{TOKEN}", f"/{TOKEN}", f"/hooks/{TOKEN}?t={TOKEN}"):
        assert http.post(receiver.url + wrong_path, content=b"{}").status_code == 404
    # A malformed request line quoting the token: the standard error page would echo it.
    answer = raw_request(receiver, f"GET /nyne/callbacks/{TOKEN} HTTP/1.1 extra")
    assert answer.startswith(b"HTTP/1.0 400 ") and TOKEN.encode() not in answer
    receiver.stop()  # every handler thread has logged
    # httpx/httpcore are the *sender's* client library logging the URL it was handed.
    ours = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert ours and not [r for r in ours if TOKEN in r.getMessage()]
    deliveries = [r.getMessage() for r in ours if r.getMessage().startswith("callback req_1")]
    assert deliveries == ["callback req_1 status=completed new -> 200",
                          "callback req_1 status=completed duplicate -> 200"]
    assert any("/nyne/callbacks/*** -> 403" in r.getMessage() for r in ours)
    out, err = capfd.readouterr()
    assert TOKEN not in out and TOKEN not in err


@pytest.mark.parametrize("base, token, problem", [
    ("ftp://h", TOKEN, "http(s)"), ("localhost:8787", TOKEN, "http(s)"),
    ("http://h/?a=1", TOKEN, "query"), ("http://h", "short_token", "16"),
    ("http://h", "has/slash" + "x" * 16, "16"), ("http://h", "space " * 5, "16"),
])
def test_a_callback_url_is_built_only_from_a_web_base_and_a_strong_token(base, token, problem):
    with pytest.raises(ValueError, match=problem.replace("(", r"\(").replace(")", r"\)")) as bad:
        callback_url(base, token)
    assert token not in str(bad.value)


def test_a_callback_url_joins_base_and_token():
    assert callback_url("https://hooks.example.org/", TOKEN) == (
        f"https://hooks.example.org/nyne/callbacks/{TOKEN}")


def test_the_receiver_refuses_a_weak_token(inbox):
    with pytest.raises(ValueError, match="16 characters"):
        CallbackReceiver(inbox, "secret")
