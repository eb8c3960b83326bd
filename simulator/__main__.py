"""`python -m simulator [--host H] [--port P] [--time-scale S]`: serve until Ctrl-C."""

from __future__ import annotations

import argparse
import logging

from simulator.config import SimulatorConfig
from simulator.server import SimulatorServer, serve_forever


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m simulator",
                                     description="Serve a local Nyne Social Interactions API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="multiplies every duration (0.1 = ten times faster)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = SimulatorConfig(time_scale=args.time_scale)

    def announce(server: SimulatorServer) -> None:
        # Demo credentials only: they open nothing but this local simulator.
        print(f"Nyne API simulator on {server.url}", flush=True)
        print(f"  X-API-Key: {config.api_key}    X-API-Secret: {config.api_secret}", flush=True)
        print("  Ctrl-C to stop", flush=True)

    serve_forever(config, args.host, args.port, ready=announce)


if __name__ == "__main__":
    main()
