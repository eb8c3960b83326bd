"""``receive.run`` as the command runs it: in its own process, configured from the environment,
stopped with Ctrl-C (SIGINT), never printing the token."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from resources.callbacks import CallbackInbox, callback_url
from tests.callbacks.conftest import TOKEN, payload

ROOT = Path(__file__).resolve().parents[2]
RUN = ("import argparse, sys; from social_graph.cli import receive; "
       "sys.exit(receive.run(argparse.Namespace(host='127.0.0.1', port=0, "
       "max_body_bytes=1 << 20)))")


def start(tmp_path, **env: str) -> subprocess.Popen:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("SOCIAL_CALLBACK_TOKEN", "SOCIAL_LEDGER_URL")}
    return subprocess.Popen([sys.executable, "-c", RUN], cwd=ROOT, text=True,
                            env={**environ, "SOCIAL_DATA_DIR": str(tmp_path / "data"), **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_the_receive_command_stores_deliveries_and_stops_cleanly_on_ctrl_c(tmp_path):
    proc = start(tmp_path, SOCIAL_CALLBACK_TOKEN=TOKEN)
    try:
        line = proc.stdout.readline()
        match = re.search(r"callback receiver on (http://127\.0\.0\.1:\d+)/nyne/callbacks/\*\*\* ",
                          line)
        assert match, line
        assert "ledger sqlite:///" in line and "ledger.sqlite" in line
        response = httpx.post(callback_url(match.group(1), TOKEN), trust_env=False,
                              content=payload("req_cli", "completed"))
        assert response.json() == {"stored": True, "request_id": "req_cli", "duplicate": False}
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert TOKEN not in line + out + err
    assert "callback req_cli status=completed new -> 200" in err  # the delivery's log line
    ledger = CallbackInbox(f"sqlite:///{tmp_path / 'data' / 'ledger.sqlite'}")
    assert ledger.get("req_cli").deliveries == 1


def test_the_receive_command_without_a_token_exits_2_saying_what_to_set(tmp_path):
    proc = start(tmp_path)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 2 and out == ""
    assert "SOCIAL_CALLBACK_TOKEN is not set" in err and "Traceback" not in err


def test_the_receive_command_with_a_weak_token_exits_2_without_printing_it(tmp_path):
    proc = start(tmp_path, SOCIAL_CALLBACK_TOKEN="weak-Secret9")
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 2 and "16 characters" in err
    assert "weak-Secret9" not in out + err


def test_the_receive_subcommand_parses_its_options_with_safe_defaults():
    import argparse

    from social_graph.cli import receive

    parser = argparse.ArgumentParser(prog="social-graph")
    receive.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["receive"])
    assert (args.host, args.port, args.max_body_bytes) == ("127.0.0.1", 8787, 16 * 1024 * 1024)
    args = parser.parse_args(["receive", "--port", "0", "--max-body-bytes", "1024"])
    assert (args.port, args.max_body_bytes) == (0, 1024)
