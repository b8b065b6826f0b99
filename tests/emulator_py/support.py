"""Shared fixtures for the emulator's own behaviour tests (stdlib unittest, boto3).

These tests pin what the patched emulator does against the AWS API reference: each realistic
behaviour (docs/emulator.md, "Realistic mode") with AWS's exact error code and message. They test
the emulator, not ecsctl; ecsctl's behaviour on top of it is tested in tests/emulator/ (Rust).

`Server(env)` starts a private `scripts/emulator` with the given ECSCTL_EMULATOR_* settings (so
windows can be short and exact per test class); `Server.account()` is a fresh AWS account on it
(AssumeRole into a random 12-digit account, as the Rust harness does), so tests never share state.
Run with: `.venv/bin/python -m unittest discover -s tests/emulator_py -t .` (scripts/test does).
"""

from __future__ import annotations

import os
import random
import subprocess
import time
import unittest
from typing import Any, Callable

import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REGION = "eu-west-1"
# One attempt: a test sees exactly what the emulator answered, never a retried success
# (botocore's `max_attempts` counts retries; `total_max_attempts` counts the first call too).
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"}, region_name=REGION)


class Server:
    """A private emulator process with its own settings; stop() ends it."""

    def __init__(self, **settings: Any) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ECSCTL_EMULATOR_")}
        # Rate limits (on by default in realistic mode) only where a test is about them.
        env["ECSCTL_EMULATOR_RATE_LIMITS"] = "off"
        env.update({k: str(v) for k, v in settings.items()})
        self.process = subprocess.Popen(
            [os.path.join(ROOT, "scripts/emulator"), "--port", "0", "--quiet", "--watch-parent"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            text=True)
        assert self.process.stdout is not None
        self.endpoint = self.process.stdout.readline().strip()
        if not self.endpoint.startswith("http://127.0.0.1:"):
            self.process.kill()
            raise RuntimeError(f"scripts/emulator did not print its endpoint: {self.endpoint!r}")

    def account(self, config: Config = NO_RETRY) -> "Account":
        return Account(self.endpoint, config)

    def stop(self) -> None:
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Account:
    """boto3 clients for one fresh account on a server."""

    def __init__(self, endpoint: str, config: Config) -> None:
        sts = boto3.client("sts", endpoint_url=endpoint, aws_access_key_id="x",
                           aws_secret_access_key="x", config=NO_RETRY)
        self.id = str(random.randint(10**11, 10**12 - 1))
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{self.id}:role/emulator-test",
                                RoleSessionName="emulator-test")["Credentials"]
        self.session = boto3.session.Session(
            aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"], region_name=REGION)
        self.endpoint = endpoint
        self.config = config
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(
                service, endpoint_url=self.endpoint, config=self.config)
        return self._clients[service]

    def network(self) -> tuple[str, str]:
        """A VPC's subnet and security group (ECS validates both)."""
        ec2 = self.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        sg = ec2.create_security_group(GroupName="g", Description="g", VpcId=vpc)["GroupId"]
        return subnet, sg


def eventually(check: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Polls `check` until it returns a truthy value (returned) or `timeout` passes (fails)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last: {value!r})")
        time.sleep(interval)


class PrivateServerTest(unittest.TestCase):
    """A test class with its own private emulator started once for the class, with the class's
    SETTINGS (ECSCTL_EMULATOR_* and moto variables)."""

    SETTINGS: dict[str, Any] = {}
    server: Server

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = Server(**cls.SETTINGS)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()


class InstantServerTest(PrivateServerTest):
    """A test class with its own private instant-mode emulator, started once for the class."""

    SETTINGS = {"ECSCTL_EMULATOR_MODE": "instant"}
