#!/bin/sh
# The image's one build step: a venv with the pinned stack and this project, then the dbt
# manifest. The Dockerfile runs it, and so does deploy/docker_steps.sh (in a fresh venv on this
# machine), so the two cannot drift.
#
#   deploy/image_build.sh VENV_DIR [PYTHON]
#
# The project is installed editable (-e): social_assets.dbt_project finds dbt/ beside its package
# (parents[1] / "dbt"), which a plain `pip install .` would put in site-packages without dbt/.
# pip reads pyproject.toml's pins; its index is pip's own configuration (PyPI in the image,
# /etc/pip.conf on a machine that has one). The manifest is built here, once, as the Makefile's
# dbt/target/manifest.json target does: dagster-dbt reads it and nothing parses at import.
set -eu
venv=${1:?usage: deploy/image_build.sh VENV_DIR [PYTHON]}
python=${2:-python3}
src=$(cd "$(dirname "$0")/.." && pwd)

"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check -e "$src"
cd "$src/dbt"
"$venv/bin/dbt" parse --profiles-dir . --quiet
test -s target/manifest.json || { echo "image_build: dbt parse wrote no manifest" >&2; exit 1; }
