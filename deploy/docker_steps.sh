#!/bin/sh
# The Dockerfile's build, without Docker: copy what the Dockerfile COPYs into a temp dir, run the
# same build step (deploy/image_build.sh) there in a fresh venv, then check what the image would
# serve: the manifest exists, the code location loads (duckdb and postgres targets) from outside
# the source tree, and `dagster api grpc` -- the chart's command -- answers the chart's readiness
# probe (`dagster api grpc-health-check`). Not done here: the base image, the non-root user.
#
#   deploy/docker_steps.sh [PYTHON]     (make deploy-check; minutes: it installs the whole stack)
set -eu
python=${1:-python3.11}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/social-graph-image.XXXXXX")
server_pid=
cleanup() {
    # SIGTERM, then SIGKILL: a shell may start its background jobs with SIGTERM ignored.
    if [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; then
        waited=0
        while kill -0 "$server_pid" 2>/dev/null && [ "$waited" -lt 10 ]; do
            sleep 1
            waited=$((waited + 1))
        done
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
src="$work/src"
mkdir -p "$src"
started=$(date +%s)

# The Dockerfile's COPY sources, read from the Dockerfile itself (no second list to keep equal).
sed -n 's/^COPY[[:space:]]\{1,\}//p' "$repo/Dockerfile" | while read -r line; do
    set -- $line
    while [ $# -gt 1 ]; do
        mkdir -p "$src/$(dirname "$1")"
        cp -R "$repo/$1" "$src/$1"
        shift
    done
done
# What .dockerignore keeps out of the build context must not ride along in the copy either.
rm -rf "$src/dbt/target" "$src/dbt/logs"
find "$src" -name __pycache__ -prune -exec rm -rf {} +

echo "docker_steps: build step in $work (fresh venv, $python)"
"$src/deploy/image_build.sh" "$work/venv" "$python"
test -s "$src/dbt/target/manifest.json"
echo "docker_steps: manifest $(wc -c < "$src/dbt/target/manifest.json") bytes"

export DAGSTER_HOME="$work/home" DBT_SEND_ANONYMOUS_USAGE_STATS=false
mkdir -p "$DAGSTER_HOME"
printf 'telemetry:\n  enabled: false\n' > "$DAGSTER_HOME/dagster.yaml"
cd /  # the image's code is found through the installed package, not the working directory
for target in duckdb postgres; do
    SOCIAL_DBT_TARGET=$target "$work/venv/bin/dagster" definitions validate \
        -m social_graph.definitions -a defs
    echo "docker_steps: code location loads (SOCIAL_DBT_TARGET=$target)"
done
"$work/venv/bin/python" - "$src" <<'PY'
import sys
from pathlib import Path

import social_assets.dbt_project as project

src = Path(sys.argv[1]).resolve()
assert Path(project.__file__).resolve().is_relative_to(src), project.__file__
assert project.dbt_project.manifest_path.resolve() == src / "dbt/target/manifest.json"
assert not project.manifest_is_stale(), "the manifest is older than the dbt project"
print("docker_steps: the installed code reads", project.dbt_project.manifest_path)
PY

port=$("$work/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# --heartbeat: should this script itself be killed, the server still stops within 10 minutes.
SOCIAL_DBT_TARGET=postgres "$work/venv/bin/dagster" api grpc -h 127.0.0.1 -p "$port" \
    -m social_graph.definitions -a defs --heartbeat --heartbeat-timeout 600 \
    > "$work/grpc.log" 2>&1 &
server_pid=$!
tries=0
until "$work/venv/bin/dagster" api grpc-health-check -p "$port" > /dev/null 2>&1; do
    tries=$((tries + 1))
    if ! kill -0 "$server_pid" 2>/dev/null || [ "$tries" -ge 300 ]; then
        echo "docker_steps: the gRPC server did not become healthy:" >&2
        cat "$work/grpc.log" >&2
        exit 1
    fi
    sleep 1
done
echo "docker_steps: dagster api grpc on port $port passes grpc-health-check"
cleanup
server_pid=
trap - EXIT INT TERM
if pgrep -f "$work/venv/bin/dagster api grpc" > /dev/null; then
    echo "docker_steps: the gRPC server outlived its stop" >&2
    exit 1
fi
echo "docker_steps: OK in $(( $(date +%s) - started )) s"
