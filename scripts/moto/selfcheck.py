"""Probe every patch in patches.py against a private emulator, with boto3.

`scripts/emulator selfcheck` should report every probe as fixed; `--no-patches` serves plain
moto and shows which deviations moto still has (run it after bumping moto: a probe that passes
unpatched means the patch can go). Exit status 1 if any probe fails.

Two servers: the shape probes run in instant mode (ECSCTL_EMULATOR_MODE=instant: every write
settles within its request, as before the realistic mode); the realistic probes run with short
windows and check, cheaply, one AWS behaviour each of the realistic mode (docs/emulator.md,
"ECS and Cloud Map"). The exact codes, messages and timings are pinned by
tests/emulator_py/test_ecs_realism.py.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from typing import Any, Callable

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = Config(retries={"total_max_attempts": 1, "mode": "standard"}, region_name="eu-west-1")
PROVIDERS = ("FARGATE", "FARGATE_SPOT")
# The realistic probes' windows: short, but long enough to read the in-between state.
REALISTIC = {
    "ECSCTL_EMULATOR_MODE": "realistic", "ECSCTL_EMULATOR_MISSING_MS": "1000",
    "ECSCTL_EMULATOR_STALE_MS": "1000", "ECSCTL_EMULATOR_ROLLOUT_MS": "2400",
    "ECSCTL_EMULATOR_DRAIN_MS": "1000", "ECSCTL_EMULATOR_DEREGISTER_MS": "300",
    "ECSCTL_EMULATOR_TASK_RUN_MS": "3000", "ECSCTL_EMULATOR_SLR_PROPAGATION_MS": "0",
    "ECSCTL_EMULATOR_IAM_PROPAGATION_MS": "0", "ECSCTL_EMULATOR_AAS_LAG_MS": "0",
    "ECSCTL_EMULATOR_PAGE_SIZE": "2", "ECSCTL_EMULATOR_TAG_INDEX_MS": "300",
    "ECSCTL_EMULATOR_RATE_LIMITS": "off",
}


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
        self.ecs.create_cluster(clusterName="c", capacityProviders=list(PROVIDERS))
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


def probe_unknown_target_group(x: Ctx) -> str | None:
    arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/nope/0a1b2c3d4e5f6201"
    try:
        x.service("tg", loadBalancers=[{"targetGroupArn": arn, "containerName": "app",
                                        "containerPort": 80}])
    except ClientError as e:
        if "validate the specified targetGroupArn" in str(e):
            return None
        return f"wrong error {e}"
    return "CreateService accepted a target group that does not exist"


def probe_service_deployments(x: Ctx) -> str | None:
    x.service("sd", desiredCount=1)
    try:
        listed = x.ecs.list_service_deployments(cluster="c", service="sd")["serviceDeployments"]
    except ClientError as e:
        return f"ListServiceDeployments failed: {e}"
    if len(listed) != 1 or listed[0]["status"] != "SUCCESSFUL":
        return f"one SUCCESSFUL service deployment expected, got {listed}"
    got = x.ecs.describe_service_deployments(
        serviceDeploymentArns=[listed[0]["serviceDeploymentArn"]])["serviceDeployments"]
    return None if got and got[0]["targetServiceRevision"]["requestedTaskCount"] == 1 \
        else f"DescribeServiceDeployments answered {got}"


def probe_blue_green_checks(x: Ctx) -> str | None:
    arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/nope/0a1b2c3d4e5f6201"
    try:
        x.service("bg", deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1},
                  loadBalancers=[{"targetGroupArn": arn, "containerName": "app",
                                  "containerPort": 80}])
    except ClientError as e:
        if "requires advancedConfiguration" in str(e):
            return None
        return f"wrong error {e}"
    return "CreateService took BLUE_GREEN without the alternate group, rule and role"


def probe_volume_configurations(x: Ctx) -> str | None:
    """A volume configuration without a volume configured at launch is refused; one that
    matches is reported on the deployment."""
    volume = {"name": "data", "managedEBSVolume": {
        "roleArn": "arn:aws:iam::123456789012:role/none", "sizeInGiB": 10}}
    try:
        x.service("ebs-no", volumeConfigurations=[volume])
        return "CreateService took a volume configuration the task definition has no volume for"
    except ClientError as e:
        if "no matching configuredAtLaunch volume" not in str(e):
            return f"wrong error {e}"
    x.ecs.register_task_definition(
        family="ebs", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
        memory="512", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 512}],
        volumes=[{"name": "data", "configuredAtLaunch": True}])
    trust = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
             '{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}')
    role = x.c("iam").create_role(RoleName="infra", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    volume["managedEBSVolume"]["roleArn"] = role
    s = x.ecs.create_service(cluster="c", serviceName="ebs", taskDefinition="ebs:1",
                             desiredCount=1, volumeConfigurations=[volume],
                             networkConfiguration={"awsvpcConfiguration": {
                                 "subnets": [x.subnet], "securityGroups": [x.sg]}})["service"]
    if s["deployments"][0].get("volumeConfigurations") != [volume]:
        return f"the deployment does not report its volume configuration: {s['deployments'][0]}"
    return None


def probe_firelens(x: Ctx) -> str | None:
    """The awsfirelens driver without a log router is refused."""
    app = {"name": "app", "image": "nginx", "memory": 512,
           "logConfiguration": {"logDriver": "awsfirelens", "options": {"Name": "stdout"}}}
    try:
        x.ecs.register_task_definition(
            family="firelens", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
            cpu="256", memory="512", containerDefinitions=[app])
    except ClientError as e:
        if "a firelens configuration object must be configured" in str(e):
            return None
        return f"wrong error {e}"
    return "RegisterTaskDefinition took the awsfirelens driver without a log router"


def probe_service_connect(x: Ctx) -> str | None:
    """A Service Connect configuration naming no existing namespace is refused; one that does
    is reported on the deployment."""
    x.ecs.register_task_definition(
        family="sc", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
        memory="512", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 512,
                                             "portMappings": [{"containerPort": 80,
                                                               "name": "http"}]}])
    config = {"enabled": True, "namespace": "sc.local", "services": [
        {"portName": "http", "discoveryName": "sc",
         "clientAliases": [{"dnsName": "sc.sc.local", "port": 80}]}]}
    net = {"awsvpcConfiguration": {"subnets": [x.subnet], "securityGroups": [x.sg]}}
    try:
        x.ecs.create_service(cluster="c", serviceName="sc-none", taskDefinition="sc:1",
                             desiredCount=1, networkConfiguration=net,
                             serviceConnectConfiguration=config)
        return "CreateService took Service Connect in a namespace that does not exist"
    except ClientError as e:
        if "sc.local" not in str(e):
            return f"wrong error {e}"
    sd = x.c("servicediscovery")
    vpc = x.c("ec2").describe_subnets(SubnetIds=[x.subnet])["Subnets"][0]["VpcId"]
    sd.create_private_dns_namespace(Name="sc.local", Vpc=vpc)
    for _ in range(100):
        if any(n["Name"] == "sc.local" for n in sd.list_namespaces()["Namespaces"]):
            break
        time.sleep(0.05)
    s = x.ecs.create_service(cluster="c", serviceName="sc", taskDefinition="sc:1",
                             desiredCount=1, networkConfiguration=net,
                             serviceConnectConfiguration=config)["service"]
    got = s["deployments"][0].get("serviceConnectConfiguration") or {}
    if got.get("services") != config["services"] or not got.get("enabled"):
        return f"the deployment does not report its Service Connect configuration: {got}"
    return None


def probe_update_task_definition_arn(x: Ctx) -> str | None:
    x.service("upd")
    got = x.ecs.update_service(cluster="c", service="upd", taskDefinition="web:2")["service"]
    if not got["taskDefinition"].endswith(":task-definition/web:2"):
        return f"taskDefinition = {got['taskDefinition']!r}"
    return None


def probe_create_cluster_idempotent(x: Ctx) -> str | None:
    x.ecs.create_cluster(clusterName="keep", tags=[{"key": "a", "value": "b"}])
    x.ecs.create_cluster(clusterName="keep", tags=[{"key": "a", "value": "b"}])
    tags = x.ecs.describe_clusters(clusters=["keep"], include=["TAGS"])["clusters"][0].get("tags")
    if tags != [{"key": "a", "value": "b"}]:
        return f"tags after re-create = {tags!r}"
    code = error_code(lambda: x.ecs.create_cluster(clusterName="keep"))
    return None if code == "InvalidParameterException" else f"other arguments: {code}"


def error_code(call: Callable[[], Any]) -> str | None:
    try:
        call()
    except ClientError as e:
        return str(e.response["Error"]["Code"])
    return None


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


def probe_aas_needs_target(x: Ctx) -> str | None:
    aas = x.c("application-autoscaling")
    code = error_code(lambda: aas.put_scheduled_action(
        ServiceNamespace="ecs", ResourceId="service/c/ghost", ScalableDimension="ecs:service:DesiredCount",
        ScheduledActionName="night", Schedule="cron(0 20 * * ? *)",
        ScalableTargetAction={"MinCapacity": 0, "MaxCapacity": 0}))
    return None if code == "ObjectNotFoundException" else f"a scheduled action without a target: {code}"


def probe_aas_step_alarms(x: Ctx) -> str | None:
    aas, cw = x.c("application-autoscaling"), x.c("cloudwatch")
    target = {"ServiceNamespace": "ecs", "ResourceId": "service/c/api2",
              "ScalableDimension": "ecs:service:DesiredCount"}
    arn = aas.put_scaling_policy(PolicyName="up", PolicyType="StepScaling", **target,
                                 StepScalingPolicyConfiguration={"AdjustmentType": "ChangeInCapacity",
                                                                 "StepAdjustments": [{"MetricIntervalLowerBound": 0.0, "ScalingAdjustment": 1}]})["PolicyARN"]
    cw.put_metric_alarm(AlarmName="up", Namespace="AWS/ECS", MetricName="CPUUtilization", Statistic="Average",
                        Period=60, EvaluationPeriods=1, Threshold=60.0,
                        ComparisonOperator="GreaterThanThreshold", AlarmActions=[arn])
    got = aas.describe_scaling_policies(ServiceNamespace="ecs", PolicyNames=["up"])["ScalingPolicies"]
    return None if [a["AlarmName"] for a in got[0]["Alarms"]] == ["up"] else "a step policy lists no alarm"


def probe_cloudwatch_cbor(x: Ctx) -> str | None:
    import urllib.request

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    url = f"{x.endpoint}/service/GraniteServiceVersion20100801/operation/DescribeAlarms"
    request = AWSRequest(method="POST", url=url, data=b"\xa0", headers={
        "Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"})
    SigV4Auth(x.session.get_credentials().get_frozen_credentials(), "monitoring", "eu-west-1").add_auth(request)
    p = request.prepare()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=p.body, headers=dict(p.headers))) as r:
            kind = r.headers.get("Content-Type")
    except urllib.error.HTTPError as e:
        return f"HTTP {e.code}"
    return None if kind == "application/cbor" else f"answered {kind}"


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
    if task["lastStatus"] != "PROVISIONING" or task.get("capacityProviderName") != "FARGATE_SPOT":
        return f"RunTask returned {task['lastStatus']} / {task.get('capacityProviderName')}"
    task = x.ecs.describe_tasks(cluster="c", tasks=[task["taskArn"]])["tasks"][0]
    exit_code = task["containers"][0].get("exitCode")
    if task["lastStatus"] != "STOPPED" or exit_code != 3:
        return f"instant mode, next DescribeTasks: {task['lastStatus']}, exit code {exit_code}"
    return None


# --- realistic mode (short windows) ---------------------------------------------------------


def wait_for(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def described(x: Ctx, name: str) -> dict | None:
    services = x.ecs.describe_services(cluster="c", services=[name])["services"]
    return services[0] if services else None


def probe_missing(x: Ctx) -> str | None:
    x.service("new")
    got = x.ecs.describe_services(cluster="c", services=["new"])
    reasons = [f["reason"] for f in got["failures"]]
    return None if reasons == ["MISSING"] and not got["services"] else f"just created: failures {reasons}"


def probe_rollout_in_progress(x: Ctx) -> str | None:
    service = wait_for(lambda: described(x, "new"))
    if not service:
        return "never described"
    state = service["deployments"][0]["rolloutState"]
    return None if state == "IN_PROGRESS" else f"rolloutState {state} inside the rollout window"


def probe_stale(x: Ctx) -> str | None:
    wait_for(lambda: (s := described(x, "new")) and s["deployments"][0]["rolloutState"] == "COMPLETED")
    x.ecs.update_service(cluster="c", service="new", taskDefinition="web:2")
    td = described(x, "new")["taskDefinition"]  # type: ignore[index]
    return None if td.endswith("web:1") else f"read right after the update shows {td}"


def probe_draining(x: Ctx) -> str | None:
    x.service("gone", desiredCount=0)
    x.ecs.delete_service(cluster="c", service="gone")
    code = error_code(lambda: x.service("gone", desiredCount=0))
    return None if code == "InvalidParameterException" else f"CreateService on a draining name: {code}"


def probe_client_token(x: Ctx) -> str | None:
    first = x.service("tok", clientToken="t-1")
    again = x.service("tok", clientToken="t-1")
    return None if again["serviceArn"] == first["serviceArn"] else "retry with the same clientToken failed"


def probe_not_associated(x: Ctx) -> str | None:
    x.ecs.create_cluster(clusterName="bare")
    code = error_code(lambda: x.ecs.create_service(
        cluster="bare", serviceName="s", taskDefinition="web:1", desiredCount=0,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}]))
    return None if code == "InvalidParameterException" else f"strategy of a provider not associated: {code}"


def probe_delete_cluster(x: Ctx) -> str | None:
    code = error_code(lambda: x.ecs.delete_cluster(cluster="c"))
    return None if code == "ClusterContainsServicesException" else f"DeleteCluster with services: {code}"


def probe_run_task_lifecycle(x: Ctx) -> str | None:
    x.ecs.create_cluster(clusterName="jobs")
    net = {"awsvpcConfiguration": {"subnets": [x.subnet], "securityGroups": [x.sg]}}
    arn = x.ecs.run_task(cluster="jobs", taskDefinition="web", networkConfiguration=net,
                         launchType="FARGATE")["tasks"][0]["taskArn"]
    listed = wait_for(lambda: x.ecs.list_tasks(cluster="jobs")["taskArns"])
    if listed != [arn]:
        return f"ListTasks while it runs: {listed}"
    code = error_code(lambda: x.ecs.delete_cluster(cluster="jobs"))
    if code != "ClusterContainsTasksException":
        return f"DeleteCluster with a task: {code}"
    x.ecs.stop_task(cluster="jobs", task=arn)
    return None if x.ecs.list_tasks(cluster="jobs")["taskArns"] == [] else "StopTask: still listed"


def probe_cloudmap_instances(x: Ctx) -> str | None:
    sd = x.c("servicediscovery")
    op = sd.create_http_namespace(Name="reg")["OperationId"]
    ns = sd.get_operation(OperationId=op)["Operation"]["Targets"]["NAMESPACE"]
    registry = sd.create_service(Name="reg", NamespaceId=ns)["Service"]
    x.service("reg", desiredCount=1, serviceRegistries=[{"registryArn": registry["Arn"]}])
    if not wait_for(lambda: sd.list_instances(ServiceId=registry["Id"])["Instances"]):
        return "no instance registered for the running task"
    code = error_code(lambda: sd.delete_service(Id=registry["Id"]))
    return None if code == "ResourceInUse" else f"Cloud Map DeleteService with instances: {code}"


def probe_paging(x: Ctx) -> str | None:
    arns = x.ecs.list_services(cluster="c")
    if len(arns["serviceArns"]) != 2 or "nextToken" not in arns:
        return f"ListServices page of {len(arns['serviceArns'])}, token {'nextToken' in arns}"
    x.c("servicediscovery").create_http_namespace(Name="more")
    page = x.c("servicediscovery").list_namespaces()
    rest = x.c("servicediscovery").list_namespaces(NextToken=page.get("NextToken", ""))
    return None if rest["Namespaces"] else "Cloud Map ListNamespaces NextToken dropped"


def probe_tagging_get_resources(x: Ctx) -> str | None:
    logs, tagging = x.c("logs"), x.c("resourcegroupstaggingapi")
    logs.create_log_group(logGroupName="/tagged", tags={"ecsctl:env": "prod"})
    got = tagging.get_resources(TagFilters=[{"Key": "ecsctl:env", "Values": ["prod"]}],
                                ResourceTypeFilters=["logs:log-group"])
    arns = [r["ResourceARN"] for r in got["ResourceTagMappingList"]]
    if len(arns) != 1 or not arns[0].endswith(":log-group:/tagged"):
        return f"logs:log-group lists {arns!r}"
    if got.get("PaginationToken") != "":
        return f"last PaginationToken = {got.get('PaginationToken')!r}"
    sd = x.c("servicediscovery")
    sd.create_http_namespace(Name="tagged", Tags=[{"Key": "ecsctl:env", "Value": "prod"}])
    got = tagging.get_resources(ResourceTypeFilters=["servicediscovery:namespace"])
    return None if got["ResourceTagMappingList"] else "Cloud Map namespaces not listed"


def probe_tag_index_lag(x: Ctx) -> str | None:
    logs, tagging = x.c("logs"), x.c("resourcegroupstaggingapi")
    logs.create_log_group(logGroupName="/lagging", tags={"lag": "1"})
    if tagging.get_resources(TagFilters=[{"Key": "lag"}])["ResourceTagMappingList"]:
        return "a new tagged log group is listed at once"
    return None if wait_for(lambda: tagging.get_resources(
        TagFilters=[{"Key": "lag"}])["ResourceTagMappingList"]) else "never listed"


PROBES: list[tuple[str, Callable[[Ctx], str | None]]] = [
    ("patch_ecs_create_service_fields", probe_create_fields),
    ("patch_ecs_create_service_not_idempotent", probe_not_idempotent),
    ("patch_ecs_awsvpc_without_security_groups", probe_no_security_groups),
    ("patch_ecs_update_service_task_definition_arn", probe_update_task_definition_arn),
    ("patches_elb.patch_ecs_service_target_groups_exist", probe_unknown_target_group),
    ("patch_ecs_create_cluster_idempotent", probe_create_cluster_idempotent),
    ("patch_ecs_builtin_capacity_providers", probe_builtin_capacity_providers),
    ("patch_ecs_service_rollout", probe_rollout),
    ("patch_ecs_run_task_fargate", probe_run_task_fargate),
    ("patch_iam_managed_policies_once", probe_iam_managed_policy),
    ("patch_aas_describe_scaling_policies_filters", probe_aas_filters),
    ("patch_aas_deregister_deletes_policies", probe_aas_deregister),
    ("patches_aas.patch_aas_put_needs_a_registered_target", probe_aas_needs_target),
    ("patches_aas.patch_aas_step_policy_lists_its_alarms", probe_aas_step_alarms),
    ("rpcv2.RpcV2Cbor (CloudWatch over CBOR)", probe_cloudwatch_cbor),
    ("patch_servicediscovery_list_filters", probe_cloudmap_filters),
    ("patch_servicediscovery_duplicate_service", probe_cloudmap_duplicate),
    ("patches_tagging.patch_tagging_get_resources", probe_tagging_get_resources),
    ("patches_strategies.patch_ecs_list_and_describe_service_deployments",
     probe_service_deployments),
    ("patches_strategies.patch_ecs_deployment_strategy_checks", probe_blue_green_checks),
    ("patches_volumes.patch_ecs_service_volume_configurations", probe_volume_configurations),
    ("patches_firelens.patch_ecs_register_task_definition_firelens", probe_firelens),
    ("patches_service_connect.patch_ecs_service_connect_configuration", probe_service_connect),
]

# In order: each may rely on the state the previous ones left.
REALISTIC_PROBES: list[tuple[str, Callable[[Ctx], str | None]]] = [
    ("patch_ecs_describe_services_missing_and_stale (MISSING)", probe_missing),
    ("patch_ecs_service_rollout (IN_PROGRESS over time)", probe_rollout_in_progress),
    ("patch_ecs_update_service_stale_snapshot", probe_stale),
    ("patch_ecs_delete_service_draining + patch_ecs_create_service_draining", probe_draining),
    ("patch_ecs_create_service_client_token", probe_client_token),
    ("patch_ecs_capacity_provider_association", probe_not_associated),
    ("patch_ecs_delete_cluster_contents (services)", probe_delete_cluster),
    ("patch_ecs_run_task_fargate + list_tasks + stop_task + delete_cluster (tasks)", probe_run_task_lifecycle),
    ("patch_servicediscovery_delete_service_in_use (ECS-registered instances)", probe_cloudmap_instances),
    ("patch_ecs_list_services_active_paged + patch_servicediscovery_list_filters (paging)", probe_paging),
    ("patches_tagging.patch_tagging_get_resources (TAG_INDEX_MS lag)", probe_tag_index_lag),
]


def run(probes: list[tuple[str, Callable[[Ctx], str | None]]], env: dict[str, str],
        args: list[str]) -> int:
    """Runs the probes against a private server with `env`; returns the number broken."""
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py"), "--quiet",
                             "--watch-parent", *args], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, **env})
    try:
        assert proc.stdout is not None
        x = Ctx(proc.stdout.readline().strip())
        failed = 0
        for name, probe in probes:
            try:
                problem = probe(x)
            except Exception as e:  # a crash (HTTP 500) is a finding, not a selfcheck bug
                problem = f"{type(e).__name__}: {e}"
            failed += problem is not None
            print(f"{'ok    ' if problem is None else 'BROKEN'} {name}" + (f": {problem}" if problem else ""))
        return failed
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> int:
    args = [a for a in sys.argv[1:] if a == "--no-patches"]
    print("instant mode (shapes):")
    failed = run(PROBES, {"ECSCTL_EMULATOR_MODE": "instant"}, args)
    print("realistic mode (short windows):")
    failed += run(REALISTIC_PROBES, REALISTIC, args)
    total = len(PROBES) + len(REALISTIC_PROBES)
    print(f"selfcheck: {total - failed} fixed, {failed} broken")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
