"""Fault injection: throttling, 500/503 and lost responses (docs/emulator.md, "Realistic mode",
"IAM, Application Auto Scaling, Scheduler, faults and paging").

A WSGI middleware in front of moto. With `ECSCTL_EMULATOR_FAULT_RATE` > 0 it answers that
fraction of requests itself with an error AWS really sends under load: the service's throttling
error in the service's protocol, or HTTP 500 `InternalFailure` / 503 `ServiceUnavailable`
(mixed: half throttling, a quarter each 500 and 503). With `ECSCTL_EMULATOR_DROP_RATE` > 0 it
replaces that fraction of *successful writes'* responses (anything but Describe*/List*/Get*)
with a 500/503: the write happened, the client does not know, and its retry meets the result
(e.g. `...AlreadyExists` on a create). One `random.Random(ECSCTL_EMULATOR_FAULT_SEED)` under a
lock makes every decision, so a run is reproducible for a given request order.

Throttling errors (code, HTTP status, message), by protocol:

| service | protocol | throttling error | source |
| --- | --- | --- | --- |
| ECS, CloudWatch Logs, Application Auto Scaling, EventBridge, SSM | JSON 1.1 | 400 `ThrottlingException` "Rate exceeded" | AAS/ECS API reference, Common Errors ("ThrottlingException ... HTTP Status Code: 400"); ECS in practice: dask/dask-cloudprovider#309 `(ThrottlingException) when calling the DescribeTasks operation ... Rate exceeded`; Logs, EventBridge and SSM (Parameter Store, the environment lock) model it |
| Resource Groups Tagging API | JSON 1.1 | 400 `ThrottledException` "Rate exceeded" | its API model (`ThrottledException`: "The request was denied to limit the frequency of submitted requests"; rusoto_resourcegroupstaggingapi `Throttled`); the message text is AWS's generic one |
| Cloud Map | JSON 1.1 | 429 `RequestLimitExceeded` "Rate exceeded" | Cloud Map API model (`RequestLimitExceeded`, httpStatusCode 429) and Developer Guide "Handle ... API request throttling": "you get the RequestLimitExceeded error code"; the message text is AWS's generic one |
| Scheduler | REST-JSON | 429 `ThrottlingException` "Rate exceeded" | Scheduler API model (`ThrottlingException`, 429) |
| IAM, STS | query (XML) | 400 `Throttling` "Rate exceeded", Type Sender | legion-platform/legion#807 (IAM's `<ErrorResponse>` with `<Code>Throttling</Code><Message>Rate exceeded</Message>`) |
| EC2 | EC2 (XML) | 503 `RequestLimitExceeded` "Request limit exceeded." | EC2 API reference, Error codes |

500/503: `InternalFailure` "The request processing has failed because of an unknown error,
exception or failure." (500) and `ServiceUnavailable` "The request has failed due to a temporary
failure of the server." (503), the Common Errors of every JSON/query service (EC2:
`InternalError` / `Unavailable`).

Not faulted: `/moto-api/*`, `/ecsctl-emulator/*`, requests without a SigV4 credential, services
ecsctl does not use, and `sts:AssumeRole` (the test harnesses use it to open a per-test account;
ecsctl never calls it).

The one place the emulator is kinder than a worst-case AWS: at most `CAP` (3) faults in a row
for the same (access key, operation); the next such request passes. A client with at least
CAP + 1 attempts per call (the Rust SDK's standard mode has 3 by default, so ecsctl's fault test
needs 4 or more) therefore always gets through, and the fault test never flakes.

`GET /ecsctl-emulator/faults` answers the counts so a test can prove faults happened:
`{"injected": n, "dropped": m, "by_kind": {"throttling": a, "500": b, "503": c},
"by_operation": {"ecs:CreateService": {"injected": x, "dropped": y}, ...},
"fault_rate": r, "drop_rate": d, "seed": s, "cap": 3}`.
"""

from __future__ import annotations

import io
import json
import random
import re
import threading
import urllib.parse
import uuid
from typing import Any, Callable, Iterable

import realism

CAP = 3
ROUTE = "/ecsctl-emulator/faults"

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/[^/]+/([^/]+)/aws4_request")
# `monitoring` (CloudWatch) arrives as JSON 1.0 once rpcv2.py has translated its CBOR.
JSON_SERVICES = {"ecs", "logs", "application-autoscaling", "events", "servicediscovery", "ssm",
                 "tagging", "monitoring"}
