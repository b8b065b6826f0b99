"""Smithy RPC v2 CBOR, the wire protocol the AWS SDKs speak to CloudWatch (docs/emulator.md,
"CloudWatch over CBOR").

AWS: CloudWatch serves `smithy-rpc-v2-cbor` besides JSON 1.0 and query (botocore's
`cloudwatch/2010-08-01/service-2.json`: `"protocols": ["smithy-rpc-v2-cbor", "json", "query"]`),
and the AWS SDK for Rust sends only CBOR: `POST /service/GraniteServiceVersion20100801/operation/
PutMetricAlarm` with `smithy-protocol: rpc-v2-cbor` and a CBOR body (Smithy "RPC v2 CBOR
protocol" specification). moto 5.2.1 parses JSON 1.0 and query only, and answers such a request
with XML the SDK cannot read.

This WSGI middleware, outermost in server.py (so throttling, faults and moto all see a JSON 1.0
request), turns an RPC v2 CBOR request into the JSON 1.0 request of the same operation
(`X-Amz-Target: GraniteServiceVersion20100801.PutMetricAlarm`) and moto's JSON answer back into
CBOR, shaped by the botocore model: timestamps as tag 1 (epoch seconds), doubles as floats,
blobs as byte strings; errors keep `__type` and `message`. Must not change what moto decides.
"""

from __future__ import annotations

import base64
import datetime
import io
import json
import re
from typing import Any, Callable, Iterable

import cbor2

# The services ecsctl talks to over RPC v2 CBOR: Smithy service name -> botocore service name.
SERVICES = {"GraniteServiceVersion20100801": "cloudwatch"}

_PATH = re.compile(r"/service/([^/]+)/operation/([^/]+)")
_models: dict[str, Any] = {}


def _model(service: str) -> Any:
    if service not in _models:
        import botocore.session

        _models[service] = botocore.session.get_session().get_service_model(service)
    return _models[service]


def _to_json(value: Any) -> Any:
    """A decoded CBOR request value as JSON 1.0 carries it."""
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, cbor2.CBORTag) and value.tag == 1:
        return value.value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _to_cbor(value: Any, shape: Any) -> Any:
    """A JSON 1.0 response value as RPC v2 CBOR carries it, by its botocore shape."""
    if value is None or shape is None:
        return value
    kind = shape.type_name
    if kind == "structure":
        return {k: _to_cbor(v, shape.members.get(k)) for k, v in value.items()}
    if kind == "list":
        return [_to_cbor(v, shape.member) for v in value]
    if kind == "map":
        return {k: _to_cbor(v, shape.value) for k, v in value.items()}
    if kind == "timestamp":
        if isinstance(value, str):
            value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        return cbor2.CBORTag(1, float(value))
    if kind in ("double", "float"):
        return float(value)
    if kind == "blob":
        return base64.b64decode(value)
    return value


class RpcV2Cbor:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        m = _PATH.fullmatch(environ.get("PATH_INFO", ""))
        if environ.get("HTTP_SMITHY_PROTOCOL") != "rpc-v2-cbor" or not m or m.group(1) not in SERVICES:
            return self.app(environ, start_response)
        prefix, operation = m.group(1), m.group(2)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        params = _to_json(cbor2.loads(raw)) if raw else {}
        body = json.dumps(params).encode()
        environ = dict(environ)
        environ.update({
            "PATH_INFO": "/",
            "RAW_URI": "/",
            "CONTENT_TYPE": "application/x-amz-json-1.0",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_X_AMZ_TARGET": f"{prefix}.{operation}",
            "wsgi.input": io.BytesIO(body),
        })
        environ.pop("HTTP_SMITHY_PROTOCOL", None)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        chunks = self.app(environ, capture)
        try:
            answer = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close:
                close()
        status = captured["status"]
        decoded: Any = json.loads(answer) if answer.strip() else {}
        if status.startswith("2"):
            output = _model(SERVICES[prefix]).operation_model(operation).output_shape
            out = _to_cbor(decoded, output) if output is not None else {}
        else:
            out = {"__type": decoded.get("__type", ""), "message": decoded.get("message", decoded.get("Message", ""))}
        data = cbor2.dumps(out)
        headers = [(k, v) for k, v in captured["headers"]
                   if k.lower() not in ("content-type", "content-length")]
        headers += [("Content-Type", "application/cbor"), ("Content-Length", str(len(data))),
                    ("smithy-protocol", "rpc-v2-cbor")]
        start_response(status, headers)
        return [data]
