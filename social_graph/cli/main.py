"""The ``social-graph`` command: ``simulate``, ``collect``, ``dev``, ``receive``, ``rebuild``,
``sql``, ``docs``, ``expand`` and ``plan``."""

import argparse
import os
import subprocess
import sys
import warnings
from contextlib import ExitStack, contextmanager
from pathlib import Path

DEFAULT_TARGETS = "targets.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="social-graph", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sim = sub.add_parser("simulate", help="run the local simulator of the Nyne API")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    sim.add_argument("--time-scale", type=float, default=1.0,
                     help="multiplies every simulated duration (latencies, windows)")

    col = sub.add_parser("collect", help="collect the target list into Parquet, in-process")
    col.add_argument("--targets", help="target list file (default: $SOCIAL_TARGETS_FILE, "
                                       f"else ./{DEFAULT_TARGETS})")
    col.add_argument("--refresh", action="store_true",
                     help="take a new snapshot of every target, not only the missing ones")
    col.add_argument("--no-warehouse", dest="warehouse", action="store_false",
                     help="do not rebuild the warehouse (dbt) after collecting")
    col.add_argument("--with-simulator", action="store_true",
                     help="start the local simulator and point the API client at it")
    col.add_argument("--time-scale", "--sim-time-scale", dest="time_scale", type=float,
                     default=1.0, help="run the clock this many times the provider's: the "
                     "embedded simulator's durations and the client's rate windows, polls, "
                     "back-offs, timeouts and margins alike (0.01: an hour in 36 s)")
    col.add_argument("--config", dest="config_file", metavar="FILE",
                     help="resource config of the runs, as in the launchpad "
                     "(resources: {nyne: {config: {...}}})")
    col.add_argument("--set", dest="assignments", action="append", default=[],
                     metavar="RESOURCE.FIELD=VALUE",
                     help="one resource setting (repeatable; wins over --config), e.g. "
                     "nyne.max_concurrent_lookups=4")

    dev = sub.add_parser("dev", help="the Dagster UI, with the simulator running")
    dev.add_argument("--port", type=int, default=3000, help="the UI's port")
    _simulator_options(dev, default_on=True)

    from social_graph.cli import docs, expand, plan, receive, sql

    receive.add_parser(sub)
    sql.add_parser(sub)
    docs.add_parser(sub)
    expand.add_parser(sub)
    plan.add_parser(sub)
    reb = sub.add_parser("rebuild", help="regenerate the raw Parquet tables from landing/, "
                                         "with no API call")
    reb.add_argument("--landing", help="the landing folder to read (default: "
                                       "$SOCIAL_DATA_DIR/landing)")

    args = parser.parse_args(argv)
    commands = {"simulate": _simulate, "collect": _collect, "dev": _dev, "receive": receive.run,
                "rebuild": _rebuild, "sql": sql.run, "docs": docs.run,
                "expand": expand.run, "plan": plan.run}
    return commands[args.command](args)


def _simulator_options(parser: argparse.ArgumentParser, default_on: bool = False) -> None:
    if default_on:
        parser.add_argument("--no-simulator", dest="with_simulator", action="store_false",
                            help="use $NYNE_BASE_URL and real credentials instead")
    else:
        parser.add_argument("--with-simulator", action="store_true",
                            help="start the local simulator and point the API client at it")
    parser.add_argument("--sim-time-scale", type=float, default=1.0,
                        help="the embedded simulator's time scale")


def _simulate(args: argparse.Namespace) -> int:
    from simulator import SimulatorConfig
    from simulator.server import serve_forever

    def ready(server) -> None:
        print(f"Nyne API simulator on {server.url} (api key {server.config.api_key!r}, "
              f"api secret {server.config.api_secret!r}); Ctrl-C stops it", flush=True)

    serve_forever(SimulatorConfig(time_scale=args.time_scale), args.host, args.port, ready)
    return 0


@contextmanager
def _embedded_simulator(enabled: bool, time_scale: float):
    """Start the simulator on a free loopback port and point the client's variables at it."""
    if not enabled:
        yield None
        return
    from simulator import SimulatorConfig, SimulatorServer

    with SimulatorServer(SimulatorConfig(time_scale=time_scale), port=0) as sim:
        os.environ["NYNE_BASE_URL"] = sim.url
        os.environ["NYNE_API_KEY"] = sim.config.api_key
        os.environ["NYNE_API_SECRET"] = sim.config.api_secret
        print(f"simulator: {sim.url}", flush=True)
        yield sim


