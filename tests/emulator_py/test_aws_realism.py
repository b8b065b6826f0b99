"""The emulator is at least as strict as AWS: IAM propagation, the ECS service-linked role,
Application Auto Scaling's lag, Scheduler's DELETING groups, paging, faults and the snapshot.

Each test asserts AWS's exact error code and message (sources in the patch docstrings and in
docs/emulator.md, "IAM, Application Auto Scaling, Scheduler, faults and paging") and that the
state settles once the window has passed. Windows are short (400 ms) so the file runs in well
under a minute.
"""

from __future__ import annotations

import json
import time
import unittest
import urllib.request
from typing import Any, Callable
from unittest import mock

from botocore.config import Config
from botocore.retries.standard import ExponentialBackoff
from botocore.exceptions import ClientError

from tests.emulator_py.support import REGION, Account, PrivateServerTest, Server, eventually

WINDOW_MS = 400
WINDOW = WINDOW_MS / 1000
# Exactly one attempt (botocore's `max_attempts` counts retries, `total_max_attempts` attempts).
ONE_ATTEMPT = Config(retries={"total_max_attempts": 1, "mode": "standard"}, region_name=REGION)

ECS_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
SCHEDULER_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}

SLR_MESSAGE = ("Unable to assume the service linked role. Please verify that the ECS service linked "
               "role exists.")
SCHEDULER_ROLE_MESSAGE = ("The execution role you provide must allow AWS EventBridge Scheduler to "
                          "assume the role.")


def error(call: Callable[[], Any]) -> tuple[str, str, int]:
    """(code, message, HTTP status) of the error `call` raises; fails when it succeeds."""
    try:
        call()
    except ClientError as e:
        return (e.response["Error"]["Code"], e.response["Error"]["Message"],
                e.response["ResponseMetadata"]["HTTPStatusCode"])
    raise AssertionError("expected an AWS error, the call succeeded")


def fails_with(call: Callable[[], Any], expected: tuple[str, str, int]) -> Callable[[], bool]:
    """For eventually(): True once `call` raises exactly `expected`."""
    def check() -> bool:
        try:
            call()
        except ClientError as e:
            return (e.response["Error"]["Code"], e.response["Error"]["Message"],
                    e.response["ResponseMetadata"]["HTTPStatusCode"]) == expected
        return False
    return check


def succeeds(call: Callable[[], Any]) -> Callable[[], Any]:
    """For eventually(): the call's result, or None while it raises an AWS error."""
    def check() -> Any:
        try:
            return call() or True
        except ClientError:
            return None
    return check


def task_definition(**roles: str) -> dict[str, Any]:
    return dict(family="web", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}],
                **roles)


def schedule(name: str, role_arn: str, group: str = "default") -> dict[str, Any]:
    return dict(Name=name, GroupName=group, ScheduleExpression="rate(1 hour)",
                FlexibleTimeWindow={"Mode": "OFF"},
                Target={"Arn": "arn:aws:ecs:eu-west-1:123456789012:cluster/c", "RoleArn": role_arn})


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


