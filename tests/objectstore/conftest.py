"""A real S3 on loopback for the object-storage tests: moto's server in a subprocess, behind a
TCP proxy the test can switch off and on (killing moto would lose its in-memory buckets).

Every test gets a new bucket and the standard AWS environment pointing at the proxy, and
starts (and ends) with fsspec's cached S3 filesystems dropped, so each sees the environment
it set (an S3 filesystem is cached, with its endpoint and credentials, once first used).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest

SECRET_KEY = "moto-Secret-Key-9f2c61"  # must never show in an output, a file or an object
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60  # only catches a server that never starts
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto.server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"moto.server did not listen on {port}")


class SwitchableProxy:
    """A loopback TCP proxy to ``upstream_port``. ``down()`` closes the listening socket and
    every open connection (new ones are refused, as by a dead endpoint); ``up()`` listens on
    the same port again. ``trip_on(pattern)``: go down the moment a client sends ``pattern``
    (e.g. ``b"PUT /bucket/prefix/landing/"``), before any of that request reaches moto."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.port = _free_port()
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._pattern: bytes | None = None
        self.tripped = threading.Event()
        self.up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> None:
        with self._lock:
            if self._listener is not None:
                return
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", self.port))
            listener.listen(64)
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            conns, self._conns = self._conns, []
        for sock in ([listener] if listener else []) + conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def trip_on(self, pattern: bytes | None) -> None:
        self._pattern = pattern
        self.tripped.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # closed by down()
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._conns += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False),
                             daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        tail = b""
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                pattern = self._pattern
                if from_client and pattern and pattern in tail + data:
                    self.tripped.set()
                    self.down()
                    return
                tail = data[-len(pattern):] if from_client and pattern else b""
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture(scope="session")
def moto():
    """(moto's own URL, the proxy in front of it), for the whole session."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(port, proc)
        proxy = SwitchableProxy(port)
        yield f"http://127.0.0.1:{port}", proxy
        proxy.down()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _drop_cached_filesystems() -> None:
    from s3fs import S3FileSystem

    S3FileSystem.clear_instance_cache()


@pytest.fixture
def s3(moto, monkeypatch):
    """A new bucket; the AWS environment pointing at the proxy (up). Yields a ``Bucket``."""
    direct_url, proxy = moto
    proxy.trip_on(None)
    proxy.up()
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    _drop_cached_filesystems()
    bucket = Bucket(f"social-{uuid.uuid4().hex[:12]}", direct_url, proxy)
    bucket.client.create_bucket(Bucket=bucket.name)
    yield bucket
    proxy.trip_on(None)
    proxy.up()
    _drop_cached_filesystems()


class Bucket:
    """The test's bucket, read straight from moto (never through the proxy)."""

    def __init__(self, name: str, direct_url: str, proxy: SwitchableProxy):
        import boto3

        self.name, self.proxy = name, proxy
        self.client = boto3.client("s3", endpoint_url=direct_url, region_name=REGION,
                                   aws_access_key_id="testing",
                                   aws_secret_access_key=SECRET_KEY)

    def url(self, prefix: str = "data") -> str:
        return f"s3://{self.name}/{prefix}"

    def keys(self, prefix: str = "") -> list[str]:
        out, token = [], None
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix, **extra)
            out += [item["Key"] for item in page.get("Contents", [])]
            token = page.get("NextContinuationToken")
            if not token:
                return sorted(out)

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def delete(self, prefix: str) -> None:
        for key in self.keys(prefix):
            self.client.delete_object(Bucket=self.name, Key=key)
