#!/usr/bin/env python3
"""Out-of-band AWS actions for ecsctl's emulator tests, through boto3 (not through ecsctl).

Tests use it to set up fixtures, to cause drift behind ecsctl's back and to read state
independently of ecsctl's own AWS code. Credentials, region and endpoint come from the usual
environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...), as for the AWS CLI.

  aws-oob.py assume-role ACCOUNT          -> {"AccessKeyId", "SecretAccessKey", "SessionToken", "Account"}
  aws-oob.py network                      -> {"VpcId", "SubnetIds": [2], "SecurityGroupId"}
  aws-oob.py target-groups JSON           -> {"NAME": "ARN"}: JSON {"VpcId", "SubnetIds", "Names"};
      one `ip` target group per name in the VPC, each forwarded to by a listener of one
      application load balancer (ECS refuses a target group no load balancer forwards to).
  aws-oob.py listener-rules JSON          -> {"placeholder rule ARN": "ARN"}: JSON [{"TargetGroupArn",
      "AlternateTargetGroupArn", "Production", "Test"?}] of real target groups (as
      `target-groups` made them) and placeholder rule ARNs; per pair, a rule on the production
      group's listener forwarding 100/0 to the pair (the production rule) and, with "Test", one
      on a new listener (port + 1000) likewise, as the ECS blue/green guide sets them up;
      idempotent like `target-groups`.
  aws-oob.py efs JSON                     -> {"fs-placeholder": "fs-real", ...}: JSON
      {"FileSystems": [ID...], "AccessPoints": [[FSAP, FS]...]}; one EFS file system per ID and
      one access point per pair (moto cannot create chosen ids).
  aws-oob.py push-images JSON             -> {"pushed": [URI...]}: JSON [URI...] of ECR images
      `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG`; creates each repository and puts a
      minimal image manifest under each tag (the pre-flight asks ECR whether they exist).
  aws-oob.py call SERVICE OPERATION JSON  -> the operation's response as JSON, every page merged
      for a paginated list (OPERATION in boto3's snake_case or the API's PascalCase; datetimes as ISO 8601 strings;
       ResponseMetadata dropped). An AWS error prints {"Error": {"Code", "Message"}} on stdout
       and exits 3, so tests can assert on error codes.
  aws-oob.py batch < JSON                 -> one process for many calls (boto3 import is ~0.3 s):
      stdin [{"service", "operation", "params"}, ...] -> stdout [{"ok": response} | {"error":
      {"Code", "Message"}}, ...], in order; later calls still run after an error.
  aws-oob.py batch --settle < JSON        -> the same, each call sent again while AWS answers
      "not yet" (service-linked role, propagation, draining; see NOT_YET), for up to 15 s.
  aws-oob.py serve                        -> the above as a long-lived process (see serve()).

Run with the project venv: `.venv/bin/python scripts/aws-oob.py ...`.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

# One attempt: an emulator gap (HTTP 500) should fail fast in tests, not after retries.
# (botocore's `max_attempts` counts retries; `total_max_attempts` counts the first call too.)
CONFIG = Config(retries={"total_max_attempts": 1, "mode": "standard"})


# The environment calls act in: os.environ, or the per-request env in `serve` mode.
ENV: dict = dict(os.environ)
_CLIENTS: dict = {}
_SESSION = None

CRED_VARS = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
             "AWS_REGION", "AWS_DEFAULT_REGION", "ECSCTL_OOB_MAX_ATTEMPTS")


def client(service: str):  # noqa: ANN201
    # AWS_REGION is what the AWS CLI v2 and the Rust SDK read; botocore only reads
    # AWS_DEFAULT_REGION, so pass it explicitly. Clients are cached per credentials: building
    # one costs ~0.1 s, which `serve` mode exists to avoid.
    key = (service, *(ENV.get(v) for v in CRED_VARS))
    if key not in _CLIENTS:
        global _SESSION
        _SESSION = _SESSION or boto3.session.Session()  # one session: service models load once
        # More attempts only on a server that injects faults (the test harness says so).
        attempts = int(ENV.get("ECSCTL_OOB_MAX_ATTEMPTS") or 1)
        config = CONFIG if attempts == 1 else Config(
            retries={"total_max_attempts": attempts, "mode": "standard"})
        _CLIENTS[key] = _SESSION.client(
            service,
            config=config,
            endpoint_url=ENV.get("AWS_ENDPOINT_URL"),
            region_name=ENV.get("AWS_REGION") or ENV.get("AWS_DEFAULT_REGION"),
            aws_access_key_id=ENV.get("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=ENV.get("AWS_SECRET_ACCESS_KEY"),
            aws_session_token=ENV.get("AWS_SESSION_TOKEN"),
        )
    return _CLIENTS[key]


def to_json(value: object) -> str:
    def default(o: object) -> object:
        if isinstance(o, (datetime.datetime, datetime.date)):
            return o.isoformat()
        if isinstance(o, bytes):
            return o.decode("utf-8", "replace")
        raise TypeError(f"cannot serialise {type(o).__name__}")

    return json.dumps(value, default=default, sort_keys=True)


def assume_role(account: str) -> dict:
    creds = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/ecsctl-test", RoleSessionName="ecsctl-test"
    )["Credentials"]
    return {
        "AccessKeyId": creds["AccessKeyId"],
        "SecretAccessKey": creds["SecretAccessKey"],
        "SessionToken": creds["SessionToken"],
        "Account": account,
    }


def network() -> dict:
    """A VPC with two subnets in two AZs and a security group: ECS validates these IDs."""
    ec2 = client("ec2")
    region = ec2.meta.region_name
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{region}{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    sg = ec2.create_security_group(GroupName="ecsctl-test", Description="ecsctl test", VpcId=vpc)
    return {"VpcId": vpc, "SubnetIds": subnets, "SecurityGroupId": sg["GroupId"]}


def target_groups(spec: dict) -> dict:
    """Idempotent (a retried call on a server that loses responses finds what it made)."""
    elb = client("elbv2")
    lb_name = f"ecsctl-test-{spec['VpcId'][-12:]}"
    try:
        lb = elb.create_load_balancer(Name=lb_name, Subnets=spec["SubnetIds"])
    except ClientError as e:
        if e.response["Error"]["Code"] != "DuplicateLoadBalancerName":
            raise
        lb = elb.describe_load_balancers(Names=[lb_name])
    lb = lb["LoadBalancers"][0]["LoadBalancerArn"]
    out = {}
    for port, name in enumerate(spec["Names"], start=8000):
        try:
            arn = elb.create_target_group(Name=name[:32], Protocol="HTTP", Port=80,
                                          VpcId=spec["VpcId"], TargetType="ip")
        except ClientError as e:
            if e.response["Error"]["Code"] != "DuplicateTargetGroupName":
                raise
            arn = elb.describe_target_groups(Names=[name[:32]])
        arn = arn["TargetGroups"][0]["TargetGroupArn"]
        with contextlib.suppress(ClientError):
            elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=port,
                                DefaultActions=[{"Type": "forward", "TargetGroupArn": arn}])
        out[name] = arn
    return out


def listener_rules(pairs: list) -> dict:
    """Idempotent (a retried call on a server that loses responses finds what it made): the
    rule at priority 10 of a listener, and the test listener on its port, are reused."""
    elb = client("elbv2")
    where = [{"Field": "path-pattern", "Values": ["/*"]}]

    def rule(listener_arn: str, forward: list) -> str:
        def existing() -> str | None:
            for r in elb.describe_rules(ListenerArn=listener_arn)["Rules"]:
                if r.get("Priority") == "10":
                    return r["RuleArn"]
            return None
        found = existing()
        if found:
            return found
        try:
            return elb.create_rule(ListenerArn=listener_arn, Priority=10, Conditions=where,
                                   Actions=forward)["Rules"][0]["RuleArn"]
        except ClientError as e:
            if e.response["Error"]["Code"] != "PriorityInUse":
                raise
            return existing()

    out = {}
    for pair in pairs:
        blue, green = pair["TargetGroupArn"], pair["AlternateTargetGroupArn"]
        lb = elb.describe_target_groups(TargetGroupArns=[blue])["TargetGroups"][0][
            "LoadBalancerArns"][0]
        listeners = elb.describe_listeners(LoadBalancerArn=lb)["Listeners"]
        listener = next(l for l in listeners if any(
            a.get("TargetGroupArn") == blue for a in l.get("DefaultActions", [])))
        forward = [{"Type": "forward", "ForwardConfig": {"TargetGroups": [
            {"TargetGroupArn": blue, "Weight": 100}, {"TargetGroupArn": green, "Weight": 0}]}}]
        out[pair["Production"]] = rule(listener["ListenerArn"], forward)
        if pair.get("Test"):
            port = int(listener["Port"]) + 1000
            test = next((l for l in listeners if int(l["Port"]) == port), None)
            if test is None:
                with contextlib.suppress(ClientError):
                    elb.create_listener(
                        LoadBalancerArn=lb, Protocol="HTTP", Port=port,
                        DefaultActions=[{"Type": "fixed-response",
                                         "FixedResponseConfig": {"StatusCode": "404"}}])
                test = next(l for l in elb.describe_listeners(LoadBalancerArn=lb)["Listeners"]
                            if int(l["Port"]) == port)
            out[pair["Test"]] = rule(test["ListenerArn"], forward)
    return out


def efs(spec: dict) -> dict:
    """{placeholder id: real id}: a file system per `FileSystems` entry, an access point per
    `AccessPoints` [fsap, fs] pair on the file system made for its fs."""
    c = client("efs")
    out = {}
    for fs in spec["FileSystems"]:
        out[fs] = c.create_file_system(CreationToken=f"ecsctl-test-{fs}",
                                       Encrypted=True)["FileSystemId"]
    for ap, fs in spec["AccessPoints"]:
        out[ap] = c.create_access_point(FileSystemId=out[fs],
                                        ClientToken=f"ecsctl-test-{ap}")["AccessPointId"]
    return out


# A minimal Docker image manifest (schema 2), as `docker push` stores one: ECR keeps it under
# the tag; the pre-flight only asks DescribeImages whether the tag exists.
MANIFEST = json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
               "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
    "layers": [],
})


def push_images(uris: list) -> dict:
    pushed = []
    for uri in uris:
        host, path = uri.split("/", 1)
        account, region = host.split(".")[0], host.split(".")[3]
        repo, tag = path.rsplit(":", 1) if ":" in path.rsplit("/", 1)[-1] else (path, "latest")
        ecr = client_in("ecr", region)
        with contextlib.suppress(ecr.exceptions.RepositoryAlreadyExistsException):
            ecr.create_repository(repositoryName=repo)
        with contextlib.suppress(ecr.exceptions.ImageAlreadyExistsException):
            ecr.put_image(registryId=account, repositoryName=repo, imageManifest=MANIFEST,
                          imageTag=tag)
        pushed.append(uri)
    return {"pushed": pushed}


def client_in(service: str, region: str):  # noqa: ANN201
    saved = ENV.get("AWS_REGION")
    ENV["AWS_REGION"] = region
    try:
        return client(service)
    finally:
        if saved is None:
            ENV.pop("AWS_REGION", None)
        else:
            ENV["AWS_REGION"] = saved


def call(service: str, operation: str, params: str) -> dict:
    c = client(service)
    name = operation if operation in c.meta.method_to_api_mapping else None
    if name is None:
        by_api = {v: k for k, v in c.meta.method_to_api_mapping.items()}
        name = by_api.get(operation)
    if name is None:
        raise ValueError(f"unknown operation `{operation}` for `{service}`")
    kwargs = json.loads(params or "{}")
    if c.can_paginate(name):
        # Every page, merged, as the AWS CLI does by default: the emulator pages lists at a
        # small size (docs/emulator.md, realistic mode), and a test reads the whole list.
        response = c.get_paginator(name).paginate(**kwargs).build_full_result()
    else:
        response = getattr(c, name)(**kwargs)
    response.pop("ResponseMetadata", None)
    return response


# AWS's "not yet" answers (docs/emulator.md, realistic mode): the service-linked role, a new
# role or ECS service still propagating, a draining name. A fixture built out of band waits for
# them the way ecsctl does (src/aws/settling.rs), instead of failing on AWS's eventual
# consistency.
NOT_YET = ("service linked role", "iam:PassRole", "ECS service doesn't exist", "still Draining",
           "must allow AWS EventBridge Scheduler to assume the role")
SETTLE_SECONDS = 15.0


def batch(calls: list[dict], settle: bool = False) -> list[dict]:
    results = []
    for c in calls:
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            try:
                results.append({"ok": call(c["service"], c["operation"],
                                           json.dumps(c.get("params") or {}))})
            except ClientError as e:
                err = e.response.get("Error", {})
                message = err.get("Message") or ""
                if settle and time.monotonic() < deadline and any(m in message for m in NOT_YET):
                    time.sleep(0.05)
                    continue
                results.append({"error": {"Code": err.get("Code"), "Message": message}})
            break
    return results


def serve() -> int:
    """One JSON request per stdin line, one JSON reply per stdout line, until EOF:
    {"env": {AWS_*}, "argv": [...], "stdin": "..."} -> {"code": EXIT, "stdout", "stderr"}.
    The test harness keeps one such process, so boto3 is imported once per test run."""
    global ENV
    for line in sys.stdin:
        request = json.loads(line)
        ENV = {k: v for k, v in request.get("env", {}).items() if k in CRED_VARS}
        out: list[str] = []
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = run(request["argv"], request.get("stdin", ""), out.append)
        reply = {"code": code, "stdout": "\n".join(out), "stderr": err.getvalue()}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    return 0


def main(argv: list[str]) -> int:
    if argv == ["serve"]:
        return serve()
    stdin = sys.stdin.read() if argv in (["batch"], ["batch", "--settle"]) else ""
    return run(argv, stdin, print)


def run(argv: list[str], stdin: str, emit) -> int:  # noqa: ANN001
    try:
        if len(argv) == 2 and argv[0] == "assume-role":
            out = assume_role(argv[1])
        elif argv in (["batch"], ["batch", "--settle"]):
            out = batch(json.loads(stdin), settle=argv == ["batch", "--settle"])
        elif argv == ["network"]:
            out = network()
        elif len(argv) == 2 and argv[0] == "target-groups":
            out = target_groups(json.loads(argv[1]))
        elif len(argv) == 2 and argv[0] == "listener-rules":
            out = listener_rules(json.loads(argv[1]))
        elif len(argv) == 2 and argv[0] == "efs":
            out = efs(json.loads(argv[1]))
        elif len(argv) == 2 and argv[0] == "push-images":
            out = push_images(json.loads(argv[1]))
        elif len(argv) in (3, 4) and argv[0] == "call":
            out = call(argv[1], argv[2], argv[3] if len(argv) == 4 else "{}")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except ClientError as e:
        err = e.response.get("Error", {})
        emit(to_json({"Error": {"Code": err.get("Code"), "Message": err.get("Message")}}))
        return 3
    except Exception as e:  # noqa: BLE001 - reported to the caller (the harness panics with it)
        print(f"aws-oob: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        return 1
    emit(to_json(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