class Realistic(PrivateServerTest):
    """One private server with short windows and the realistic page size (2)."""

    SETTINGS = dict(ECSCTL_EMULATOR_IAM_PROPAGATION_MS=WINDOW_MS,
                    ECSCTL_EMULATOR_SLR_PROPAGATION_MS=WINDOW_MS,
                    ECSCTL_EMULATOR_AAS_LAG_MS=WINDOW_MS, ECSCTL_EMULATOR_GROUP_DELETE_MS=WINDOW_MS,
                    ECSCTL_EMULATOR_MISSING_MS=0, ECSCTL_EMULATOR_STALE_MS=0,
                    ECSCTL_EMULATOR_PAGE_SIZE=2)

    def account(self) -> Account:
        return self.server.account(ONE_ATTEMPT)

    def aged_role(self, acct: Account, name: str, trust: dict[str, Any]) -> str:
        arn = acct.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        time.sleep(WINDOW + 0.05)
        return arn

    def snapshot(self, acct: Account) -> Any:
        return get_json(f"{self.server.endpoint}/ecsctl-emulator/snapshot?account={acct.id}")

    # -- IAM propagation -> ECS RegisterTaskDefinition ---------------------------------------------

    def test_register_task_definition_refuses_a_role_iam_has_not_propagated(self) -> None:
        acct = self.account()
        ecs = acct.client("ecs")
        arn = acct.client("iam").create_role(
            RoleName="exec", AssumeRolePolicyDocument=json.dumps(ECS_TRUST))["Role"]["Arn"]
        caller = acct.client("sts").get_caller_identity()["Arn"]
        self.assertEqual(
            error(lambda: ecs.register_task_definition(**task_definition(executionRoleArn=arn))),
            ("AccessDeniedException",
             f"User: {caller} is not authorized to perform: iam:PassRole on resource: {arn}", 400))
        self.assertEqual(error(lambda: ecs.register_task_definition(**task_definition(taskRoleArn=arn)))[0],
                         "AccessDeniedException")
        td = eventually(succeeds(lambda: ecs.register_task_definition(
            **task_definition(executionRoleArn=arn, taskRoleArn=arn))), timeout=5)
        self.assertEqual(td["taskDefinition"]["executionRoleArn"], arn)
        self.assertEqual(td["taskDefinition"]["revision"], 1)  # the refused calls registered nothing

    def test_register_task_definition_refuses_a_role_that_does_not_exist(self) -> None:
        acct = self.account()
        ecs = acct.client("ecs")
        ghost = f"arn:aws:iam::{acct.id}:role/ghost"
        for field in ("executionRoleArn", "taskRoleArn"):
            self.assertEqual(error(lambda: ecs.register_task_definition(**task_definition(**{field: ghost}))),
                             ("ClientException", "Role is not valid", 400))

    def test_a_changed_policy_does_not_block_register_task_definition(self) -> None:
        # AWS checks iam:PassRole (the role's existence) here, not the role's permissions.
        acct = self.account()
        arn = self.aged_role(acct, "exec", ECS_TRUST)
        acct.client("iam").put_role_policy(RoleName="exec", PolicyName="p", PolicyDocument=json.dumps(POLICY))
        acct.client("ecs").register_task_definition(**task_definition(executionRoleArn=arn))

    # -- the ECS service-linked role ----------------------------------------------------------------

    def test_first_create_cluster_with_providers_fails_until_the_service_linked_role_propagates(self) -> None:
        acct = self.account()
        ecs, iam = acct.client("ecs"), acct.client("iam")
        self.assertEqual(error(lambda: iam.get_role(RoleName="AWSServiceRoleForECS"))[0], "NoSuchEntity")
        create = dict(clusterName="c", capacityProviders=["FARGATE", "FARGATE_SPOT"])
        self.assertEqual(error(lambda: ecs.create_cluster(**create)),
                         ("InvalidParameterException", SLR_MESSAGE, 400))
        # CreateCluster created the role (as AWS does); the refused call created no cluster.
        role = iam.get_role(RoleName="AWSServiceRoleForECS")["Role"]
        self.assertEqual(role["Path"], "/aws-service-role/ecs.amazonaws.com/")
        self.assertEqual(role["Arn"], f"arn:aws:iam::{acct.id}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS")
        self.assertEqual(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
                         {"Service": "ecs.amazonaws.com"})
        self.assertEqual(role["Description"], "Role to enable Amazon ECS to manage your cluster.")
        self.assertEqual(iam.list_attached_role_policies(RoleName="AWSServiceRoleForECS")["AttachedPolicies"],
                         [{"PolicyName": "AmazonECSServiceRolePolicy",
                           "PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy"}])
        self.assertEqual(ecs.describe_clusters(clusters=["c"])["failures"][0]["reason"], "MISSING")
        cluster = eventually(succeeds(lambda: ecs.create_cluster(**create)), timeout=5)["cluster"]
        self.assertEqual(cluster["capacityProviders"], ["FARGATE", "FARGATE_SPOT"])

    def test_create_cluster_without_providers_works_at_once_and_creates_the_role(self) -> None:
        acct = self.account()
        acct.client("ecs").create_cluster(clusterName="plain")
        acct.client("iam").get_role(RoleName="AWSServiceRoleForECS")

    def test_create_service_linked_role_once_then_invalid_input(self) -> None:
        acct = self.account()
        iam, ecs = acct.client("iam"), acct.client("ecs")
        role = iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")["Role"]
        self.assertEqual((role["RoleName"], role["Path"]),
                         ("AWSServiceRoleForECS", "/aws-service-role/ecs.amazonaws.com/"))
        self.assertEqual(
            error(lambda: iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")),
            ("InvalidInput", "Service role name AWSServiceRoleForECS has been taken in this account, "
                             "please try a different suffix.", 400))
        strategy = dict(clusterName="c", defaultCapacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "weight": 1}])
        self.assertEqual(error(lambda: ecs.create_cluster(**strategy))[1], SLR_MESSAGE)
        eventually(succeeds(lambda: ecs.create_cluster(**strategy)), timeout=5)

    # -- Application Auto Scaling ------------------------------------------------------------------

    def new_service(self, acct: Account, name: str) -> None:
        ecs = acct.client("ecs")
        if not ecs.list_clusters()["clusterArns"]:
            ecs.create_cluster(clusterName="c")
            ecs.register_task_definition(**task_definition())
        ecs.create_service(cluster="c", serviceName=name, taskDefinition="web", desiredCount=1)

    def test_register_scalable_target_for_a_new_ecs_service_fails_until_aas_sees_it(self) -> None:
        acct = self.account()
        aas = acct.client("application-autoscaling")
        self.new_service(acct, "api")
        target = dict(ServiceNamespace="ecs", ResourceId="service/c/api",
                      ScalableDimension="ecs:service:DesiredCount", MinCapacity=1, MaxCapacity=3)
        self.assertEqual(error(lambda: aas.register_scalable_target(**target)),
                         ("ValidationException", "ECS service doesn't exist: service/c/api", 400))
        self.assertEqual(aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"], [])
        eventually(succeeds(lambda: aas.register_scalable_target(**target)), timeout=5)
        self.assertEqual(error(lambda: aas.register_scalable_target(**dict(target, ResourceId="service/c/ghost"))),
                         ("ValidationException", "ECS service doesn't exist: service/c/ghost", 400))

    # -- Scheduler ---------------------------------------------------------------------------------

    def test_deleted_schedule_group_is_deleting_then_gone(self) -> None:
        acct = self.account()
        sch = acct.client("scheduler")
        role = self.aged_role(acct, "sched", SCHEDULER_TRUST)
        sch.create_schedule_group(Name="jobs")
        sch.create_schedule(**schedule("nightly", role, "jobs"))
        sch.delete_schedule_group(Name="jobs")
        group = sch.get_schedule_group(Name="jobs")
        self.assertEqual((group["Name"], group["State"]), ("jobs", "DELETING"))
        listed = {g["Name"]: g["State"] for g in sch.list_schedule_groups()["ScheduleGroups"]}
        self.assertEqual(listed.get("jobs"), "DELETING")
        self.assertEqual(error(lambda: sch.get_schedule(Name="nightly", GroupName="jobs")),
                         ("ResourceNotFoundException", "Schedule nightly does not exist.", 404))
        self.assertEqual(error(lambda: sch.create_schedule_group(Name="jobs")),
                         ("ConflictException", "Schedule group jobs already exists.", 409))
        self.assertEqual(error(lambda: sch.create_schedule(**schedule("again", role, "jobs"))),
                         ("ConflictException", "Schedule group jobs is being deleted.", 409))
        eventually(fails_with(lambda: sch.get_schedule_group(Name="jobs"),
                              ("ResourceNotFoundException", "Schedule group jobs does not exist.", 404)),
                   timeout=5)
        self.assertNotIn("jobs", [g["Name"] for g in sch.list_schedule_groups()["ScheduleGroups"]])
        self.assertEqual(sch.get_schedule_group(Name="default")["State"], "ACTIVE")
        sch.create_schedule_group(Name="jobs")  # the name is free again
        self.assertEqual(sch.get_schedule_group(Name="jobs")["State"], "ACTIVE")

    def test_create_schedule_group_on_an_existing_name_conflicts(self) -> None:
        acct = self.account()
        sch = acct.client("scheduler")
        role = self.aged_role(acct, "sched", SCHEDULER_TRUST)
        sch.create_schedule_group(Name="jobs")
        sch.create_schedule(**schedule("nightly", role, "jobs"))
        self.assertEqual(error(lambda: sch.create_schedule_group(Name="jobs")),
                         ("ConflictException", "Schedule group jobs already exists.", 409))
        sch.get_schedule(Name="nightly", GroupName="jobs")  # moto used to replace the group, losing it

    def test_create_schedule_in_a_missing_group_is_not_found(self) -> None:
        acct = self.account()
        role = self.aged_role(acct, "sched", SCHEDULER_TRUST)
        self.assertEqual(error(lambda: acct.client("scheduler").create_schedule(**schedule("s", role, "nope"))),
                         ("ResourceNotFoundException", "Schedule group nope does not exist.", 404))

    def test_schedule_role_must_be_assumable_by_scheduler(self) -> None:
        acct = self.account()
        sch, iam = acct.client("scheduler"), acct.client("iam")
        wrong_trust = self.aged_role(acct, "ecs-only", ECS_TRUST)
        expected = ("ValidationException", SCHEDULER_ROLE_MESSAGE, 400)
        self.assertEqual(error(lambda: sch.create_schedule(**schedule("a", f"arn:aws:iam::{acct.id}:role/ghost"))),
                         expected)
        self.assertEqual(error(lambda: sch.create_schedule(**schedule("a", wrong_trust))), expected)
        new = iam.create_role(RoleName="fresh", AssumeRolePolicyDocument=json.dumps(SCHEDULER_TRUST))["Role"]["Arn"]
        self.assertEqual(error(lambda: sch.create_schedule(**schedule("a", new))), expected)
        eventually(succeeds(lambda: sch.create_schedule(**schedule("a", new))), timeout=5)
        # Fixing the trust policy of the other role: not usable until it propagates, then fine.
        iam.update_assume_role_policy(RoleName="ecs-only", PolicyDocument=json.dumps(SCHEDULER_TRUST))
        self.assertEqual(error(lambda: sch.update_schedule(**schedule("a", wrong_trust))), expected)
        eventually(succeeds(lambda: sch.update_schedule(**schedule("a", wrong_trust))), timeout=5)
        self.assertEqual(sch.get_schedule(Name="a")["Target"]["RoleArn"], wrong_trust)

    # -- paging ------------------------------------------------------------------------------------

    def assert_pages(self, pages: list[list[str]], expected: list[str], size: int = 2) -> None:
        self.assertTrue(all(len(p) <= size for p in pages), pages)
        self.assertGreater(len(pages), 1, pages)
        self.assertEqual([x for p in pages for x in p], expected)

    def test_iam_role_lists_page_with_marker(self) -> None:
        acct = self.account()
        iam = acct.client("iam")
        for name in ("r1", "r2", "r3"):
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(ECS_TRUST),
                            Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(3)])
        for i in range(3):
            iam.put_role_policy(RoleName="r1", PolicyName=f"p{i}", PolicyDocument=json.dumps(POLICY))
        for arn in ("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
                    "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess",
                    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"):
            iam.attach_role_policy(RoleName="r1", PolicyArn=arn)
        first = iam.list_roles()
        self.assertEqual((len(first["Roles"]), first["IsTruncated"]), (2, True))
        self.assertIn("Marker", first)
        pages = [[r["RoleName"] for r in p["Roles"]] for p in iam.get_paginator("list_roles").paginate()]
        self.assert_pages(pages, [x for p in pages for x in p])  # moto orders roles by their id
        self.assertEqual(sorted(x for p in pages for x in p), ["r1", "r2", "r3"])
        pages = [p["PolicyNames"] for p in iam.get_paginator("list_role_policies").paginate(RoleName="r1")]
        self.assert_pages(pages, ["p0", "p1", "p2"])
        pages = [[a["PolicyName"] for a in p["AttachedPolicies"]]
                 for p in iam.get_paginator("list_attached_role_policies").paginate(RoleName="r1")]
        self.assert_pages(pages, ["AmazonECSTaskExecutionRolePolicy", "AmazonS3ReadOnlyAccess",
                                  "CloudWatchLogsReadOnlyAccess"])
        pages = [[t["Key"] for t in p["Tags"]] for p in iam.get_paginator("list_role_tags").paginate(RoleName="r2")]
        self.assert_pages(pages, ["k0", "k1", "k2"])
        one = iam.list_role_policies(RoleName="r1", MaxItems=1)  # a smaller client max wins
        self.assertEqual((one["PolicyNames"], one["IsTruncated"]), (["p0"], True))
        last = iam.list_role_policies(RoleName="r1", Marker=iam.list_role_policies(RoleName="r1")["Marker"])
        self.assertEqual((last["PolicyNames"], last["IsTruncated"]), (["p2"], False))
        self.assertNotIn("Marker", last)
        code, message, _ = error(lambda: iam.list_roles(MaxItems=1001))
        self.assertEqual(code, "ValidationError")
        self.assertIn("less than or equal to 1000", message)
        pages = [[r["RoleName"] for r in p["RoleDetailList"]] for p in
                 iam.get_paginator("get_account_authorization_details").paginate(Filter=["Role"])]
        self.assert_pages(pages, [x for p in pages for x in p])
        self.assertEqual(sorted(x for p in pages for x in p), ["r1", "r2", "r3"])
        detail = next(r for p in iam.get_paginator("get_account_authorization_details")
                      .paginate(Filter=["Role"]) for r in p["RoleDetailList"] if r["RoleName"] == "r1")
        self.assertEqual(sorted(x["PolicyName"] for x in detail["RolePolicyList"]), ["p0", "p1", "p2"])
        self.assertEqual(len(detail["AttachedManagedPolicies"]), 3)

    def test_logs_describe_log_groups_pages_with_next_token(self) -> None:
        acct = self.account()
        logs = acct.client("logs")
        names = [f"/app/{i}" for i in range(5)]
        for n in names:
            logs.create_log_group(logGroupName=n)
        logs.create_log_group(logGroupName="/other/x")
        pages = [[g["logGroupName"] for g in p["logGroups"]]
                 for p in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix="/app/")]
        self.assert_pages(pages, names)
        self.assertEqual(len(logs.describe_log_groups(limit=1)["logGroups"]), 1)
        self.assertEqual(error(lambda: logs.describe_log_groups(limit=51))[0], "InvalidParameterException")

    def test_aas_describe_lists_page(self) -> None:
        acct = self.account()
        aas = acct.client("application-autoscaling")
        ids = [f"service/c/s{i}" for i in range(5)]
        for rid in ids:
            self.new_service(acct, rid.split("/")[-1])
        time.sleep(WINDOW + 0.05)
        for rid in ids:
            aas.register_scalable_target(ServiceNamespace="ecs", ResourceId=rid,
                                         ScalableDimension="ecs:service:DesiredCount", MinCapacity=1, MaxCapacity=2)
        pages = [[t["ResourceId"] for t in p["ScalableTargets"]]
                 for p in aas.get_paginator("describe_scalable_targets").paginate(ServiceNamespace="ecs")]
        self.assert_pages(pages, ids)  # moto's own token looped forever from the third page on
        for i in range(3):
            aas.put_scaling_policy(
                PolicyName=f"p{i}", ServiceNamespace="ecs", ResourceId="service/c/s0",
                ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
                TargetTrackingScalingPolicyConfiguration={"TargetValue": 50.0, "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
        pages = [[p["PolicyName"] for p in page["ScalingPolicies"]]
                 for page in aas.get_paginator("describe_scaling_policies").paginate(
                     ServiceNamespace="ecs", ResourceId="service/c/s0")]
        self.assert_pages(pages, ["p0", "p1", "p2"])
        # Each list's documented maximum page is a hard limit: more is a validation error.
        for call in (lambda: aas.describe_scaling_policies(ServiceNamespace="ecs", MaxResults=11),
                     lambda: aas.describe_scalable_targets(ServiceNamespace="ecs", MaxResults=51)):
            code, message, status = error(call)
            self.assertEqual((code, status), ("ValidationException", 400))
            self.assertIn("Member must have value less than or equal to", message)
        self.assertEqual(len(aas.describe_scaling_policies(ServiceNamespace="ecs", MaxResults=10)
                             ["ScalingPolicies"]), 2)  # the suite's page of two

    def test_scheduler_lists_page_with_next_token(self) -> None:
        acct = self.account()
        sch = acct.client("scheduler")
        role = self.aged_role(acct, "sched", SCHEDULER_TRUST)
        for i in range(3):
            sch.create_schedule_group(Name=f"g{i}")
            sch.create_schedule(**schedule(f"s{i}", role))
        pages = [[g["Name"] for g in p["ScheduleGroups"]] for p in sch.get_paginator("list_schedule_groups").paginate()]
        self.assert_pages(pages, ["default", "g2", "g1", "g0"])  # moto's order: default, then newest
        pages = [[s["Name"] for s in p["Schedules"]] for p in sch.get_paginator("list_schedules").paginate()]
        self.assert_pages(pages, ["s2", "s1", "s0"])
        self.assertEqual(len(sch.list_schedules(MaxResults=1)["Schedules"]), 1)

    # -- snapshot ----------------------------------------------------------------------------------

    def test_snapshot_sees_tag_writes_on_logs_cloud_map_and_scheduler(self) -> None:
        acct = self.account()
        logs, sd, sch = acct.client("logs"), acct.client("servicediscovery"), acct.client("scheduler")
        logs.create_log_group(logGroupName="/app")
        group_arn = logs.describe_log_groups()["logGroups"][0]["logGroupArn"]
        sd.create_http_namespace(Name="ns")
        namespace_arn = sd.list_namespaces()["Namespaces"][0]["Arn"]
        schedule_group_arn = sch.create_schedule_group(Name="jobs")["ScheduleGroupArn"]
        writes = [
            ("logs", lambda: logs.tag_resource(resourceArn=group_arn, tags={"team": "a"})),
            ("servicediscovery", lambda: sd.tag_resource(ResourceARN=namespace_arn,
                                                         Tags=[{"Key": "team", "Value": "a"}])),
            ("scheduler", lambda: sch.tag_resource(ResourceArn=schedule_group_arn,
                                                   Tags=[{"Key": "team", "Value": "a"}])),
        ]
        for service, write in writes:
            before = self.snapshot(acct)
            write()
            after = self.snapshot(acct)
            self.assertNotEqual(before, after, f"{service}:TagResource did not change the snapshot")
            tags = after[service]["TaggingService"]
            self.assertTrue(any(t.get("team") == "a" for region in tags.values() for t in region.values()),
                            tags)
        before = self.snapshot(acct)
        logs.untag_resource(resourceArn=group_arn, tagKeys=["team"])
        self.assertNotEqual(before, self.snapshot(acct), "logs:UntagResource did not change the snapshot")


class Faults(PrivateServerTest):
    """A private server that throttles, fails and loses responses (seeded: reproducible)."""

    SETTINGS = dict(ECSCTL_EMULATOR_FAULT_RATE=0.3, ECSCTL_EMULATOR_DROP_RATE=0.3,
                    ECSCTL_EMULATOR_FAULT_SEED=7, ECSCTL_EMULATOR_IAM_PROPAGATION_MS=0,
                    ECSCTL_EMULATOR_SLR_PROPAGATION_MS=0, ECSCTL_EMULATOR_AAS_LAG_MS=0,
                    ECSCTL_EMULATOR_MISSING_MS=0, ECSCTL_EMULATOR_PAGE_SIZE=0)

    def faults(self) -> Any:
        return get_json(f"{self.server.endpoint}/ecsctl-emulator/faults")

    def test_each_protocol_gets_its_own_throttling_error(self) -> None:
        acct = self.server.account(ONE_ATTEMPT)
        expected = {
            "ecs": (lambda c: c.list_clusters(), ("ThrottlingException", "Rate exceeded", 400)),
            "logs": (lambda c: c.describe_log_groups(), ("ThrottlingException", "Rate exceeded", 400)),
            "application-autoscaling": (lambda c: c.describe_scalable_targets(ServiceNamespace="ecs"),
                                        ("ThrottlingException", "Rate exceeded", 400)),
            "servicediscovery": (lambda c: c.list_namespaces(), ("RequestLimitExceeded", "Rate exceeded", 429)),
            "scheduler": (lambda c: c.list_schedule_groups(), ("ThrottlingException", "Rate exceeded", 429)),
            "iam": (lambda c: c.list_roles(), ("Throttling", "Rate exceeded", 400)),
            "sts": (lambda c: c.get_caller_identity(), ("Throttling", "Rate exceeded", 400)),
        }
        for service, (call, throttling) in expected.items():
            client = acct.client(service)
            seen: set[tuple[str, str, int]] = set()
            for _ in range(200):
                try:
                    call(client)
                except ClientError as e:
                    seen.add((e.response["Error"]["Code"], e.response["Error"]["Message"],
                              e.response["ResponseMetadata"]["HTTPStatusCode"]))
                if throttling in seen and len(seen) >= 2:
                    break
            self.assertIn(throttling, seen, service)
            others = seen - {throttling}
            self.assertTrue(others <= {
                ("InternalFailure", "The request processing has failed because of an unknown error, "
                                    "exception or failure.", 500),
                ("ServiceUnavailable", "The request has failed due to a temporary failure of the server.", 503),
            }, (service, others))
        report = self.faults()
        self.assertGreater(report["injected"], 0)
        self.assertEqual(sum(report["by_kind"].values()), report["injected"])
        self.assertIn("ecs:ListClusters", report["by_operation"])

    def test_a_client_with_four_attempts_always_gets_through_and_lost_writes_happened(self) -> None:
        # CAP = 3 faults in a row per (key, operation): the 4th attempt passes.
        acct = self.server.account(Config(retries={"total_max_attempts": 4, "mode": "standard"},
                                          region_name=REGION))
        logs = acct.client("logs")
        before = self.faults()
        lost = 0
        # botocore's throttling backoff (up to seconds) is not what this test measures.
        backoff = mock.patch.object(ExponentialBackoff, "delay_amount", lambda *_: 0.005)
        backoff.start()
        self.addCleanup(backoff.stop)
        for i in range(25):
            try:
                logs.create_log_group(logGroupName=f"/job/{i}")
            except ClientError as e:
                # The first response was lost after the write: the retry meets the result.
                self.assertEqual(e.response["Error"]["Code"], "ResourceAlreadyExistsException")
                lost += 1
        names = {g["logGroupName"] for p in logs.get_paginator("describe_log_groups").paginate()
                 for g in p["logGroups"]}
        self.assertEqual(names, {f"/job/{i}" for i in range(25)})
        after = self.faults()
        self.assertGreater(after["dropped"], before["dropped"])
        self.assertGreater(after["injected"], before["injected"])
        self.assertGreaterEqual(after["by_operation"]["logs:CreateLogGroup"]["dropped"], lost)
        self.assertEqual(after["cap"], 3)


class Instant(unittest.TestCase):
    """ECSCTL_EMULATOR_MODE=instant: no windows, no paging, no faults."""

    def test_instant_mode_has_no_windows_and_no_paging(self) -> None:
        server = Server(ECSCTL_EMULATOR_MODE="instant")
        try:
            acct = server.account(ONE_ATTEMPT)
            iam, ecs, sch, logs = (acct.client(s) for s in ("iam", "ecs", "scheduler", "logs"))
            arn = iam.create_role(RoleName="exec", AssumeRolePolicyDocument=json.dumps(ECS_TRUST))["Role"]["Arn"]
            ecs.register_task_definition(**task_definition(executionRoleArn=arn))
            ecs.create_cluster(clusterName="c", capacityProviders=["FARGATE"])
            sch.create_schedule_group(Name="jobs")
            sch.delete_schedule_group(Name="jobs")
            self.assertEqual(error(lambda: sch.get_schedule_group(Name="jobs"))[0], "ResourceNotFoundException")
            for i in range(3):
                logs.create_log_group(logGroupName=f"/g/{i}")
            page = logs.describe_log_groups()
            self.assertEqual((len(page["logGroups"]), page.get("nextToken")), (3, None))
            # AWS's own page sizes: 100 roles unless the client asks for up to 1,000, which it
            # then gets (ecsctl asks for 1,000).
            for i in range(100):
                iam.create_role(RoleName=f"r{i:03}", AssumeRolePolicyDocument=json.dumps(ECS_TRUST))
            # 102 roles: these, `exec` and ECS's service-linked role (made by CreateCluster).
            default = iam.get_account_authorization_details(Filter=["Role"])
            self.assertEqual((len(default["RoleDetailList"]), default["IsTruncated"]), (100, True))
            asked = iam.get_account_authorization_details(Filter=["Role"], MaxItems=1000)
            self.assertEqual((len(asked["RoleDetailList"]), asked["IsTruncated"]), (102, False))
            rest = iam.get_account_authorization_details(Filter=["Role"], Marker=default["Marker"])
            self.assertEqual(len(rest["RoleDetailList"]), 2)
            self.assertEqual(len(iam.list_roles()["Roles"]), 100)
            self.assertEqual(len(iam.list_roles(MaxItems=1000)["Roles"]), 102)
            # Correctness checks are not windows: they stay.
            self.assertEqual(error(lambda: ecs.register_task_definition(
                **task_definition(taskRoleArn=f"arn:aws:iam::{acct.id}:role/ghost")))[1], "Role is not valid")
            self.assertEqual(get_json(f"{server.endpoint}/ecsctl-emulator/faults")["injected"], 0)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
