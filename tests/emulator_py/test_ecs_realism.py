"""The emulator is at least as strict as AWS on ECS and Cloud Map: MISSING and stale reads,
rollouts with AWS's events, circuit-breaker rollbacks, draining, idempotency, capacity
providers, DeleteCluster's checks, the RunTask lifecycle, ListTasks, Cloud Map instances of
service tasks, and paging.

Each test asserts AWS's exact error code and message and the response shapes (sources in the
patch docstrings of scripts/moto/patches.py and in docs/emulator.md, "ECS and Cloud Map"), then
that the state settles once the window has passed. Windows are short so the file runs in
well under a minute; `InstantModeTest` checks that ECSCTL_EMULATOR_MODE=instant settles
everything within the request, as the benchmarks need.
"""

from __future__ import annotations

import time
import unittest
from typing import Any, Callable

from botocore.config import Config
from botocore.exceptions import ClientError

from tests.emulator_py.support import (REGION, Account, InstantServerTest, PrivateServerTest, Server, eventually)

ONE_ATTEMPT = Config(retries={"total_max_attempts": 1, "mode": "standard"}, region_name=REGION)

MISSING_MS, STALE_MS, ROLLOUT_MS, DRAIN_MS, DEREGISTER_MS, TASK_RUN_MS = 600, 600, 1500, 600, 500, 1200
WINDOWS = dict(
    ECSCTL_EMULATOR_MISSING_MS=MISSING_MS, ECSCTL_EMULATOR_STALE_MS=STALE_MS,
    ECSCTL_EMULATOR_ROLLOUT_MS=ROLLOUT_MS, ECSCTL_EMULATOR_DRAIN_MS=DRAIN_MS,
    ECSCTL_EMULATOR_DEREGISTER_MS=DEREGISTER_MS, ECSCTL_EMULATOR_TASK_RUN_MS=TASK_RUN_MS,
    # the IAM / AAS side is tested in test_aws_realism.py; out of the way here
    ECSCTL_EMULATOR_SLR_PROPAGATION_MS=0, ECSCTL_EMULATOR_IAM_PROPAGATION_MS=0,
    ECSCTL_EMULATOR_AAS_LAG_MS=0, ECSCTL_EMULATOR_PAGE_SIZE=2,
)

NOT_ASSOCIATED = (
    "The specified capacity provider strategy cannot contain a capacity provider that is not "
    "associated with the cluster. Associate the capacity provider with the cluster or specify a "
    "valid capacity provider and try again.")
BREAKER = "ECS deployment circuit breaker: tasks failed to start."


def error(call: Callable[[], Any]) -> tuple[str, str]:
    """(code, message) of the AWS error `call` raises; fails when it succeeds."""
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError("expected an AWS error, the call succeeded")


