"""Real-AWS latency and per-API request-rate limits (docs/emulator.md, "Latency and rate limits").

A WSGI middleware in front of faults.py (so in front of moto):

- `ECSCTL_EMULATOR_LATENCY_MS` (default 0 in every mode) delays every AWS request by that many
  milliseconds before it is handled (`/moto-api/*` and `/ecsctl-emulator/*` are never delayed).
  The server is threaded (server.py, `make_server(..., threaded=True)`), so concurrent requests
  wait side by side as they do on AWS: N requests sent together take one latency, not N.
- `ECSCTL_EMULATOR_RATE_LIMITS=aws` gives each (account, region, service, bucket) a token bucket
  shaped like AWS's control-plane throttling (`TABLE` below; the figures and their sources are
  the table in docs/emulator.md) and answers a request that finds its bucket empty with the
  service's own throttling error, built by faults.py (`faults._error(service, "throttling")`),
  before moto sees it. `off` disables it. Default: `aws` in realistic mode, `off` in instant mode;
  the test harnesses pin `off` except where a test is about rate limits.

Buckets refill continuously at the sustained rate up to the burst size (the token bucket of the
ECS API reference, "Request throttling for the Amazon ECS API"); a new bucket starts full. IAM is
a global service: its buckets are per account, whatever the region. The account is moto's own
mapping of the access key (`moto.iam.models.get_account_id_from`), so per-test accounts never
share a bucket. Requests faults.py does not identify (unsigned, `sts:AssumeRole`, services ecsctl
does not use) and operations the table does not name are never rate limited.

`GET /ecsctl-emulator/throttle` answers the counts and the table, so a test can prove what
happened: `{"throttled": n, "limited": m, "by_operation": {"ecs:DescribeServices": {"limited": a,
"throttled": b}, ...}, "rate_limits": "aws", "latency_ms": 60, "table": [...]}`; `limited`
counts the requests a bucket decided on (passed or throttled). `POST
/ecsctl-emulator/throttle/refill?account=ID` refills that account's buckets, for a test that
wants the state a quiet minute leaves (AWS's buckets are shared by every client of the account,
so a run right after another starts on what the first left: docs/aws.md, "Request rate").
`POST /ecsctl-emulator/throttle/latency?ms=N` changes the latency of the running server, so the
benchmark can time the same account at 0 and 60 ms, alternately.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import urllib.parse
from typing import Any, Callable, Iterable

import faults
import realism

ROUTE = "/ecsctl-emulator/throttle"
RESET_ROUTE = "/ecsctl-emulator/throttle/refill"
LATENCY_ROUTE = "/ecsctl-emulator/throttle/latency"
LATENCY_ENV = "ECSCTL_EMULATOR_LATENCY_MS"
RATE_LIMITS_ENV = "ECSCTL_EMULATOR_RATE_LIMITS"

# Every other read (Describe*/List*/Get*/BatchGet*) or write of the service shares one bucket;
# EACH: every other operation has its own bucket of that size (quotas published per API).
READS, WRITES, EACH = "*read", "*write", "*each"

# (service, bucket, burst, sustained per second, operations). Keep equal to src/aws/rate.rs
# `TABLE` (tests/emulator/rate.rs compares the two through GET /ecsctl-emulator/throttle).
TABLE: list[tuple[str, str, int, int, tuple[str, ...]]] = [
    # ECS API reference, "Request throttling for the Amazon ECS API" (documented).
    ("ecs", "cluster-modify", 20, 1, ("CreateCluster", "DeleteCluster",
                                      "PutClusterCapacityProviders", "UpdateCluster",
                                      "UpdateClusterSettings")),
    ("ecs", "cluster-read", 50, 20, ("DescribeClusters", "ListClusters")),
    ("ecs", "task-definition-modify", 20, 1, ("DeregisterTaskDefinition", "RegisterTaskDefinition")),
    ("ecs", "task-definition-read", 50, 20, ("DescribeTaskDefinition", "ListTaskDefinitions",
                                             "ListTaskDefinitionFamilies")),
    ("ecs", "task-definition-delete", 5, 1, ("DeleteTaskDefinitions",)),
    ("ecs", "capacity-provider-read", 50, 20, ("DescribeCapacityProviders",)),
    ("ecs", "tag-modify", 20, 10, ("TagResource", "UntagResource")),
    ("ecs", "tag-read", 50, 20, ("ListTagsForResource",)),
    ("ecs", "cluster-resource-modify", 100, 40, ("ExecuteCommand", "RunTask", "StartTask",
                                                 "StopTask")),
    ("ecs", "cluster-resource-read", 100, 20, ("DescribeContainerInstances", "DescribeTasks",
                                               "ListAttributes", "ListContainerInstances",
                                               "ListTasks")),
    ("ecs", "service-modify", 50, 5, ("CreateService", "DeleteService", "UpdateService")),
    ("ecs", "service-read", 100, 20, ("DescribeServices", "ListServices")),
    ("ecs", "service-deployment", 50, 20, ("DescribeServiceDeployments", "ListServiceDeployments")),
    ("ecs", "service-revision", 50, 20, ("DescribeServiceRevisions",)),
    ("ecs", "cluster-service-resource-read", 10, 1, ("ListServicesByNamespace",)),
    # CloudWatch Logs quotas, per API and TPS only (burst = one second's worth).
    ("logs", "CreateLogGroup", 5, 5, ("CreateLogGroup",)),
    ("logs", "DeleteLogGroup", 5, 5, ("DeleteLogGroup",)),
    ("logs", "DescribeLogGroups", 5, 5, ("DescribeLogGroups",)),
    ("logs", "StartLiveTail", 5, 5, ("StartLiveTail",)),  # assumed (docs/emulator.md)
    ("logs", "other", 5, 5, (EACH,)),  # assumed
    # EventBridge Scheduler quotas, per API (documented).
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html:
    # DescribeAlarms 9 TPS; PutMetricAlarm and DeleteAlarms 3 TPS; the rest taken as 3.
    ("monitoring", "DescribeAlarms", 9, 9, ("DescribeAlarms",)),
    ("monitoring", "PutMetricAlarm", 3, 3, ("PutMetricAlarm",)),
    ("monitoring", "DeleteAlarms", 3, 3, ("DeleteAlarms",)),
    ("monitoring", "other", 3, 3, (EACH,)),
    ("scheduler", "CreateSchedule", 50, 50, ("CreateSchedule",)),
    ("scheduler", "DeleteSchedule", 50, 50, ("DeleteSchedule",)),
    ("scheduler", "GetSchedule", 50, 50, ("GetSchedule",)),
    ("scheduler", "ListSchedules", 50, 50, ("ListSchedules",)),
    ("scheduler", "UpdateSchedule", 50, 50, ("UpdateSchedule",)),
    ("scheduler", "other", 10, 10, (EACH,)),
    # Systems Manager quotas, Parameter Store standard throughput (documented); writes assumed.
    ("ssm", "parameter-read", 40, 40, ("GetParameter", "GetParameters", "GetParametersByPath")),
    ("ssm", "other", 3, 3, (EACH,)),
    # Assumed (AWS publishes no figures; docs/emulator.md says why each).
    ("iam", "read", 20, 10, (READS,)),
    ("iam", "write", 10, 5, (WRITES,)),
    ("sts", "other", 20, 10, (EACH,)),
    ("servicediscovery", "read", 50, 20, (READS,)),
    ("servicediscovery", "write", 50, 5, (WRITES,)),
    ("application-autoscaling", "read", 50, 20, (READS,)),
    ("application-autoscaling", "write", 50, 5, (WRITES,)),
    ("tagging", "GetResources", 10, 5, ("GetResources",)),
    # ELB API throttling page, API version 2, non-mutating Describe* (documented).
    ("elasticloadbalancing", "describe", 40, 10, (READS,)),
    # The pre-flight's reads: EC2 non-mutating actions (documented), Secrets Manager
    # DescribeSecret (documented); KMS, EFS and ECR reads assumed.
    ("ec2", "describe", 100, 20, (READS,)),
    ("secretsmanager", "DescribeSecret", 40000, 40000, ("DescribeSecret",)),
    ("kms", "read", 50, 20, (READS,)),
    ("elasticfilesystem", "read", 50, 20, (READS,)),
    ("ecr", "read", 50, 20, (READS,)),
]

GLOBAL_SERVICES = {"iam"}
_SCOPE = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/[^/]+/aws4_request")


def latency_ms() -> float:
    return realism._number(LATENCY_ENV, 0.0)  # noqa: SLF001 (the shared number parser)


def rate_limits() -> str:
    default = "aws" if realism.realistic() else "off"
    value = (os.environ.get(RATE_LIMITS_ENV) or default).strip().lower()
    if value not in ("aws", "off"):
        raise SystemExit(f"{RATE_LIMITS_ENV} must be `aws` or `off`, not `{value}`")
    return value


def bucket_of(service: str, op: str) -> tuple[str, int, int] | None:
    """(bucket name, burst, sustained rate) of `service:op`, or None when it is not limited."""
    rows = [r for r in TABLE if r[0] == service]
    for _, name, burst, rate, ops in rows:
        if op in ops:
            return name, burst, rate
    read = op.startswith(faults.READ_PREFIXES)
    for _, name, burst, rate, ops in rows:
        if (READS in ops and read) or (WRITES in ops and not read):
            return name, burst, rate
        if EACH in ops:
            return f"{name}:{op}", burst, rate
    return None


class Bucket:
    """A token bucket: `burst` tokens at most, `rate` tokens a second, full when created."""

    def __init__(self, burst: int, rate: int, now: float) -> None:
        self.burst, self.rate, self.tokens, self.at = float(burst), float(rate), float(burst), now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        # A hair of tolerance: refills computed from float clocks land a rounding error short.
        if self.tokens >= 1.0 - 1e-9:
            self.tokens = max(0.0, self.tokens - 1.0)
            return True
        return False


class Throttle:
    """The middleware; also serves GET /ecsctl-emulator/throttle."""

    def __init__(self, app: Callable[..., Iterable[bytes]], latency: float | None = None,
                 limits: str | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.latency_ms = latency_ms() if latency is None else latency
        self.limits = rate_limits() if limits is None else limits
        self.clock = clock
        self.lock = threading.Lock()
        self.buckets: dict[tuple[str, str, str, str], Bucket] = {}
        self.accounts: dict[str, str] = {}
        self.limited = 0
        self.throttled = 0
        self.by_operation: dict[str, dict[str, int]] = {}

    def describe(self) -> str:
        return f"latency_ms={self.latency_ms:g} rate_limits={self.limits}"

    def _account(self, access_key: str) -> str:
        if access_key not in self.accounts:
            from moto.iam.models import get_account_id_from

            self.accounts[access_key] = get_account_id_from(access_key)
        return self.accounts[access_key]

    def admit(self, environ: dict[str, Any]) -> str | None:
        """The service whose throttling error answers this request, or None to let it pass."""
        who = faults.identify(environ)
        scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        if who is None or scope is None:
            return None
        access_key, service, op = who
        bucket = bucket_of(service, op)
        if bucket is None:
            return None
        name, burst, rate = bucket
        region = "global" if service in GLOBAL_SERVICES else scope.group(2)
        with self.lock:
            key = (self._account(access_key), region, service, name)
            if key not in self.buckets:
                self.buckets[key] = Bucket(burst, rate, self.clock())
            passed = self.buckets[key].take(self.clock())
            counts = self.by_operation.setdefault(f"{service}:{op}", {"limited": 0, "throttled": 0})
            counts["limited"] += 1
            self.limited += 1
            if not passed:
                counts["throttled"] += 1
                self.throttled += 1
        return None if passed else service

    def report(self) -> dict[str, Any]:
        with self.lock:
            return {"throttled": self.throttled, "limited": self.limited,
                    "by_operation": {k: dict(v) for k, v in sorted(self.by_operation.items())},
                    "rate_limits": self.limits, "latency_ms": self.latency_ms,
                    "table": [{"service": s, "bucket": b, "burst": burst, "rate": rate,
                               "operations": list(ops)} for s, b, burst, rate, ops in TABLE]}

    def refill(self, account: str) -> int:
        """Forgets `account`'s buckets (the next request finds them full, as after a quiet
        minute); how many there were."""
        with self.lock:
            keys = [k for k in self.buckets if k[0] == account]
            for k in keys:
                del self.buckets[k]
            return len(keys)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == RESET_ROUTE and environ.get("REQUEST_METHOD") == "POST":
            account = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("account", [""])[0]
            body = json.dumps({"refilled": self.refill(account)}).encode()
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        if path == LATENCY_ROUTE and environ.get("REQUEST_METHOD") == "POST":
            ms = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("ms", [""])[0]
            try:
                self.latency_ms = max(0.0, float(ms))
            except ValueError:
                start_response("400 Bad Request", [("Content-Type", "text/plain")])
                return [b"ms must be a number"]
            body = json.dumps({"latency_ms": self.latency_ms}).encode()
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        if path == ROUTE:
            body = json.dumps(self.report(), sort_keys=True).encode()
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        if path.startswith("/moto-api") or path.startswith("/ecsctl-emulator"):
            return self.app(environ, start_response)
        if self.latency_ms > 0:
            # One thread per request (server.py): concurrent requests sleep side by side.
            time.sleep(self.latency_ms / 1000.0)
        service = self.admit(environ) if self.limits == "aws" else None
        if service is not None:
            status, headers, body = faults._error(service, "throttling")  # noqa: SLF001
            start_response(status, headers)
            return [body]
        return self.app(environ, start_response)
