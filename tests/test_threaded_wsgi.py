"""The WSGI bridge (mudsite/threaded_wsgi.py): one thread hand-off for an ordinary request, streaming for
what does not fit, WSGI semantics kept (status, repeated headers, the body, `close()` on the thread)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from mudsite.threaded_wsgi import BUFFERED_REQUEST_BYTES, BUFFERED_RESPONSE_BYTES, ThreadedWSGI


class Recorder:
    """A WSGI app that echoes its request body and records where it ran."""

    def __init__(self, body_chunks: list[bytes] | None = None) -> None:
        self.body_chunks = body_chunks
        self.seen: dict[str, object] = {}

    def __call__(self, environ, start_response):
        self.seen["thread"] = threading.current_thread().name
        self.seen["input"] = type(environ["wsgi.input"]).__name__
        length = int(environ.get("CONTENT_LENGTH") or 0)
        self.seen["body"] = environ["wsgi.input"].read(length) if length else environ["wsgi.input"].read()
        start_response("201 Created", [("Content-Type", "text/plain"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
        recorder = self

        class Response:
            def __iter__(self):
                yield from recorder.body_chunks or [b"echo:", recorder.seen["body"]]

            def close(self):
                recorder.seen["closed_on"] = threading.current_thread().name

        return Response()


def serve(app, *, method="GET", body_parts=(), content_length=None):
    scope = {
        "type": "http", "method": method, "path": "/x", "root_path": "", "query_string": b"", "http_version": "1.1",
        "scheme": "http", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000),
        "headers": [(b"host", b"127.0.0.1")] + ([(b"content-length", str(content_length).encode())]
                                               if content_length is not None else []),
    }  # fmt: skip
    incoming = [
        {"type": "http.request", "body": part, "more_body": i < len(body_parts) - 1}
        for i, part in enumerate(body_parts)
    ] or [{"type": "http.request", "body": b"", "more_body": False}]
    sent = []
    receive_threads = []

    async def receive():
        receive_threads.append(threading.current_thread().name)
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    async def main():
        bridge = ThreadedWSGI(app, workers=2)
        try:
            await bridge(scope, receive, send)
        finally:
            bridge.executor.shutdown()

    asyncio.run(main())
    return sent, receive_threads


def test_an_ordinary_request_is_one_hand_off_and_two_messages():
    app = Recorder()
    sent, receive_threads = serve(app, method="POST", body_parts=[b'{"text": ', b'"hi"}'], content_length=14)
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 201
    assert sent[0]["headers"] == [(b"content-type", b"text/plain"), (b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")]
    assert sent[1] == {"type": "http.response.body", "body": b'echo:{"text": "hi"}', "more_body": False}
    assert app.seen["body"] == b'{"text": "hi"}' and app.seen["input"] == "BytesIO"  # read before the thread ran
    assert receive_threads == ["MainThread", "MainThread"]
    assert app.seen["thread"].startswith("WSGI") and app.seen["closed_on"] == app.seen["thread"]


def test_a_large_or_unsized_body_is_read_lazily_from_the_thread():
    big = b"x" * (BUFFERED_REQUEST_BYTES + 1)
    app = Recorder(body_chunks=[b"ok"])
    sent, _ = serve(app, method="POST", body_parts=[big[:1000], big[1000:]], content_length=len(big))
    assert app.seen["body"] == big and app.seen["input"] == "Body"
    assert sent[-1] == {"type": "http.response.body", "body": b"ok", "more_body": False}
    app = Recorder(body_chunks=[b"ok"])
    serve(app, method="POST", body_parts=[b"chunked", b" body"])  # no Content-Length
    assert app.seen["body"] == b"chunked body" and app.seen["input"] == "Body"


def test_a_response_larger_than_the_buffer_is_streamed_from_the_thread():
    chunk = b"y" * (BUFFERED_RESPONSE_BYTES // 3 + 1)
    app = Recorder(body_chunks=[chunk, chunk, chunk, chunk])
    sent, _ = serve(app)
    assert sent[0]["type"] == "http.response.start"
    bodies = sent[1:]
    assert len(bodies) > 2 and all(m["more_body"] for m in bodies[:-1]) and not bodies[-1]["more_body"]
    assert b"".join(m["body"] for m in bodies) == chunk * 4


def test_an_application_error_reaches_the_server():
    def broken(environ, start_response):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        serve(broken)