def strip(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


class Ecs:
    """One fresh account with a VPC, a cluster with the Fargate providers and two revisions."""

    def __init__(self, server: Server, providers: bool = True) -> None:
        self.account: Account = server.account(ONE_ATTEMPT)
        self.ecs = self.account.client("ecs")
        self.subnet, self.sg = self.account.network()
        kw: dict[str, Any] = {"capacityProviders": ["FARGATE", "FARGATE_SPOT"]} if providers else {}
        self.ecs.create_cluster(clusterName="c", **kw)
        for image in ("nginx:1", "nginx:2"):
            self.ecs.register_task_definition(
                family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
                cpu="256", memory="512", containerDefinitions=[{"name": "app", "image": image}])
        self.td1, self.td2 = self.arn(1), self.arn(2)
        self.net = {"awsvpcConfiguration": {"subnets": [self.subnet], "securityGroups": [self.sg]}}

    def arn(self, revision: int) -> str:
        return f"arn:aws:ecs:{REGION}:{self.account.id}:task-definition/web:{revision}"

    def create(self, name: str, desired: int = 2, **kw: Any) -> dict[str, Any]:
        kw.setdefault("capacityProviderStrategy", [{"capacityProvider": "FARGATE", "weight": 1}])
        return self.ecs.create_service(cluster="c", serviceName=name, taskDefinition="web:1",
                                       desiredCount=desired, networkConfiguration=self.net,
                                       **kw)["service"]

    def describe(self, name: str) -> dict[str, Any]:
        return strip(self.ecs.describe_services(cluster="c", services=[name]))

    def service(self, name: str) -> dict[str, Any] | None:
        """The service once DescribeServices returns it (None while MISSING)."""
        services = self.describe(name)["services"]
        return services[0] if services else None

    def settled(self, name: str) -> dict[str, Any]:
        """Waits for one COMPLETED deployment with runningCount == desiredCount."""
        def check() -> dict[str, Any] | None:
            s = self.service(name)
            if s and len(s["deployments"]) == 1 and s["deployments"][0]["rolloutState"] == "COMPLETED" \
                    and s["runningCount"] == s["desiredCount"] and s["pendingCount"] == 0:
                return s
            return None
        return eventually(check)


def deployments(service: dict[str, Any]) -> list[tuple[str, str, int, int, str]]:
    return [(d["status"], d["rolloutState"], d["runningCount"], d["pendingCount"],
             d["taskDefinition"].split("/")[-1]) for d in service["deployments"]]


def messages(service: dict[str, Any]) -> list[str]:
    return [e["message"] for e in service["events"]]


def tasks(ids: list[str]) -> str:
    return " ".join(f"(task {i})" for i in ids)


class EcsRealismTest(PrivateServerTest):
    SETTINGS = WINDOWS

    # 1. MISSING window ------------------------------------------------------------------------

    def test_missing_window_then_found(self) -> None:
        x = Ecs(self.server)
        created = x.create("api")
        self.assertEqual(created["status"], "ACTIVE")  # the CreateService response itself is current
        got = x.describe("api")
        self.assertEqual(got, {"services": [], "failures": [
            {"arn": f"arn:aws:ecs:{REGION}:{x.account.id}:service/c/api", "reason": "MISSING"}]})
        found = eventually(lambda: x.service("api"))
        self.assertEqual(found["serviceArn"], created["serviceArn"])
        self.assertEqual(x.describe("api")["failures"], [])

    def test_describe_services_takes_at_most_10_names(self) -> None:
        x = Ecs(self.server)
        self.assertEqual(
            error(lambda: x.ecs.describe_services(cluster="c", services=[f"s{i}" for i in range(11)])),
            ("InvalidParameterException", "service names can have at most 10 items."))

    # 2. stale reads -------------------------------------------------------------------------

    def test_stale_reads_after_update_then_current(self) -> None:
        x = Ecs(self.server)
        x.create("api")
        x.settled("api")
        before = x.describe("api")
        updated = x.ecs.update_service(cluster="c", service="api", taskDefinition="web:2")["service"]
        self.assertEqual(updated["taskDefinition"], x.td2)  # UpdateService answers the new state
        self.assertEqual(x.describe("api"), before)  # exactly the pre-update description
        current = eventually(lambda: (s := x.service("api")) and s["taskDefinition"] == x.td2 and s)
        self.assertEqual(current["deployments"][0]["taskDefinition"], x.td2)

    # 3. rollouts over time ------------------------------------------------------------------

    def test_rollout_progresses_with_aws_events(self) -> None:
        x = Ecs(self.server)
        x.create("api")
        first = eventually(lambda: x.service("api"))
        self.assertEqual(deployments(first), [("PRIMARY", "IN_PROGRESS", 0, 2, "web:1")])
        self.assertEqual((first["runningCount"], first["pendingCount"]), (0, 2))
        done = x.settled("api")
        dep1 = done["deployments"][0]
        self.assertEqual(dep1["rolloutStateReason"], f"ECS deployment {dep1['id']} completed.")
        started = x.ecs.list_tasks(cluster="c", serviceName="api")["taskArns"]
        ids = sorted(a.split("/")[-1] for a in started)
        self.assertEqual(len(ids), 2)
        self.assertEqual(messages(done)[:2], [
            "(service api) has reached a steady state.",
            f"(service api) (deployment {dep1['id']}) deployment completed."])
        self.assertRegex(messages(done)[2],
                         r"^\(service api\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$")

        x.ecs.update_service(cluster="c", service="api", taskDefinition="web:2")
        time.sleep(STALE_MS / 1000)
        mid = x.service("api")
        assert mid is not None
        self.assertEqual(mid["deployments"][0]["status"], "PRIMARY")
        self.assertEqual(mid["deployments"][0]["rolloutState"], "IN_PROGRESS")
        self.assertEqual(mid["deployments"][1]["id"], dep1["id"])
        self.assertEqual(mid["deployments"][1]["status"], "ACTIVE")
        dep2 = mid["deployments"][0]["id"]
        final = x.settled("api")
        self.assertEqual(deployments(final), [("PRIMARY", "COMPLETED", 2, 0, "web:2")])
        self.assertEqual(final["deployments"][0]["id"], dep2)
        self.assertEqual(messages(final)[:3], [
            "(service api) has reached a steady state.",
            f"(service api) (deployment {dep2}) deployment completed.",
            f"(service api) has stopped 2 running tasks: {tasks(self._sorted_as(messages(final)[2], ids))}."])
        self.assertTrue(messages(final)[3].startswith("(service api) has started 2 tasks: "))
        stopped = x.ecs.describe_tasks(cluster="c", tasks=started)["tasks"]
        self.assertEqual({(t["lastStatus"], t["stopCode"], t["stoppedReason"]) for t in stopped},
                         {("STOPPED", "ServiceSchedulerInitiated",
                           f"Scaling activity initiated by (deployment {dep2})")})

    @staticmethod
    def _sorted_as(message: str, ids: list[str]) -> list[str]:
        return sorted(ids, key=message.index)

    def test_scaling_is_not_a_new_deployment(self) -> None:
        x = Ecs(self.server)
        x.create("api", desired=1)
        first = x.settled("api")["deployments"][0]["id"]
        x.ecs.update_service(cluster="c", service="api", desiredCount=3)
        time.sleep(STALE_MS / 1000)
        scaling = x.service("api")
        assert scaling is not None
        self.assertEqual(deployments(scaling), [("PRIMARY", "COMPLETED", 1, 2, "web:1")])
        scaled = x.settled("api")
        self.assertEqual(scaled["deployments"][0]["id"], first)
        self.assertEqual((scaled["desiredCount"], scaled["runningCount"]), (3, 3))
        self.assertEqual(messages(scaled)[0], "(service api) has reached a steady state.")

    def test_failed_deployment_rolls_back_to_the_last_completed_one(self) -> None:
        x = Ecs(self.server)
        x.create("api", deploymentConfiguration={
            "deploymentCircuitBreaker": {"enable": True, "rollback": True}})
        good = x.settled("api")["deployments"][0]["id"]
        arn = x.service("api")["serviceArn"]  # type: ignore[index]
        x.ecs.tag_resource(resourceArn=arn, tags=[{"key": "ecsctl-emulator:rollout", "value": "failed"}])
        x.ecs.update_service(cluster="c", service="api", taskDefinition="web:2")
        time.sleep(STALE_MS / 1000)
        trying = x.service("api")
        assert trying is not None
        self.assertEqual(trying["deployments"][0]["rolloutState"], "IN_PROGRESS")
        bad = trying["deployments"][0]["id"]

        def rolling_back() -> dict[str, Any] | None:
            s = x.service("api")
            return s if s and s["deployments"][0]["id"] not in (good, bad) else None

        back = eventually(rolling_back)
        primary, failed = back["deployments"][0], back["deployments"][1]
        self.assertEqual((primary["status"], primary["rolloutState"], primary["taskDefinition"]),
                         ("PRIMARY", "IN_PROGRESS", x.td1))
        self.assertEqual(primary["rolloutStateReason"],
                         f"ECS deployment circuit breaker: rolling back to deploymentId {good}.")
        self.assertEqual((failed["id"], failed["status"], failed["rolloutState"],
                          failed["rolloutStateReason"], failed["failedTasks"]),
                         (bad, "ACTIVE", "FAILED", BREAKER, 2))
        self.assertEqual(back["taskDefinition"], x.td1)
        self.assertEqual(messages(back)[1:3], [
            f"(service api) rolling back to deployment {good}.",
            f"(service api) (deployment {bad}) deployment failed: tasks failed to start."])
        self.assertTrue(messages(back)[0].startswith("(service api) has started 2 tasks: "))
        final = x.settled("api")
        self.assertEqual(deployments(final), [("PRIMARY", "COMPLETED", 2, 0, "web:1")])
        self.assertEqual(final["deployments"][0]["id"], primary["id"])

    def test_failed_stuck_and_after_n_opt_outs(self) -> None:
        x = Ecs(self.server)
        for mode in ("failed", "stuck", "after:2"):
            x.create(mode.split(":")[0], tags=[{"key": "ecsctl-emulator:rollout", "value": mode}])
        failed = eventually(lambda: x.service("failed"))
        self.assertEqual(deployments(failed), [("PRIMARY", "IN_PROGRESS", 0, 2, "web:1")])
        failed = eventually(lambda: (s := x.service("failed")) and
                            s["deployments"][0]["rolloutState"] == "FAILED" and s)
        dep = failed["deployments"][0]
        self.assertEqual((dep["runningCount"], dep["pendingCount"], dep["failedTasks"],
                          dep["rolloutStateReason"]), (0, 0, 2, BREAKER))
        self.assertEqual(messages(failed)[0],
                         f"(service failed) (deployment {dep['id']}) deployment failed: tasks failed to start.")
        time.sleep(ROLLOUT_MS / 1000)
        stuck = x.service("stuck")
        assert stuck is not None
        self.assertEqual(deployments(stuck), [("PRIMARY", "IN_PROGRESS", 0, 2, "web:1")])
        polls = [x.service("after") for _ in range(3)]
        self.assertEqual([p["deployments"][0]["rolloutState"] for p in polls],  # type: ignore[index]
                         ["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"])
        self.assertEqual(messages(polls[2])[0], "(service after) has reached a steady state.")  # type: ignore[arg-type]

    # 4. draining ----------------------------------------------------------------------------

    def test_delete_drains_then_inactive_and_the_name_is_free_again(self) -> None:
        x = Ecs(self.server)
        x.create("api", desired=1)
        x.settled("api")
        deleted = x.ecs.delete_service(cluster="c", service="api", force=True)["service"]
        self.assertEqual((deleted["status"], deleted["desiredCount"]), ("DRAINING", 0))
        self.assertEqual(len(x.ecs.list_services(cluster="c")["serviceArns"]), 1)
        self.assertEqual(error(lambda: x.create("api", desired=1)),
                         ("InvalidParameterException", "Unable to Start a service that is still Draining."))
        self.assertEqual(error(lambda: x.ecs.delete_cluster(cluster="c")),
                         ("ClusterContainsServicesException",
                          "The Cluster cannot be deleted while Services are active."))
        inactive = eventually(lambda: (s := x.service("api")) and s["status"] == "INACTIVE" and s)
        self.assertEqual(inactive["runningCount"], 0)
        self.assertEqual(x.ecs.list_services(cluster="c")["serviceArns"], [])
        again = x.create("api", desired=1)
        self.assertEqual(again["status"], "ACTIVE")

    # 5. CreateService idempotency -----------------------------------------------------------

    def test_create_service_client_token(self) -> None:
        x = Ecs(self.server)
        first = x.create("api", clientToken="token-1")
        retry = x.create("api", clientToken="token-1")
        self.assertEqual((retry["serviceArn"], retry["createdAt"]), (first["serviceArn"], first["createdAt"]))
        self.assertEqual(len(x.ecs.list_services(cluster="c")["serviceArns"]), 1)
        not_idempotent = ("InvalidParameterException", "Creation of service was not idempotent.")
        self.assertEqual(error(lambda: x.create("api", desired=3, clientToken="token-1")), not_idempotent)
        self.assertEqual(error(lambda: x.create("api")), not_idempotent)

    # 6. CreateCluster idempotency -----------------------------------------------------------

    def test_create_cluster_same_arguments_or_error(self) -> None:
        x = Ecs(self.server)
        args = dict(clusterName="k", tags=[{"key": "a", "value": "b"}])
        first = x.ecs.create_cluster(**args)["cluster"]
        self.assertEqual(x.ecs.create_cluster(**args)["cluster"]["clusterArn"], first["clusterArn"])
        self.assertEqual(
            error(lambda: x.ecs.create_cluster(clusterName="k", capacityProviders=["FARGATE"])),
            ("InvalidParameterException", "Arguments on this idempotent request are inconsistent "
                                          "with arguments used in previous request(s)."))
        tags = x.ecs.describe_clusters(clusters=["k"], include=["TAGS"])["clusters"][0]["tags"]
        self.assertEqual(tags, [{"key": "a", "value": "b"}])

    # 7. capacity providers ------------------------------------------------------------------

    def test_strategy_must_name_providers_of_the_cluster(self) -> None:
        x = Ecs(self.server, providers=False)
        expected = ("InvalidParameterException", NOT_ASSOCIATED)
        self.assertEqual(error(lambda: x.create("api")), expected)
        self.assertEqual(error(lambda: x.ecs.run_task(
            cluster="c", taskDefinition="web", networkConfiguration=x.net,
            capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}])), expected)
        x.create("api", capacityProviderStrategy=[], launchType="FARGATE")
        self.assertEqual(error(lambda: x.ecs.update_service(
            cluster="c", service="api", forceNewDeployment=True,
            capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}])), expected)
        x.ecs.put_cluster_capacity_providers(cluster="c", capacityProviders=["FARGATE"],
                                             defaultCapacityProviderStrategy=[])
        x.ecs.update_service(cluster="c", service="api", forceNewDeployment=True,
                             capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}])

    # 8 + 9. DeleteCluster with tasks, the RunTask lifecycle, ListTasks, StopTask --------------

    def test_run_task_lifecycle_list_stop_and_delete_cluster(self) -> None:
        x = Ecs(self.server)
        tags = [{"key": "job", "value": "nightly"}, {"key": "ecsctl-emulator:exit-code", "value": "3"}]
        run = x.ecs.run_task(cluster="c", taskDefinition="web", networkConfiguration=x.net,
                             launchType="FARGATE", startedBy="ecsctl", tags=tags)["tasks"][0]
        arn = run["taskArn"]
        self.assertEqual((run["lastStatus"], run["desiredStatus"], run["launchType"]),
                         ("PROVISIONING", "RUNNING", "FARGATE"))
        self.assertEqual(x.ecs.list_tags_for_resource(resourceArn=arn)["tags"], tags)
        self.assertEqual(error(lambda: x.ecs.delete_cluster(cluster="c")),
                         ("ClusterContainsTasksException",
                          "The Cluster cannot be deleted while Tasks are active."))
        running = eventually(lambda: (t := x.ecs.describe_tasks(cluster="c", tasks=[arn])["tasks"][0])
                             ["lastStatus"] == "RUNNING" and t)
        self.assertNotIn("exitCode", running["containers"][0])
        for filters in ({}, {"startedBy": "ecsctl"}, {"family": "web"}, {"desiredStatus": "RUNNING"}):
            self.assertEqual(x.ecs.list_tasks(cluster="c", **filters)["taskArns"], [arn], filters)
        self.assertEqual(x.ecs.list_tasks(cluster="c", startedBy="someone-else")["taskArns"], [])
        self.assertEqual(x.ecs.list_tasks(cluster="c", desiredStatus="STOPPED")["taskArns"], [])
        stopped = eventually(lambda: (t := x.ecs.describe_tasks(cluster="c", tasks=[arn])["tasks"][0])
                             ["lastStatus"] == "STOPPED" and t)
        self.assertEqual((stopped["stopCode"], stopped["stoppedReason"], stopped["containers"][0]["exitCode"]),
                         ("EssentialContainerExited", "Essential container in task exited", 3))
        self.assertEqual(x.ecs.list_tasks(cluster="c")["taskArns"], [])
        self.assertEqual(x.ecs.list_tasks(cluster="c", desiredStatus="STOPPED")["taskArns"], [arn])

        second = x.ecs.run_task(cluster="c", taskDefinition="web", networkConfiguration=x.net,
                                launchType="FARGATE")["tasks"][0]["taskArn"]
        user = x.ecs.stop_task(cluster="c", task=second, reason="no longer needed")["task"]
        self.assertEqual((user["lastStatus"], user["desiredStatus"], user["stopCode"], user["stoppedReason"]),
                         ("STOPPED", "STOPPED", "UserInitiated", "no longer needed"))
        self.assertEqual(error(lambda: x.ecs.stop_task(cluster="c", task="0123456789abcdef0123456789abcdef")),
                         ("InvalidParameterException", "The referenced task was not found."))
        self.assertEqual(x.ecs.delete_cluster(cluster="c")["cluster"]["status"], "INACTIVE")

    def test_service_tasks_are_listed_and_replaced_when_stopped(self) -> None:
        x = Ecs(self.server)
        x.create("api", desired=1, propagateTags="SERVICE", tags=[{"key": "team", "value": "a"}])
        x.settled("api")
        [arn] = x.ecs.list_tasks(cluster="c", serviceName="api")["taskArns"]
        task = x.ecs.describe_tasks(cluster="c", tasks=[arn], include=["TAGS"])["tasks"][0]
        service = x.service("api")
        assert service is not None
        self.assertEqual((task["group"], task["startedBy"], task["tags"]),
                         ("service:api", service["deployments"][0]["id"], [{"key": "team", "value": "a"}]))
        x.ecs.stop_task(cluster="c", task=arn)
        replaced = eventually(lambda: (a := x.ecs.list_tasks(cluster="c", serviceName="api")["taskArns"])
                              and a != [arn] and x.settled("api") and a)
        self.assertEqual(len(replaced), 1)

    # 10. Cloud Map instances of service tasks ----------------------------------------------

    def test_a_namespace_create_retried_with_its_creator_request_id_is_the_same_request(self) -> None:
        # A create whose response was lost, sent again by the SDK (patch_servicediscovery_
        # namespace_creator_request_id): AWS answers the first OperationId, no second namespace.
        x = Ecs(self.server)
        sd, ec2 = x.account.client("servicediscovery"), x.account.client("ec2")
        vpc = ec2.describe_subnets(SubnetIds=[x.subnet])["Subnets"][0]["VpcId"]
        first = sd.create_private_dns_namespace(Name="a.local", Vpc=vpc, CreatorRequestId="req-1")
        again = sd.create_private_dns_namespace(Name="a.local", Vpc=vpc, CreatorRequestId="req-1")
        self.assertEqual(again["OperationId"], first["OperationId"])
        self.assertEqual([n["Name"] for n in sd.list_namespaces()["Namespaces"]], ["a.local"])
        # Another request for the same VPC is still moto's one-namespace-per-VPC refusal.
        with self.assertRaises(ClientError) as refused:
            sd.create_private_dns_namespace(Name="a.local", Vpc=vpc, CreatorRequestId="req-2")
        self.assertEqual(refused.exception.response["Error"]["Code"], "ConflictingDomainExists")

    def test_register_task_definition_drops_empty_env_values(self) -> None:
        # patch_ecs_register_task_definition_drops_empty_env: as ECS does.
        x = Ecs(self.server)
        td = x.ecs.register_task_definition(
            family="empty-env", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
            cpu="256", memory="512",
            containerDefinitions=[{"name": "app", "image": "nginx", "environment": [
                {"name": "KEEP", "value": "x"}, {"name": "EMPTY", "value": ""}, {"name": "NONE"}]}],
        )["taskDefinition"]
        self.assertEqual(td["containerDefinitions"][0]["environment"], [{"name": "KEEP", "value": "x"}])
        read = x.ecs.describe_task_definition(taskDefinition="empty-env")["taskDefinition"]
        self.assertEqual(read["containerDefinitions"][0]["environment"], [{"name": "KEEP", "value": "x"}])

    def test_cloud_map_instances_follow_the_service_tasks(self) -> None:
        x = Ecs(self.server)
        sd = x.account.client("servicediscovery")
        op = sd.create_http_namespace(Name="ns")["OperationId"]
        ns = sd.get_operation(OperationId=op)["Operation"]["Targets"]["NAMESPACE"]
        registry = sd.create_service(Name="api", NamespaceId=ns)["Service"]
        x.create("api", serviceRegistries=[{"registryArn": registry["Arn"]}])
        x.settled("api")
        ids = sorted(a.split("/")[-1] for a in x.ecs.list_tasks(cluster="c", serviceName="api")["taskArns"])

        def instances() -> list[dict[str, Any]]:
            return sd.list_instances(ServiceId=registry["Id"], MaxResults=100)["Instances"]

        got = sorted(instances(), key=lambda i: i["Id"])
        self.assertEqual([i["Id"] for i in got], ids)
        attributes = got[0]["Attributes"]
        zone = x.account.client("ec2").describe_subnets(SubnetIds=[x.subnet])["Subnets"][0]["AvailabilityZone"]
        self.assertEqual({k: v for k, v in attributes.items() if k != "AWS_INSTANCE_IPV4"}, {
            "AWS_INIT_HEALTH_STATUS": "HEALTHY", "AVAILABILITY_ZONE": zone, "REGION": REGION,
            "ECS_SERVICE_NAME": "api", "ECS_CLUSTER_NAME": "c", "ECS_TASK_DEFINITION_FAMILY": "web"})
        self.assertRegex(attributes["AWS_INSTANCE_IPV4"], r"^\d+\.\d+\.\d+\.\d+$")
        self.assertEqual(sd.get_instance(ServiceId=registry["Id"], InstanceId=ids[0])["Instance"]["Id"], ids[0])
        in_use = ("ResourceInUse",
                  "Service contains registered instances; delete the instances before deleting the service")
        self.assertEqual(error(lambda: sd.delete_service(Id=registry["Id"])), in_use)

        # scaling in stops a task: its instance goes `deregister` later
        x.ecs.update_service(cluster="c", service="api", desiredCount=1)
        [kept] = [a.split("/")[-1] for a in x.ecs.list_tasks(cluster="c", serviceName="api")["taskArns"]]
        self.assertEqual(len(instances()), 2)
        eventually(lambda: [i["Id"] for i in instances()] == [kept])

        # a new deployment replaces the tasks: the new ones register, the old ones go later
        x.ecs.update_service(cluster="c", service="api", taskDefinition="web:2")
        x.settled("api")
        new_ids = sorted(a.split("/")[-1] for a in x.ecs.list_tasks(cluster="c", serviceName="api")["taskArns"])
        eventually(lambda: sorted(i["Id"] for i in instances()) == new_ids)

        # removing the registry is a deployment too: its new tasks are not registered
        x.ecs.update_service(cluster="c", service="api", serviceRegistries=[])
        x.settled("api")
        eventually(lambda: instances() == [])
        sd.delete_service(Id=registry["Id"])

    def test_deleting_the_ecs_service_deregisters_after_the_tasks_stop(self) -> None:
        x = Ecs(self.server)
        sd = x.account.client("servicediscovery")
        op = sd.create_http_namespace(Name="ns")["OperationId"]
        ns = sd.get_operation(OperationId=op)["Operation"]["Targets"]["NAMESPACE"]
        registry = sd.create_service(Name="api", NamespaceId=ns)["Service"]
        x.create("api", desired=1, serviceRegistries=[{"registryArn": registry["Arn"], "port": 8080}])
        x.settled("api")
        [instance] = sd.list_instances(ServiceId=registry["Id"])["Instances"]
        self.assertEqual(instance["Attributes"]["AWS_INSTANCE_PORT"], "8080")
        x.ecs.delete_service(cluster="c", service="api", force=True)
        self.assertEqual(len(sd.list_instances(ServiceId=registry["Id"])["Instances"]), 1)
        eventually(lambda: sd.list_instances(ServiceId=registry["Id"])["Instances"] == [])
        sd.delete_service(Id=registry["Id"])

    # 11. paging -----------------------------------------------------------------------------

    def test_ecs_lists_page_with_opaque_tokens(self) -> None:
        x = Ecs(self.server)
        for i in range(5):
            x.create(f"s{i}", desired=0)
        for i in range(3):
            x.ecs.register_task_definition(family=f"f{i}", containerDefinitions=[{"name": "a", "image": "i", "memory": 128}])

        def all_pages(call: Callable[..., dict[str, Any]], key: str, **kw: Any) -> list[list[str]]:
            pages, token = [], None
            while True:
                page = call(**kw, **({"nextToken": token} if token else {}))
                pages.append(page[key])
                token = page.get("nextToken")
                if not token:
                    return pages

        services = all_pages(x.ecs.list_services, "serviceArns", cluster="c")
        self.assertEqual([len(p) for p in services], [2, 2, 1])
        self.assertEqual(sorted(sum(services, [])), sorted(
            f"arn:aws:ecs:{REGION}:{x.account.id}:service/c/s{i}" for i in range(5)))
        self.assertEqual(len(x.ecs.list_services(cluster="c", maxResults=1)["serviceArns"]), 1)
        self.assertEqual([len(p) for p in all_pages(x.ecs.list_task_definition_families, "families")],
                         [2, 2])
        desc = sum(all_pages(x.ecs.list_task_definitions, "taskDefinitionArns", sort="DESC"), [])
        self.assertEqual([a.split("/")[-1] for a in desc], ["web:2", "web:1", "f2:1", "f1:1", "f0:1"])
        for _ in range(3):
            x.ecs.run_task(cluster="c", taskDefinition="web", networkConfiguration=x.net, launchType="FARGATE")
        self.assertEqual([len(p) for p in all_pages(x.ecs.list_tasks, "taskArns", cluster="c")], [2, 1])
        self.assertEqual(error(lambda: x.ecs.list_services(cluster="c", nextToken="not-a-token")),
                         ("InvalidParameterException", "Invalid nextToken."))

    def test_cloud_map_lists_page_with_working_tokens(self) -> None:
        x = Ecs(self.server)
        sd = x.account.client("servicediscovery")
        for i in range(3):
            sd.create_http_namespace(Name=f"ns{i}")
        namespaces = sd.list_namespaces()
        self.assertEqual(len(namespaces["Namespaces"]), 2)
        rest = sd.list_namespaces(NextToken=namespaces["NextToken"])
        self.assertEqual(len(rest["Namespaces"]), 1)
        self.assertNotIn("NextToken", rest)
        ns = namespaces["Namespaces"][0]["Id"]
        for i in range(3):
            sd.create_service(Name=f"svc{i}", NamespaceId=ns)
        pages = [sd.list_services(Filters=[{"Name": "NAMESPACE_ID", "Values": [ns]}])]
        pages.append(sd.list_services(Filters=[{"Name": "NAMESPACE_ID", "Values": [ns]}],
                                      NextToken=pages[0]["NextToken"]))
        self.assertEqual(sorted(s["Name"] for p in pages for s in p["Services"]), ["svc0", "svc1", "svc2"])
        svc = pages[0]["Services"][0]["Id"]
        for i in range(3):
            sd.register_instance(ServiceId=svc, InstanceId=f"i{i}", Attributes={"AWS_INSTANCE_IPV4": "10.0.0.1"})
        first = sd.list_instances(ServiceId=svc)
        second = sd.list_instances(ServiceId=svc, NextToken=first["NextToken"])
        self.assertEqual([i["Id"] for i in first["Instances"] + second["Instances"]], ["i0", "i1", "i2"])
        self.assertEqual(len(sd.list_instances(ServiceId=svc, MaxResults=1)["Instances"]), 1)


