"""``baocao serve --ray ADDRESS --replicas N``: the app on a Ray cluster, behind Ray Serve.

Each replica is a Ray actor that opens the same index folder (shared storage: a
folder every node mounts at the same path) and builds the same ASGI app as
``baocao serve`` (``ui.app.mount``): the page, its endpoints and the per-client
guard. Its ``AppState`` watches ``CURRENT`` as a single server does, so a report
written by the admin path (the command line, or any replica's admin tab; the
index's write lock keeps one writer at a time) reaches every replica within
seconds. Ray Serve's HTTP proxy takes the requests and spreads them over the
replicas; Serve starts a new replica when one dies.

Gradio's page speaks in pairs of requests (join the queue, then read the event's
stream; upload, then preview) that must reach the replica holding the event. So
each replica pins its clients with a cookie naming it, and the router
(``ui.cluster_router``) sends a request with that cookie to that replica while it
lives; requests without one (a first page load, a script) go to the less busy of
two replicas. A replica that dies loses the events it was running: the clients
pinned to it move to another replica at their next request.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path

from rag.cluster.connect import connect, disconnect
from rag.errors import ClusterError
from ui.cluster_router import StickyRouter, pin

log = logging.getLogger("baocao.ui")

APP_NAME = "baocao"
# A page keeps one request open for its event stream; the app's own queue bounds the work
# (ui.app.QUEUE_MAX), so Serve must not refuse streams before Gradio sees them.
MAX_ONGOING_REQUESTS = 512
REPLICA_CPUS = 1.0  # one replica per CPU a scheduler sees: searches use all it has


class Replica:
    """One copy of the app: opens the index at start, so it takes requests only once a
    question can be answered."""

    def __init__(self, index_dir: str, admin_token: str | None) -> None:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as ui.app.serve
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
        from ray import serve

        from ui.admin import Admin
        from ui.state import AppState

        self.state = AppState(Path(index_dir)).start(background=False)
        self.admin = Admin(admin_token) if admin_token else None
        self.name = serve.get_replica_context().replica_id.unique_id
        log.info("replica %s serves %s (%s)", self.name, index_dir,
                 "ready" if self.state.ready else self.state.error)

    def __serve_build_asgi_app__(self):
        from ui.app import build_app, mount

        return pin(mount(build_app(self.state, self.admin), self.state, self.admin), self.name)


def deployment(replicas: int):
    """The Serve deployment of ``Replica``: ``replicas`` copies, pinned clients."""
    from ray import serve
    from ray.serve.config import RequestRouterConfig

    ingress = serve.ingress()(Replica)
    return serve.deployment(
        ingress, name="app", num_replicas=replicas, max_ongoing_requests=MAX_ONGOING_REQUESTS,
        ray_actor_options={"num_cpus": REPLICA_CPUS,
                           "runtime_env": {"env_vars": settings()}},
        request_router_config=RequestRouterConfig(request_router_class=StickyRouter))


def settings() -> dict[str, str]:
    """The ``BAOCAO_*`` settings of this command (client bounds, engine concurrency...), for
    every replica as for a single server; the token and the index go as arguments."""
    return {k: v for k, v in os.environ.items()
            if k.startswith("BAOCAO_") and k not in ("BAOCAO_ADMIN_TOKEN", "BAOCAO_INDEX_DIR")}


def admin_token(token_file: str | None) -> str | None:
    """The token as ``baocao serve`` reads it, checked here (one line if too short)."""
    from ui.admin import TOKEN_ENV, Admin

    if Admin.configured(token_file) is None:  # checks it: one line if it is too short
        return None
    text = Path(token_file).read_text(encoding="utf-8") if token_file else os.environ[TOKEN_ENV]
    return text.strip()


def serve_on_ray(address: str, replicas: int, host: str = "127.0.0.1", port: int = 7860,
                 index_dir=None, admin_token_file: str | None = None,
                 block: bool = True) -> str:
    """Deploy the app on the cluster and (``block``) keep it until interrupted; returns
    its URL. The index folder must be one every node reads at the same path."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    from rag.index import IndexStore, default_index_dir

    token = admin_token(admin_token_file)
    root = Path(index_dir or default_index_dir()).resolve()
    if not IndexStore(root).exists():
        _build_sample(address, root)
    ray = connect(address)
    from ray import serve

    _start_serve(serve, address, host, port)
    serve.run(deployment(replicas).bind(str(root), token), name=APP_NAME, route_prefix="/",
              blocking=False)
    url = f"http://{host}:{port}/"
    log.info("serving %s with %d replicas on the Ray cluster at %s (index %s; writes %s)",
             url, replicas, address, root, "with the admin token" if token else "off")
    if block:
        _wait_for_signal()
        log.info("stopping: removing the app from the cluster")
        serve.delete(APP_NAME)
        if not serve.status().applications:  # Serve's proxy goes too: a next start may
            serve.shutdown()  # choose another host and port
        ray.shutdown()
    return url


def _start_serve(serve, address: str, host: str, port: int) -> None:
    """Ray Serve with its HTTP proxy on the head at ``host:port``. A Serve already running
    on the cluster keeps its own address (Ray applies none other): said in one line."""
    from ray.serve.context import _get_global_client

    serve.start(http_options={"host": host, "port": port, "location": "HeadOnly"})
    http = _get_global_client().http_config
    if (http.host, http.port) != (host, port):
        raise ClusterError("cluster.serve_elsewhere", address=address, host=http.host,
                           port=http.port)


def _build_sample(address: str, root: Path) -> None:
    """No index yet: build the bundled sample corpus on the cluster first, so the
    replicas only ever open one (two replicas must never build it at once)."""
    from rag import service
    from rag.cluster.index import ClusterReader

    log.info("no index at %s: building the sample corpus on the cluster", root)
    files = service.list_report_files(service.SAMPLE_CORPUS)
    service.build(index_dir=root, read=ClusterReader(address, files, root),
                  who="baocao serve --ray (first start)")
    disconnect()


def _wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
