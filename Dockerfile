# The social-graph code location, as the Dagster chart's user code deployment runs it
# (deploy/helm/values.yaml): `dagster api grpc` on port 3030, loading social_graph.definitions:defs.
# The same image runs each run's pod (K8sRunLauncher) and the callback receiver
# (deploy/k8s/callback-receiver.yaml). See README.md, "Deploying".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    PATH=/opt/venv/bin:$PATH

WORKDIR /opt/social-graph
# What `pip install` and `dbt parse` read (.dockerignore keeps out data, venvs, tests).
COPY pyproject.toml README.md workspace.yaml ./
COPY social_graph ./social_graph
COPY social_assets ./social_assets
COPY resources ./resources
COPY sensors ./sensors
COPY simulator ./simulator
COPY dbt ./dbt
COPY deploy/image_build.sh ./deploy/image_build.sh

# The one build step, shared with deploy/docker_steps.sh: pinned stack + project, dbt manifest.
RUN deploy/image_build.sh /opt/venv python

# A non-root user (numeric, so runAsNonRoot can check it). The code and the manifest stay
# root-owned and read-only to it: runs write to SOCIAL_DATA_DIR and PostgreSQL, never here.
RUN useradd --system --uid 10001 --create-home --home-dir /home/dagster dagster
USER 10001

EXPOSE 3030
CMD ["dagster", "api", "grpc", "-h", "0.0.0.0", "-p", "3030", "-m", "social_graph.definitions", "-a", "defs"]
