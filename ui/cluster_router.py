"""Clients pinned to a replica: a cookie set by the replica, read by Ray Serve's router.

Gradio's page and client send an event in two requests (join the queue, then read
its stream; upload a file, then preview it) and keep per-session state in the
replica's memory, so every request of a client must reach the same replica. Ray
Serve routes by load only; its request router is the documented place to choose
otherwise (``RequestRouter``, alpha in Ray 2.60). ``pin`` wraps a replica's ASGI app:
every response names the replica in a ``baocao_replica`` cookie (and in the
``x-baocao-replica`` header). ``StickyRouter`` runs in Serve's HTTP proxy: a request
whose cookie names a live replica goes to it; any other request goes to the less
busy of two replicas picked at random (Serve's default "power of two choices").
The cookie is read from the request as the proxy hands it to the replica (the
pickled ASGI scope: Ray's own format, so this module follows Ray's version pin).
"""

from __future__ import annotations

import pickle
import random
from http.cookies import CookieError, SimpleCookie

from ray.serve.request_router import RequestRouter

COOKIE = "baocao_replica"
HEADER = b"x-baocao-replica"


class StickyRouter(RequestRouter):
    async def choose_replicas(self, candidate_replicas, pending_request=None):
        pinned = pinned_replica(pending_request)
        if pinned:
            for replica in candidate_replicas:
                if replica.replica_id.unique_id == pinned:
                    return [[replica]]
        candidates = list(candidate_replicas)  # random order: the first wins a tie
        return [random.sample(candidates, min(2, len(candidates)))]


def pinned_replica(pending_request) -> str | None:
    """The replica a request's cookie names, if it has one."""
    if pending_request is None or not pending_request.args:
        return None
    arg = pending_request.args[0]
    try:
        scope = pickle.loads(arg)._asgi_scope if isinstance(arg, bytes) else arg._asgi_scope
    except (AttributeError, pickle.UnpicklingError, EOFError, TypeError, ValueError):
        return None
    return cookie_value(scope.get("headers", ()))


def cookie_value(headers) -> str | None:
    for key, value in headers:
        if key.lower() != b"cookie":
            continue
        try:
            jar = SimpleCookie(value.decode("latin-1"))
        except CookieError:
            return None
        if COOKIE in jar:
            return jar[COOKIE].value
    return None


def pin(app, name: str):
    """``app`` with every HTTP response naming this replica (cookie and header)."""
    cookie = f"{COOKIE}={name}; Path=/; HttpOnly; SameSite=Lax".encode("latin-1")

    async def pinned(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        known = cookie_value(scope.get("headers", ())) == name

        async def send_named(message):
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (HEADER, name.encode("latin-1"))]
                if not known:
                    headers.append((b"set-cookie", cookie))
                message = {**message, "headers": headers}
            await send(message)

        return await app(scope, receive, send_named)

    return pinned
