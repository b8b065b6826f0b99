"""Latency and AWS-shaped rate limits (scripts/moto/throttle.py; docs/emulator.md, "Latency and
rate limits").

The bucket arithmetic is pinned on `throttle.Throttle` with an injected clock (exact); the wire
behaviour on a private server: each protocol's own throttling error, buckets per account, the
sustained rate passing, and concurrent requests overlapping their latency.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import unittest
import urllib.request
from typing import Any, Callable

from botocore.exceptions import ClientError

from tests.emulator_py.support import ROOT, PrivateServerTest, Server

sys.path.insert(0, os.path.join(ROOT, "scripts", "moto"))
import throttle  # noqa: E402

KEY = "ASIAEXAMPLE"


def environ(service: str, target: str = "", body: bytes = b"", path: str = "/",
            method: str = "POST", region: str = "eu-west-1") -> dict[str, Any]:
    import io

    return {"PATH_INFO": path, "REQUEST_METHOD": method, "HTTP_X_AMZ_TARGET": target,
            "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
            "HTTP_AUTHORIZATION": f"AWS4-HMAC-SHA256 Credential={KEY}/20261128/{region}/{service}"
                                  "/aws4_request, SignedHeaders=host, Signature=x"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Buckets(unittest.TestCase):
    """Token-bucket arithmetic, no server: AWS's burst then its sustained rate."""

    def setUp(self) -> None:
        self.clock = FakeClock()
        self.t = throttle.Throttle(lambda e, s: [b"ok"], latency=0, limits="aws", clock=self.clock)
        self.t.accounts[KEY] = "111122223333"

    def describe_services(self) -> str | None:
        return self.t.admit(environ("ecs", "AmazonEC2ContainerServiceV20141113.DescribeServices"))

    def test_a_burst_of_the_bucket_size_passes_and_the_next_request_is_throttled(self) -> None:
        # Service read actions: bucket 100, refill 20 a second (ECS API reference).
        self.assertEqual([self.describe_services() for _ in range(100)], [None] * 100)
        self.assertEqual(self.describe_services(), "ecs")
        self.assertEqual(self.t.report()["throttled"], 1)

    def test_the_sustained_rate_passes_once_the_bucket_is_empty(self) -> None:
        for _ in range(100):
            self.describe_services()
        for _ in range(40):  # two seconds at exactly 20 a second
            self.clock.now += 0.05
            self.assertIsNone(self.describe_services())
        self.assertEqual(self.describe_services(), "ecs")

    def test_actions_of_one_category_share_a_bucket_and_other_categories_do_not(self) -> None:
        for _ in range(100):
            self.describe_services()
        list_services = environ("ecs", "AmazonEC2ContainerServiceV20141113.ListServices")
        self.assertEqual(self.t.admit(list_services), "ecs")
        clusters = environ("ecs", "AmazonEC2ContainerServiceV20141113.DescribeClusters")
        self.assertIsNone(self.t.admit(clusters))

    def test_iam_buckets_are_global_and_query_actions_are_read_from_the_body(self) -> None:
        for region in ["eu-west-1", "us-east-1"] * 10:  # burst 20, whatever the region
            self.assertIsNone(self.t.admit(environ("iam", body=b"Action=GetRole&RoleName=a",
                                                   region=region)))
        self.assertEqual(self.t.admit(environ("iam", body=b"Action=ListRolePolicies")), "iam")
        self.assertIsNone(self.t.admit(environ("iam", body=b"Action=CreateRole")))  # write bucket

    def test_logs_operations_without_a_published_figure_each_get_their_own_bucket(self) -> None:
        tags = environ("logs", "Logs_20140328.ListTagsForResource")
        self.assertEqual([self.t.admit(dict(tags)) for _ in range(6)], [None] * 5 + ["logs"])
        self.assertIsNone(self.t.admit(environ("logs", "Logs_20140328.PutRetentionPolicy")))

    def test_unsigned_requests_and_unlisted_operations_are_never_limited(self) -> None:
        unsigned = environ("ecs", "AmazonEC2ContainerServiceV20141113.DescribeServices")
        del unsigned["HTTP_AUTHORIZATION"]
        # EC2's writes are not in the table (ecsctl sends only its Describe* reads).
        ec2 = environ("ec2", body=b"Action=CreateVpc")
        for _ in range(200):
            self.assertIsNone(self.t.admit(dict(unsigned)))
            self.assertIsNone(self.t.admit(environ("ec2", body=b"Action=CreateVpc")))
        self.assertIsNone(self.t.admit(ec2))
        self.assertEqual(self.t.report()["limited"], 0)


def throttling(call: Callable[[], Any]) -> tuple[str, str, int] | None:
    try:
        call()
    except ClientError as e:
        return (e.response["Error"]["Code"], e.response["Error"]["Message"],
                e.response["ResponseMetadata"]["HTTPStatusCode"])
    return None


def burst(call: Callable[[], Any], n: int) -> list[tuple[str, str, int] | None]:
    """`n` calls at once from 8 threads; each call's error (None when it passed)."""
    results: list[tuple[str, str, int] | None] = [None] * n
    lock = threading.Lock()
    todo = list(range(n))

    def worker() -> None:
        while True:
            with lock:
                if not todo:
                    return
                i = todo.pop()
            results[i] = throttling(call)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