QUERY_SERVICES = {"iam", "sts", "elasticloadbalancing"}
EC2_SERVICES = {"ec2"}
REST_SERVICES = {"scheduler"}
READ_PREFIXES = ("Describe", "List", "Get", "BatchGet")

THROTTLING_MESSAGE = "Rate exceeded"
INTERNAL = ("InternalFailure",
            "The request processing has failed because of an unknown error, exception or failure.")
UNAVAILABLE = ("ServiceUnavailable", "The request has failed due to a temporary failure of the server.")


def scheduler_operation(method: str, path: str) -> str:
    """Scheduler is REST: its operation is the method and the path's shape."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return f"{method} /"
    if parts[0] == "tags":
        return {"GET": "ListTagsForResource", "POST": "TagResource",
                "DELETE": "UntagResource"}.get(method, f"{method} /tags")
    kind = {"schedules": "Schedule", "schedule-groups": "ScheduleGroup"}.get(parts[0])
    if kind is None:
        return f"{method} /{parts[0]}"
    if len(parts) == 1:
        return f"List{kind}s" if method == "GET" else f"{method} /{parts[0]}"
    return {"GET": f"Get{kind}", "POST": f"Create{kind}", "PUT": f"Update{kind}",
            "DELETE": f"Delete{kind}"}.get(method, f"{method} /{parts[0]}/NAME")


def _error(service: str, kind: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """(status line, headers, body) of the fault `kind` ("throttling", "500", "503")."""
    rid = str(uuid.uuid4())
    if kind == "throttling":
        if service in JSON_SERVICES:
            code, status = {"servicediscovery": ("RequestLimitExceeded", 429),
                            "tagging": ("ThrottledException", 400),
                            # CloudWatch's common errors: `Throttling`, 400.
                            "monitoring": ("Throttling", 400)}.get(
                service, ("ThrottlingException", 400))
        elif service in REST_SERVICES:
            code, status = "ThrottlingException", 429
        elif service in EC2_SERVICES:
            code, status = "RequestLimitExceeded", 503
        elif service == "elasticloadbalancing":
            # "you get the ThrottlingException error code and a Rate exceeded error message"
            # (ELB user guide, "Request throttling for the ELB API").
            code, status = "ThrottlingException", 400
        else:
            code, status = "Throttling", 400
        message = "Request limit exceeded." if service in EC2_SERVICES else THROTTLING_MESSAGE
    else:
        (code, message), status = (INTERNAL, 500) if kind == "500" else (UNAVAILABLE, 503)
        if service in EC2_SERVICES:
            code, message = ("InternalError", "An internal error has occurred.") if kind == "500" \
                else ("Unavailable", "The server is overloaded and can't handle the request.")
    reason = {400: "Bad Request", 429: "Too Many Requests", 500: "Internal Server Error",
              503: "Service Unavailable"}[status]
    if service in JSON_SERVICES:
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", rid)]
    elif service in REST_SERVICES:
        body = json.dumps({"Message": message}).encode()
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", code),
                   ("x-amzn-RequestId", rid)]
    elif service in EC2_SERVICES:
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}"
                f"</Code><Message>{message}</Message></Error></Errors><RequestID>{rid}</RequestID>"
                "</Response>").encode()
        headers = [("Content-Type", "text/xml")]
    else:
        fault = "Sender" if status < 500 else "Receiver"
        xmlns = {"iam": "https://iam.amazonaws.com/doc/2010-05-08/",
                 "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
                 "elasticloadbalancing":
                     "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"}[service]
        body = (f"<ErrorResponse xmlns=\"{xmlns}\"><Error><Type>{fault}"
                f"</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{rid}"
                "</RequestId></ErrorResponse>").encode()
        headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)]
    headers.append(("Content-Length", str(len(body))))
    return f"{status} {reason}", headers, body


def identify(environ: dict[str, Any]) -> tuple[str, str, str] | None:
    """(access key id, signing service, operation) of an AWS request, or None for the emulator's
    own routes, unsigned requests, services ecsctl does not use and `sts:AssumeRole` (the test
    harnesses open accounts with it). Shared by faults and throttle.py."""
    path = environ.get("PATH_INFO", "")
    if path.startswith("/moto-api") or path.startswith("/ecsctl-emulator"):
        return None
    m = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not m:
        return None
    key, service = m.group(1), m.group(2)
    method = environ.get("REQUEST_METHOD", "GET")
    if service in JSON_SERVICES:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        op = target.rsplit(".", 1)[-1] if target else ""
    elif service in REST_SERVICES:
        op = scheduler_operation(method, path)
    elif service in QUERY_SERVICES | EC2_SERVICES:
        op = _action(environ)
    else:
        return None
    if not op or (service == "sts" and op == "AssumeRole"):
        return None
    return key, service, op


def _action(environ: dict[str, Any]) -> str:
    """`Action=` of a query-protocol request: query string, else the form body (buffered and
    put back, so moto still reads it)."""
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    if query.get("Action"):
        return query["Action"][0]
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return ""
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    return form.get("Action", [""])[0]


class Faults:
    """The middleware; also serves GET /ecsctl-emulator/faults."""

    def __init__(self, app: Callable[..., Iterable[bytes]], fault_rate: float | None = None,
                 drop_rate: float | None = None, seed: int | None = None) -> None:
        self.app = app
        self.fault_rate = realism.fault_rate() if fault_rate is None else fault_rate
        self.drop_rate = realism.drop_rate() if drop_rate is None else drop_rate
        self.seed = realism.fault_seed() if seed is None else seed
        self.rng = random.Random(self.seed)
        self.lock = threading.Lock()
        self.streak: dict[tuple[str, str], int] = {}
        self.injected = 0
        self.dropped = 0
        self.by_kind = {"throttling": 0, "500": 0, "503": 0}
        self.by_operation: dict[str, dict[str, int]] = {}

    # -- request identification ----------------------------------------------------------------

    def identify(self, environ: dict[str, Any]) -> tuple[str, str, str] | None:
        """(access key id, service, operation), or None when the request is not faultable."""
        return identify(environ)

    # -- decisions -----------------------------------------------------------------------------

    def _count(self, name: str, field: str) -> None:
        self.by_operation.setdefault(name, {"injected": 0, "dropped": 0})[field] += 1

    def _fault(self, key: tuple[str, str], name: str) -> str | None:
        if self.fault_rate <= 0:
            return None
        with self.lock:
            if self.streak.get(key, 0) >= CAP or self.rng.random() >= self.fault_rate:
                return None
            kind = self.rng.choice(("throttling", "throttling", "500", "503"))
            self.streak[key] = self.streak.get(key, 0) + 1
            self.injected += 1
            self.by_kind[kind] += 1
            self._count(name, "injected")
            return kind

    def _drop(self, key: tuple[str, str], name: str) -> str | None:
        with self.lock:
            if self.streak.get(key, 0) >= CAP or self.rng.random() >= self.drop_rate:
                self.streak[key] = 0
                return None
            kind = self.rng.choice(("500", "503"))
            self.streak[key] = self.streak.get(key, 0) + 1
            self.dropped += 1
            self._count(name, "dropped")
            return kind

    def _passed(self, key: tuple[str, str]) -> None:
        with self.lock:
            self.streak[key] = 0

    def report(self) -> dict[str, Any]:
        with self.lock:
            return {"injected": self.injected, "dropped": self.dropped,
                    "by_kind": dict(self.by_kind),
                    "by_operation": {k: dict(v) for k, v in sorted(self.by_operation.items())},
                    "fault_rate": self.fault_rate, "drop_rate": self.drop_rate,
                    "seed": self.seed, "cap": CAP}

    # -- WSGI ----------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == ROUTE:
            body = json.dumps(self.report(), sort_keys=True).encode()
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        if self.fault_rate <= 0 and self.drop_rate <= 0:
            return self.app(environ, start_response)
        who = self.identify(environ)
        if who is None:
            return self.app(environ, start_response)
        access_key, service, op = who
        key, name = (access_key, f"{service}:{op}"), f"{service}:{op}"
        kind = self._fault(key, name)
        if kind is not None:
            status, headers, body = _error(service, kind)
            start_response(status, headers)
            return [body]
        if self.drop_rate <= 0 or op.startswith(READ_PREFIXES):
            self._passed(key)
            return self.app(environ, start_response)
        # A write: buffer moto's answer, then maybe lose it.
        captured: dict[str, Any] = {}
        written: list[bytes] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return written.append

        result = self.app(environ, capture)
        try:
            body = b"".join(written) + b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        ok = captured.get("status", "500").startswith("2")
        kind = self._drop(key, name) if ok else None
        if kind is None:
            if not ok:
                self._passed(key)
            start_response(captured["status"], captured["headers"])
            return [body]
        status, headers, body = _error(service, kind)
        start_response(status, headers)
        return [body]
