"""``social-graph receive``: run the HTTP receiver for the API's callbacks until Ctrl-C.

The secret token comes from ``$SOCIAL_CALLBACK_TOKEN`` only (never a flag: flags show in
``ps``), and is never printed: the URL is shown as ``.../nyne/callbacks/***``. Deliveries go to
the ledger's database (``$SOCIAL_LEDGER_URL``, else ``ledger.sqlite`` in the data directory).
Exit codes: 0 after Ctrl-C (or SIGTERM); 2 when the token is missing or invalid (or a bad
option); 1 when the ledger cannot be opened or the port cannot be bound.
"""

from __future__ import annotations

import argparse
import logging
import sys

from resources.settings import CALLBACK_TOKEN_ENV as TOKEN_ENV
from social_graph.cli.signals import stop_on_signals


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``receive`` subcommand to ``subparsers``."""
    from resources.callbacks.receiver import DEFAULT_MAX_BODY

    parser = subparsers.add_parser("receive", help="run the HTTP receiver for the API's callbacks")
    parser.add_argument("--host", default="127.0.0.1",
                        help="interface to listen on (default: loopback only)")
    parser.add_argument("--port", type=int, default=8787, help="0 picks a free port")
    parser.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY,
                        help="larger deliveries are refused with 413")
    return parser


def run(args: argparse.Namespace) -> int:
    from resources.callbacks import CallbackInbox, check_token, serve_forever
    from resources.callbacks.receiver import DEFAULT_MAX_BODY
    from resources.lookups.ledger.db import describe
    from resources.settings import Settings

    settings = Settings.resolve()
    token = settings.callback_token or ""
    try:
        if not token:
            raise ValueError(f"${TOKEN_ENV} is not set")
        check_token(token)
    except ValueError as bad:
        print(f"error: {bad}. Set ${TOKEN_ENV} to a secret of at least 16 characters of "
              "A-Z a-z 0-9 _ -, e.g. the output of: python -c \"import secrets; "
              "print(secrets.token_urlsafe(32))\"", file=sys.stderr)
        return 2
    max_body = getattr(args, "max_body_bytes", None)
    max_body = DEFAULT_MAX_BODY if max_body is None else max_body
    if max_body <= 0:
        print("error: --max-body-bytes must be positive", file=sys.stderr)
        return 2
    url = settings.ledger_url
    try:
        inbox = CallbackInbox(url)
    except Exception as exc:  # the type only: a driver's message may hold connection details
        print(f"error: cannot open the ledger {describe(url)} ({type(exc).__name__})",
              file=sys.stderr)
        return 1
    if not logging.getLogger().handlers:  # one line per delivery on stderr, unless configured
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    def ready(receiver) -> None:
        host = str(receiver.server_address[0])  # as bound: 0.0.0.0 says "every interface"
        base = f"http://{f'[{host}]' if ':' in host else host}:{receiver.port}"
        print(f"callback receiver on {base}/nyne/callbacks/*** (token from ${TOKEN_ENV}; "
              f"ledger {describe(url)}); Ctrl-C stops it", flush=True)

    try:
        with stop_on_signals():
            serve_forever(inbox, token, args.host, args.port, max_body, ready)
    except KeyboardInterrupt:  # Ctrl-C while starting up
        pass
    except OSError as exc:  # the port is taken, the host is not ours
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    return 0