def _collect(args: argparse.Namespace) -> int:
    warnings.filterwarnings("ignore")  # Dagster's beta/preview notices are not for this output
    from social_graph.cli.collect import build_warehouse, collect
    from social_graph.cli.instance import ensure_dagster_home, open_instance
    from resources.settings import Settings
    from resources.target_list import resolve_targets_path
    from social_assets.targets import TargetListError, read_target_file

    from resources.datadir import check_reachable
    from resources.settings import DATA_DIR_ENV

    try:  # a bad data dir (or its store unreachable) or dbt target: said now, before any run
        check_reachable(Settings.resolve().data_dir, f"${DATA_DIR_ENV}")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    path = resolve_targets_path(args.targets)
    try:
        targets = read_target_file(path)
    except TargetListError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    home = ensure_dagster_home()
    _plan_partitions_as_subsets()
    from social_graph.cli.run_config import RunConfigError, resource_config
    from social_graph.definitions import defs

    try:
        resources = resource_config(defs.resources, time_scale=args.time_scale,
                                    config_file=args.config_file,
                                    assignments=args.assignments)
    except RunConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with _embedded_simulator(args.with_simulator, args.time_scale) as sim:
        missing = [v for v in ("NYNE_API_KEY", "NYNE_API_SECRET") if not os.environ.get(v)]
        if missing:
            print(f"error: {' and '.join(missing)} not set (or use --with-simulator)",
                  file=sys.stderr)
            return 2

        with open_instance() as instance:
            print(f"target list: {path.resolve()}", flush=True)
            say = lambda line: print(line, flush=True)  # noqa: E731
            summary = collect(defs, instance, targets, refresh=args.refresh, say=say,
                              targets_path=path.resolve(), resources=resources)
            if args.warehouse and (summary.planned or not _warehouse_built(instance)):
                build_warehouse(defs, instance, summary, say=say)
        if sim is not None:
            print(f"simulator charged {sim.credits_used} credits", flush=True)
    print("\n".join(summary.lines(Settings.resolve().data_dir, home)))
    if summary.failures:
        print(f"error: {len(summary.failures)} target(s) failed: "
              f"{', '.join(sorted(summary.failures))}", file=sys.stderr)
    if summary.warehouse_error:
        print(f"error: the warehouse build failed: {summary.warehouse_error}", file=sys.stderr)
    return 1 if summary.failures or summary.warehouse_error else 0


def _plan_partitions_as_subsets() -> None:
    """A single-run backfill of N partitions is planned with one event per asset, not one per
    asset and partition (on SQLite each stored event costs ~25 ms: 1,000 partitions of the
    two lists were 51 s of planning before the run could start, and ``collect``'s runs no
    API request overlaps). Dagster's own switch; the cost: a key that fails in such a run
    shows as missing, not failed, in the partition bar (the run's failure names it, and
    "failed and missing" still selects it)."""
    os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "true")


def _rebuild(args: argparse.Namespace) -> int:
    from resources.datadir import check_reachable, data_path, is_remote
    from resources.settings import DATA_DIR_ENV, Settings
    from resources.lookups.landing import landing_dir
    from social_assets.publish import forget_built_by, published_name
    from social_assets.rebuild import rebuild

    try:
        settings = Settings.resolve()
        root = settings.data_dir
        check_reachable(root, f"${DATA_DIR_ENV}")
        landing = data_path(args.landing, "--landing") if args.landing else landing_dir(root)
        if args.landing:
            check_reachable(landing, "--landing")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not landing.is_dir():
        print(f"error: no landing folder at {landing}", file=sys.stderr)
        return 2
    shown = landing if is_remote(landing) else landing.resolve()
    print(f"landing: {shown}\nraw tables: {root / 'raw'}", flush=True)
    report = rebuild(landing, root / "raw", say=lambda line: print(line, flush=True))
    print("\n".join(report.lines()))
    if forget_built_by(published_name(settings)):  # staged once: rewritten files need a full one
        print("the next warehouse build rebuilds every model from the snapshots (full refresh)")
    return 1 if report.failures else 0


def _warehouse_built(instance) -> bool:
    import dagster as dg

    return instance.get_latest_materialization_event(dg.AssetKey("dim_accounts")) is not None


def _dev(args: argparse.Namespace) -> int:
    from resources.settings import Settings
    from social_graph.cli.exports_server import serve_exports
    from social_graph.cli.instance import ensure_dagster_home
    from social_assets.dbt_project import prepare_manifest
    from social_assets.export.asset import EXPORTS_URL_ENV, export_paths

    home = ensure_dagster_home()
    os.environ.setdefault("SOCIAL_TARGETS_FILE", "targets.example.yaml")
    _plan_partitions_as_subsets()
    # Once, here: the code server and every run process then find a current manifest.
    if prepare_manifest():
        print("parsed the dbt project (its manifest was missing or older than its files)",
              flush=True)
    workspace = ["-w", str(Path(__file__).resolve().parents[2] / "workspace.yaml")]
    dagster = str(Path(sys.executable).with_name("dagster"))
    with ExitStack() as stack:
        stack.enter_context(_embedded_simulator(args.with_simulator, args.sim_time_scale))
        if not os.environ.get(EXPORTS_URL_ENV):  # the export's picture, shown on its page
            exports = export_paths(Settings.resolve().data_dir)["png"].parent
            if isinstance(exports, Path):  # a local folder (on object storage: embedded)
                os.environ[EXPORTS_URL_ENV] = stack.enter_context(serve_exports(exports))
        for kind in ("sensor", "schedule"):  # on from the first tick: this is a dev instance
            subprocess.run([dagster, kind, "start", "--start-all", *workspace], check=True)
        print(f"Dagster UI on http://127.0.0.1:{args.port} (instance {home}); Ctrl-C stops",
              flush=True)
        try:
            return subprocess.call([dagster, "dev", *workspace, "-p", str(args.port)])
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