class InstantModeTest(InstantServerTest):
    """ECSCTL_EMULATOR_MODE=instant: every window 0, so each write settles within its request."""

    def test_everything_settles_at_once(self) -> None:
        x = Ecs(self.server)
        created = x.create("api")
        self.assertEqual(deployments(created), [("PRIMARY", "COMPLETED", 2, 0, "web:1")])
        described = x.service("api")
        assert described is not None
        self.assertEqual(messages(described)[0], "(service api) has reached a steady state.")
        updated = x.ecs.update_service(cluster="c", service="api", taskDefinition="web:2")["service"]
        self.assertEqual(deployments(updated), [("PRIMARY", "COMPLETED", 2, 0, "web:2")])
        self.assertEqual(x.service("api")["taskDefinition"], x.td2)  # type: ignore[index]
        failed = x.create("bad", tags=[{"key": "ecsctl-emulator:rollout", "value": "failed"}])
        self.assertEqual(deployments(failed), [("PRIMARY", "FAILED", 0, 0, "web:1")])
        x.ecs.update_service(cluster="c", service="api", desiredCount=0)
        deleted = x.ecs.delete_service(cluster="c", service="api")["service"]
        self.assertEqual(deleted["status"], "INACTIVE")
        x.create("api")
        run = x.ecs.run_task(cluster="c", taskDefinition="web", networkConfiguration=x.net,
                             launchType="FARGATE")["tasks"][0]
        self.assertEqual(run["lastStatus"], "PROVISIONING")
        stopped = x.ecs.describe_tasks(cluster="c", tasks=[run["taskArn"]])["tasks"][0]
        self.assertEqual((stopped["lastStatus"], stopped["containers"][0]["exitCode"]), ("STOPPED", 0))


if __name__ == "__main__":
    unittest.main()