class RateLimits(PrivateServerTest):
    """A private instant-mode server with `RATE_LIMITS=aws`; each test in its own account."""

    SETTINGS = {"ECSCTL_EMULATOR_MODE": "instant", "ECSCTL_EMULATOR_RATE_LIMITS": "aws"}

    def assert_burst_throttled(self, call: Callable[[], Any], n: int, burst_size: int,
                               expected: tuple[str, str, int]) -> None:
        started = time.monotonic()
        results = burst(call, n)
        elapsed = time.monotonic() - started
        errors = {r for r in results if r is not None}
        self.assertEqual(errors, {expected})
        passed = results.count(None)
        self.assertGreaterEqual(passed, burst_size)
        # At most the bucket plus what refilled while the burst ran (generous on a busy machine).
        self.assertLess(passed, n, f"nothing throttled in {elapsed:.2f} s")

    def test_each_protocol_answers_an_empty_bucket_with_its_own_throttling_error(self) -> None:
        acct = self.server.account()
        self.assert_burst_throttled(lambda: acct.client("logs").describe_log_groups(), 30, 5,
                                    ("ThrottlingException", "Rate exceeded", 400))
        self.assert_burst_throttled(lambda: acct.client("iam").list_roles(), 80, 20,
                                    ("Throttling", "Rate exceeded", 400))
        self.assert_burst_throttled(
            lambda: acct.client("servicediscovery").list_namespaces(), 150, 50,
            ("RequestLimitExceeded", "Rate exceeded", 429))
        self.assert_burst_throttled(
            lambda: acct.client("scheduler").list_schedule_groups(), 40, 10,
            ("ThrottlingException", "Rate exceeded", 429))

    def test_the_sustained_rate_passes_after_a_burst(self) -> None:
        acct = self.server.account()
        logs = acct.client("logs")
        results = burst(lambda: logs.describe_log_groups(), 20)
        self.assertIn(("ThrottlingException", "Rate exceeded", 400), results)
        # 4 a second against AWS's 5: every one passes.
        time.sleep(0.25)
        for _ in range(10):
            self.assertIsNone(throttling(lambda: logs.describe_log_groups()))
            time.sleep(0.25)

    def test_buckets_are_per_account(self) -> None:
        a, b = self.server.account(), self.server.account()
        self.assertIn(("ThrottlingException", "Rate exceeded", 400),
                      burst(lambda: a.client("logs").describe_log_groups(), 20))
        self.assertIsNone(throttling(lambda: b.client("logs").describe_log_groups()))

    def test_the_counts_route_reports_throttled_requests(self) -> None:
        acct = self.server.account()
        before = report(self.server)
        burst(lambda: acct.client("logs").describe_log_groups(), 20)
        after = report(self.server)
        self.assertEqual(after["rate_limits"], "aws")
        self.assertGreater(after["throttled"], before["throttled"])
        counts = after["by_operation"]["logs:DescribeLogGroups"]
        self.assertGreaterEqual(counts["limited"], 20)


def report(server: Server) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server.endpoint}/ecsctl-emulator/throttle", timeout=10) as r:
        return json.loads(r.read())


class Latency(PrivateServerTest):
    """`LATENCY_MS` delays each request; concurrent requests overlap their delays."""

    LATENCY_MS = 300
    SETTINGS = {"ECSCTL_EMULATOR_MODE": "instant", "ECSCTL_EMULATOR_LATENCY_MS": str(LATENCY_MS)}

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # moto's first answer to an unknown path imports modules (≈ 0.5 s, once per process).
        cls.get(cls, "/")  # type: ignore[arg-type]

    def get(self, path: str) -> float:
        started = time.monotonic()
        try:
            urllib.request.urlopen(f"{self.server.endpoint}{path}", timeout=10).read()
        except urllib.error.HTTPError:
            pass  # moto's answer to a bare GET does not matter, its timing does
        return time.monotonic() - started

    def test_every_aws_request_waits_the_latency(self) -> None:
        self.assertGreaterEqual(self.get("/"), self.LATENCY_MS / 1000)
        self.assertEqual(report(self.server)["latency_ms"], self.LATENCY_MS)

    def test_emulator_routes_are_not_delayed(self) -> None:
        self.assertLess(self.get("/ecsctl-emulator/throttle"), self.LATENCY_MS / 1000)

    def test_the_latency_can_change_while_the_server_runs(self) -> None:
        def set_latency(ms: int) -> None:
            req = urllib.request.Request(
                f"{self.server.endpoint}/ecsctl-emulator/throttle/latency?ms={ms}", method="POST")
            urllib.request.urlopen(req, timeout=10).read()

        set_latency(0)
        try:
            self.assertLess(self.get("/"), self.LATENCY_MS / 1000)
            self.assertEqual(report(self.server)["latency_ms"], 0)
        finally:
            set_latency(self.LATENCY_MS)
        self.assertGreaterEqual(self.get("/"), self.LATENCY_MS / 1000)

    def test_eight_concurrent_requests_take_one_latency_not_eight(self) -> None:
        started = time.monotonic()
        threads = [threading.Thread(target=self.get, args=("/",)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        self.assertGreaterEqual(elapsed, self.LATENCY_MS / 1000)
        # Serially they would take 8 x 300 ms = 2.4 s.
        self.assertLess(elapsed, 2 * self.LATENCY_MS / 1000, f"{elapsed:.3f} s")


if __name__ == "__main__":
    unittest.main()
