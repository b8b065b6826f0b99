"""Probe every patch in patches.py against a private emulator, with boto3.

`scripts/emulator selfcheck` should report every probe as fixed; `--no-patches` serves plain
moto and shows which deviations moto still has (run it after bumping moto: a probe that passes
unpatched means the patch can go). Exit status 1 if any probe fails.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from typing import Any, Callable

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"}, region_name="eu-west-1")


class Ctx:
    def __init__(self, endpoint: str) -> None:
        sts = boto3.client("sts", endpoint_url=endpoint, aws_access_key_id="x",
                           aws_secret_access_key="x", config=CONFIG)
        account = str(random.randint(10**11, 10**12 - 1))
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/selfcheck",
                                RoleSessionName="selfcheck")["Credentials"]
        self.session = boto3.session.Session(
            aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"], region_name="eu-west-1")
        self.endpoint = endpoint
        self.ecs = self.c("ecs")
        ec2 = self.c("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        self.sg = ec2.create_security_group(GroupName="g", Description="g", VpcId=vpc)["GroupId"]
        self.ecs.create_cluster(clusterName="c")
        for _ in range(2):
            self.ecs.register_task_definition(
                family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
                cpu="256", memory="512",
                containerDefinitions=[{"name": "app", "image": "nginx", "memory": 512}])

    def c(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.endpoint, config=CONFIG)

    def service(self, name: str, **kw: Any) -> dict:
        kw.setdefault("networkConfiguration", {"awsvpcConfiguration": {
            "subnets": [self.subnet], "securityGroups": [self.sg]}})
        return self.ecs.create_service(cluster="c", serviceName=name, taskDefinition="web:1",
                                       desiredCount=kw.pop("desiredCount", 2), **kw)["service"]


def probe_create_fields(x: Ctx) -> str | None:
    s = x.service("fields", capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
                  healthCheckGracePeriodSeconds=30, enableExecuteCommand=True)
    d = x.ecs.describe_services(cluster="c", services=["fields"])["services"][0]
    for got in (s, d):
        if got.get("capacityProviderStrategy") != [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]:
            return f"capacityProviderStrategy = {got.get('capacityProviderStrategy')!r}"
        if "launchType" in got:
            return f"launchType = {got['launchType']!r} next to a strategy"
        if got.get("deploymentConfiguration", {}).get("maximumPercent") != 200:
            return f"deploymentConfiguration = {got.get('deploymentConfiguration')!r}"
        if got.get("healthCheckGracePeriodSeconds") != 30 or got.get("enableExecuteCommand") is not True:
            return "healthCheckGracePeriodSeconds / enableExecuteCommand dropped"
    return None


def probe_not_idempotent(x: Ctx) -> str | None:
    x.service("dup")
    try:
        x.service("dup", desiredCount=5)
    except ClientError as e:
        if "not idempotent" in str(e):
            return None
        return f"wrong error {e}"
    return "second create_service succeeded (replaced the service)"


def probe_no_security_groups(x: Ctx) -> str | None:
    try:
        x.service("nosg", networkConfiguration={"awsvpcConfiguration": {"subnets": [x.subnet]}})
    except ClientError as e:
        return f"failed: {e}"
    return None


def probe_update_task_definition_arn(x: Ctx) -> str | None:
    x.service("upd")
    got = x.ecs.update_service(cluster="c", service="upd", taskDefinition="web:2")["service"]
    if not got["taskDefinition"].endswith(":task-definition/web:2"):
        return f"taskDefinition = {got['taskDefinition']!r}"
    return None


def probe_create_cluster_idempotent(x: Ctx) -> str | None:
    x.ecs.create_cluster(clusterName="keep", tags=[{"key": "a", "value": "b"}])
    x.ecs.create_cluster(clusterName="keep")
    tags = x.ecs.describe_clusters(clusters=["keep"], include=["TAGS"])["clusters"][0].get("tags")
    return None if tags == [{"key": "a", "value": "b"}] else f"tags after re-create = {tags!r}"


def probe_builtin_capacity_providers(x: Ctx) -> str | None:
    got = x.ecs.describe_capacity_providers(capacityProviders=["FARGATE", "FARGATE_SPOT"])
    names = [p["name"] for p in got["capacityProviders"]]
    return None if names == ["FARGATE", "FARGATE_SPOT"] else f"providers {names}, failures {got['failures']}"


def probe_rollout(x: Ctx) -> str | None:
    x.service("stable")
    d = x.ecs.describe_services(cluster="c", services=["stable"])["services"][0]
    state = (d["runningCount"], d["desiredCount"], d["deployments"][0]["rolloutState"])
    return None if state == (2, 2, "COMPLETED") else f"running/desired/rollout = {state}"


def probe_aas_filters(x: Ctx) -> str | None:
    aas = x.c("application-autoscaling")
    x.service("api", desiredCount=1)
    x.service("api2", desiredCount=1)
    for rid in ("service/c/api", "service/c/api2"):
        aas.register_scalable_target(ServiceNamespace="ecs", ResourceId=rid,
                                     ScalableDimension="ecs:service:DesiredCount", MinCapacity=1, MaxCapacity=2)
    aas.put_scaling_policy(
        PolicyName="cpu", ServiceNamespace="ecs", ResourceId="service/c/api",
        ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={"TargetValue": 50.0, "PredefinedMetricSpecification": {
            "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
    got = aas.describe_scaling_policies(ServiceNamespace="ecs", ResourceId="service/c/api2")
    if got["ScalingPolicies"]:
        return "ResourceId service/c/api2 returned the policies of service/c/api"
    got = aas.describe_scaling_policies(ServiceNamespace="ecs", PolicyNames=["nope"])
    return "PolicyNames ignored" if got["ScalingPolicies"] else None


def probe_aas_deregister(x: Ctx) -> str | None:
    aas = x.c("application-autoscaling")
    aas.deregister_scalable_target(ServiceNamespace="ecs", ResourceId="service/c/api",
                                   ScalableDimension="ecs:service:DesiredCount")
    left = aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
    return f"{len(left)} policies left after deregister" if left else None


def probe_cloudmap_filters(x: Ctx) -> str | None:
    sd = x.c("servicediscovery")
    a = sd.create_http_namespace(Name="a")["OperationId"]
    b = sd.create_http_namespace(Name="b")["OperationId"]
    ns_a = sd.get_operation(OperationId=a)["Operation"]["Targets"]["NAMESPACE"]
    ns_b = sd.get_operation(OperationId=b)["Operation"]["Targets"]["NAMESPACE"]
    sd.create_service(Name="one", NamespaceId=ns_a)
    sd.create_service(Name="two", NamespaceId=ns_b)
    names = [n["Name"] for n in sd.list_namespaces(Filters=[{"Name": "NAME", "Values": ["a"]}])["Namespaces"]]
    if names != ["a"]:
        return f"ListNamespaces NAME=a -> {names}"
    svcs = [s["Name"] for s in sd.list_services(Filters=[{"Name": "NAMESPACE_ID", "Values": [ns_b]}])["Services"]]
    return None if svcs == ["two"] else f"ListServices NAMESPACE_ID -> {svcs}"


def probe_cloudmap_duplicate(x: Ctx) -> str | None:
    sd = x.c("servicediscovery")
    op = sd.create_http_namespace(Name="dupns")["OperationId"]
    ns = sd.get_operation(OperationId=op)["Operation"]["Targets"]["NAMESPACE"]
    sd.create_service(Name="s", NamespaceId=ns)
    try:
        sd.create_service(Name="s", NamespaceId=ns)
    except ClientError as e:
        code = e.response["Error"]["Code"]
        return None if code == "ServiceAlreadyExists" else f"error code {code}"
    return "duplicate service created"


def probe_iam_managed_policy(x: Ctx) -> str | None:
    # patch_iam_managed_policies_once is about speed; this checks it kept the behaviour.
    iam = x.c("iam")
    iam.create_role(RoleName="exec", AssumeRolePolicyDocument="{}")
    iam.attach_role_policy(
        RoleName="exec",
        PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    return None


def probe_run_task_fargate(x: Ctx) -> str | None:
    x.ecs.register_task_definition(
        family="job", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
        memory="512", containerDefinitions=[{"name": "job", "image": "busybox", "environment": [
            {"name": "ECSCTL_EMULATOR_EXIT_CODE", "value": "3"}]}])
    net = {"awsvpcConfiguration": {"subnets": [x.subnet], "securityGroups": [x.sg]}}
    task = x.ecs.run_task(cluster="c", taskDefinition="job", networkConfiguration=net,
                          capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT",
                                                     "weight": 1}])["tasks"][0]
    if task["lastStatus"] != "RUNNING" or task.get("capacityProviderName") != "FARGATE_SPOT":
        return f"RunTask returned {task['lastStatus']} / {task.get('capacityProviderName')}"
    for _ in range(4):
        task = x.ecs.describe_tasks(cluster="c", tasks=[task["taskArn"]])["tasks"][0]
    exit_code = task["containers"][0].get("exitCode")
    if task["lastStatus"] != "STOPPED" or exit_code != 3:
        return f"after 4 DescribeTasks: {task['lastStatus']}, exit code {exit_code}"
    return None


PROBES: list[tuple[str, Callable[[Ctx], str | None]]] = [
    ("patch_ecs_create_service_fields", probe_create_fields),
    ("patch_ecs_create_service_not_idempotent", probe_not_idempotent),
    ("patch_ecs_awsvpc_without_security_groups", probe_no_security_groups),
    ("patch_ecs_update_service_task_definition_arn", probe_update_task_definition_arn),
    ("patch_ecs_create_cluster_idempotent", probe_create_cluster_idempotent),
    ("patch_ecs_builtin_capacity_providers", probe_builtin_capacity_providers),
    ("patch_ecs_service_rollout", probe_rollout),
    ("patch_ecs_run_task_fargate", probe_run_task_fargate),
    ("patch_iam_managed_policies_once", probe_iam_managed_policy),
    ("patch_aas_describe_scaling_policies_filters", probe_aas_filters),
    ("patch_aas_deregister_deletes_policies", probe_aas_deregister),
    ("patch_servicediscovery_list_filters", probe_cloudmap_filters),
    ("patch_servicediscovery_duplicate_service", probe_cloudmap_duplicate),
]


def main() -> int:
    args = [a for a in sys.argv[1:] if a == "--no-patches"]
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py"), "--quiet",
                             "--watch-parent", *args], stdout=subprocess.PIPE, text=True)
    try:
        endpoint = proc.stdout.readline().strip()
        x = Ctx(endpoint)
        failed = 0
        for name, probe in PROBES:
            try:
                problem = probe(x)
            except Exception as e:  # a crash (HTTP 500) is a finding, not a selfcheck bug
                problem = f"{type(e).__name__}: {e}"
            failed += problem is not None
            print(f"{'ok    ' if problem is None else 'BROKEN'} {name}" + (f": {problem}" if problem else ""))
        print(f"selfcheck: {len(PROBES) - failed} fixed, {failed} broken")
        return 1 if failed else 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
