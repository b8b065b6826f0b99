"""Patches that bring moto 5.2.1 closer to the AWS API reference for the calls ecsctl makes.

Each patch is one small function that monkeypatches one moto class and says, in its docstring,
what AWS does, what moto does and what it changes. `apply_all()` runs them before the server
serves its first request. Every patch is listed in docs/emulator.md and proven by a test in
tests/emulator/emulator_patches.rs; `scripts/emulator selfcheck` probes each one against a
running server (with `--no-patches` it shows which are still broken upstream after a moto bump).

Rules: patch only what is verified broken in moto 5.2.1 (MOTO_VERSION below is asserted), keep
moto's own behaviour for everything else, never invent behaviour AWS does not document.
"""

from __future__ import annotations

import os
import uuid
from typing import Any, Callable

import moto
from moto.core.exceptions import JsonRESTError
from moto.core.utils import utcnow

MOTO_VERSION = "5.2.1"

# Per-service rollout control for wait/timeout tests (see patch_ecs_service_rollout).
ROLLOUT_TAG = "ecsctl-emulator:rollout"
STUCK_ENV = "ECSCTL_EMULATOR_STUCK_SERVICES"
FAILED_ENV = "ECSCTL_EMULATOR_FAILED_SERVICES"

_DEFAULT_DEPLOYMENT_CONFIGURATION = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}
_BUILTIN_CAPACITY_PROVIDERS = ("FARGATE", "FARGATE_SPOT")

APPLIED: list[str] = []


def _patch(fn: Callable[[], None]) -> Callable[[], None]:
    PATCHES.append(fn)
    return fn


PATCHES: list[Callable[[], None]] = []


# ---------------------------------------------------------------------------------------------
# ECS


@_patch
def patch_ecs_create_service_fields() -> None:
    """CreateService keeps the fields AWS returns.

    AWS: CreateService stores and returns capacityProviderStrategy (then no launchType; without
    either, the cluster's defaultCapacityProviderStrategy is used), deploymentConfiguration
    (defaults maximumPercent 200, minimumHealthyPercent 100, circuit breaker false/false),
    healthCheckGracePeriodSeconds, enableExecuteCommand / enableECSManagedTags (false when not
    sent) and createdAt; launchType together with a strategy is an InvalidParameterException.
    moto: `EC2ContainerServiceResponse.create_service` never reads those parameters, and
    `create_service` defaults launchType to "EC2".
    Patch: wrap the response handler; after moto creates the service, set the missing attributes
    on the `Service` object (the serializer picks them up by their snake_case names).
    """
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.create_service

    def create_service(self: Any) -> Any:
        launch_type = self._get_param("launchType")
        strategy = self._get_param("capacityProviderStrategy")
        if launch_type and strategy:
            raise InvalidParameterException(
                "Specifying both a launch type and capacity provider strategy is not "
                "supported. Remove one and try again."
            )
        cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
        if not launch_type and not strategy and cluster.default_capacity_provider_strategy:
            strategy = cluster.default_capacity_provider_strategy
        result = original(self)
        service = self.ecs_backend.services[f"{cluster.name}:{self._get_param('serviceName')}"]
        if strategy:
            service.capacity_provider_strategy = [
                {"capacityProvider": s["capacityProvider"], "weight": s.get("weight", 0),
                 "base": s.get("base", 0)}
                for s in strategy
            ]
            service.launch_type = None
            for deployment in service.deployments:
                deployment["launchType"] = None
                deployment["capacityProviderStrategy"] = service.capacity_provider_strategy
        config = self._get_param("deploymentConfiguration") or {}
        merged = dict(_DEFAULT_DEPLOYMENT_CONFIGURATION)
        merged.update(config)
        service.deployment_configuration = merged
        grace = self._get_param("healthCheckGracePeriodSeconds")
        if grace is not None:
            service.health_check_grace_period_seconds = int(grace)
        service.enable_execute_command = bool(self._get_param("enableExecuteCommand", False))
        service.enable_ecs_managed_tags = bool(self._get_param("enableECSManagedTags", False))
        service.created_at = utcnow()
        return result

    EC2ContainerServiceResponse.create_service = create_service


@_patch
def patch_ecs_create_service_not_idempotent() -> None:
    """CreateService of an ACTIVE service name fails.

    AWS: `InvalidParameterException: Creation of service was not idempotent.`
    moto: `EC2ContainerServiceBackend.create_service` silently replaces the existing service.
    Patch: check the backend's `services` map first; INACTIVE (deleted) names may be reused.
    """
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.create_service

    def create_service(self: Any, cluster_str: str, service_name: str, *args: Any, **kw: Any) -> Any:
        cluster = self._get_cluster(cluster_str)
        existing = self.services.get(f"{cluster.name}:{service_name}")
        if existing is not None and existing.status == "ACTIVE":
            raise InvalidParameterException("Creation of service was not idempotent.")
        return original(self, cluster_str, service_name, *args, **kw)

    EC2ContainerServiceBackend.create_service = create_service


@_patch
def patch_ecs_awsvpc_without_security_groups() -> None:
    """awsvpcConfiguration may omit securityGroups.

    AWS: securityGroups is optional (the VPC's default security group is used).
    moto: `Service._validate_network` reads `c["securityGroups"]` and crashes with KeyError
    (HTTP 500).
    Patch: validate security groups only when some are given; keep moto's subnet validation.
    """
    from moto.ecs import models

    original = models.Service._validate_network

    def _validate_network(self: Any, nc: dict[str, Any]) -> dict[str, Any]:
        c = nc.get("awsvpcConfiguration") or {}
        if "securityGroups" in c:
            return original(self, nc)
        with_groups = {**nc, "awsvpcConfiguration": {**c, "securityGroups": []}}
        original(self, with_groups)
        return nc

    models.Service._validate_network = _validate_network


@_patch
def patch_ecs_update_service_task_definition_arn() -> None:
    """UpdateService stores the task definition's full ARN.

    AWS: `taskDefinition` may be `family`, `family:revision` or an ARN; DescribeServices always
    returns the full ARN of the resolved revision.
    moto: `EC2ContainerServiceBackend.update_service` validates it, then stores the string as
    sent (`web:2`, `web`).
    Patch: after moto's update, replace it with the ARN moto's own resolver returns. A
    capacityProviderStrategy sent on update also clears moto's launchType (as on create).
    """
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.update_service

    def update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        task_definition = service_properties.get("task_definition")
        service = original(self, service_properties)
        if task_definition:
            service.task_definition = self.describe_task_definition(task_definition).arn
        if service_properties.get("capacity_provider_strategy"):
            service.launch_type = None
        return service

    EC2ContainerServiceBackend.update_service = update_service


@_patch
def patch_ecs_create_cluster_idempotent() -> None:
    """CreateCluster of an existing ACTIVE name returns that cluster unchanged.

    AWS: CreateCluster is idempotent on the name; settings, tags and capacity providers of the
    existing cluster are kept (use UpdateCluster / PutClusterCapacityProviders to change them).
    moto: `EC2ContainerServiceBackend.create_cluster` replaces the cluster, resetting all of it.
    Patch: return the existing ACTIVE cluster; an INACTIVE (deleted) one is still replaced.
    """
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.create_cluster

    def create_cluster(self: Any, cluster_name: str, *args: Any, **kw: Any) -> Any:
        existing = self.clusters.get(cluster_name)
        if existing is not None and existing.status == "ACTIVE":
            return existing
        return original(self, cluster_name, *args, **kw)

    EC2ContainerServiceBackend.create_cluster = create_cluster


@_patch
def patch_ecs_builtin_capacity_providers() -> None:
    """DescribeCapacityProviders knows FARGATE and FARGATE_SPOT.

    AWS: the two Fargate providers exist in every account (status ACTIVE); without names, all
    providers are returned, the built-ins included.
    moto: `describe_capacity_providers` reports them as `MISSING` failures and crashes (500)
    when no names are sent.
    Patch: answer the built-in names (or their ARNs) with an ACTIVE provider record.
    """
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.describe_capacity_providers

    def builtin(self: Any, name: str) -> dict[str, Any]:
        arn = f"arn:aws:ecs:{self.region_name}:{self.account_id}:capacity-provider/{name}"
        return {"capacityProviderArn": arn, "name": name, "status": "ACTIVE", "tags": []}

    def describe_capacity_providers(self: Any, names: list[str] | None) -> Any:
        if not names:
            names = [p.name for p in self.capacity_providers.values()]
            names += list(_BUILTIN_CAPACITY_PROVIDERS)
        providers: list[Any] = []
        failures: list[Any] = []
        for name in names:
            short = name.split("/")[-1]
            if short in _BUILTIN_CAPACITY_PROVIDERS and self._get_provider(name) is None:
                providers.append(builtin(self, short))
            else:
                found, missing = original(self, [name])
                providers += found
                failures += missing
        return providers, failures

    EC2ContainerServiceBackend.describe_capacity_providers = describe_capacity_providers


@_patch
def patch_ecs_service_rollout() -> None:
    """Services reach a steady state the way AWS reports it, with an opt-out for tests.

    AWS: after CreateService/UpdateService the scheduler starts tasks; when runningCount reaches
    desiredCount the PRIMARY deployment is `rolloutState: COMPLETED`, older deployments are gone,
    and an event "(service NAME) has reached a steady state." is added. A deployment is created
    on create and on any update that changes the task definition, network configuration,
    capacity provider strategy, platform version or forces a new deployment.
    moto: a new service stays running 0 / pending N / IN_PROGRESS forever (unless
    MOTO_ECS_SERVICE_RUNNING matches desiredCount exactly), and an update with desiredCount jumps
    runningCount while deployments[0] keeps stale counts and state; deployments[].taskDefinition
    is never updated; events stay empty.
    Patch: after create/update (backend methods), settle the service: runningCount =
    desiredCount, one PRIMARY deployment with the current task definition, COMPLETED, and a
    steady-state event. Opt-out per service, for wait/timeout tests:
      - tag `ecsctl-emulator:rollout=stuck` or name in env ECSCTL_EMULATOR_STUCK_SERVICES
        (comma-separated): running 0 / pending N / IN_PROGRESS, forever;
      - tag `...=failed` or name in ECSCTL_EMULATOR_FAILED_SERVICES: rolloutState FAILED, as the
        deployment circuit breaker reports it, with a failure event;
      - tag `...=after:N`: IN_PROGRESS in the responses of the next N DescribeServices calls
        that name the service, COMPLETED from the (N+1)-th on (exercises a poll loop).
    """
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse

    original_create = EC2ContainerServiceBackend.create_service
    original_update = EC2ContainerServiceBackend.update_service
    original_describe = EC2ContainerServiceResponse.describe_services

    def create_service(self: Any, *args: Any, **kw: Any) -> Any:
        service = original_create(self, *args, **kw)
        _settle(self, service, new_deployment=True)
        return service

    def update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        before = _deployment_inputs(self, service_properties)
        force = bool(service_properties.get("force_new_deployment"))
        service = original_update(self, service_properties)
        after = _service_inputs(service)
        _settle(self, service, new_deployment=force or before != after)
        return service

    def describe_services(self: Any) -> Any:
        # Counted here, in the API handler, so only real DescribeServices calls count (moto's
        # AAS calls the backend's describe_services internally).
        try:
            services, _ = EC2ContainerServiceBackend.describe_services(
                self.ecs_backend, self._get_param("cluster", "default"),
                self._get_param("services", []))
        except Exception:  # the original handler raises the proper AWS error
            services = []
        for service in services:
            left = getattr(service, "_ecsctl_polls_left", None)
            if left is not None and left > 0:
                service._ecsctl_polls_left = left - 1
            elif left == 0:
                service._ecsctl_polls_left = None
                _set_state(self.ecs_backend, service, "COMPLETED")
        return original_describe(self)

    EC2ContainerServiceBackend.create_service = create_service
    EC2ContainerServiceBackend.update_service = update_service
    EC2ContainerServiceResponse.describe_services = describe_services


@_patch
def patch_ecs_run_task_fargate() -> None:
    """RunTask starts Fargate tasks in awsvpc mode; they run, then stop with an exit code.

    AWS: RunTask with `launchType: FARGATE` or a `capacityProviderStrategy` of FARGATE /
    FARGATE_SPOT (exclusive: both is an InvalidParameterException) needs a networkConfiguration
    for awsvpc, returns the tasks (`lastStatus` PROVISIONING..RUNNING, `launchType` FARGATE,
    `capacityProviderName` with a strategy, an ENI attachment) and, later, DescribeTasks shows
    them `STOPPED` with `stopCode`, `stoppedReason` and each container's `exitCode` (or, when
    the task never started, `stopCode: TaskFailedToStart` and no exit code).
    moto: `run_task` with FARGATE crashes (HTTP 500): without container-level memory in
    `_calculate_task_resource_requirements` (TypeError), with it on the ENI's missing
    `private_dns_name` (AttributeError); a capacity provider strategy is ignored, so the task
    takes the EC2 path ("No instances found"); tasks jump straight to STOPPED on first read and
    containers never stop or exit.
    Patch: a Fargate path in the RunTask handler (no resource arithmetic, the ENI given a
    private DNS name as EC2 names it); tasks advance one lifecycle state per DescribeTasks
    (RUNNING at RunTask, STOPPED after four DescribeTasks), and stop with the exit code the test
    asked for: tag `ecsctl-emulator:exit-code=N` on RunTask, or env var
    `ECSCTL_EMULATOR_EXIT_CODE=N` in the main container (override or task definition); default
    0. The value `start-failed` makes the task fail to start (CannotPullContainerError).
    """
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.models import EC2ContainerServiceBackend, Task
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.moto_api import state_manager

    if not hasattr(NetworkInterface, "private_dns_name"):
        def private_dns_name(self: Any) -> str:
            ip = (self.private_ip_address or "10.0.0.1").replace(".", "-")
            return f"ip-{ip}.{self.ec2_backend.region_name}.compute.internal"

        NetworkInterface.private_dns_name = property(private_dns_name)  # type: ignore[attr-defined]
    # One lifecycle state per DescribeTasks instead of straight to STOPPED on the first read.
    state_manager.register_default_transition(
        model_name="ecs::task", transition={"progression": "manual", "times": 1}
    )

    original_run = EC2ContainerServiceResponse.run_task
    original_describe = EC2ContainerServiceBackend.describe_tasks

    def run_task(self: Any) -> Any:
        from moto.core.responses import ActionResult

        launch_type = self._get_param("launchType")
        strategy = self._get_param("capacityProviderStrategy") or []
        if launch_type and strategy:
            raise InvalidParameterException(
                "Specifying both a launch type and capacity provider strategy is not "
                "supported. Remove one and try again."
            )
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster", "default"))
        if not launch_type and not strategy:
            strategy = cluster.default_capacity_provider_strategy or []
        fargate = launch_type == "FARGATE" or any(
            s.get("capacityProvider") in _BUILTIN_CAPACITY_PROVIDERS for s in strategy
        )
        if not fargate:
            return original_run(self)
        td = backend.describe_task_definition(self._get_param("taskDefinition"))
        network = self._get_param("networkConfiguration")
        if td.network_mode == "awsvpc" and not network:
            raise InvalidParameterException(
                "Network Configuration must be provided when networkMode 'awsvpc' is specified."
            )
        if network:
            from moto.ec2.models import ec2_backends

            ec2 = ec2_backends[backend.account_id][backend.region_name]
            for subnet in network.get("awsvpcConfiguration", {}).get("subnets", []):
                ec2.get_subnet(subnet)
        overrides = self._get_param("overrides") or {}
        tags = self._get_param("tags") or []
        provider = next(
            (s["capacityProvider"] for s in strategy if s.get("weight", 0) > 0),
            strategy[0]["capacityProvider"] if strategy else None,
        )
        tasks = []
        for _ in range(self._get_int_param("count", 1)):
            task = Task(
                cluster=cluster,
                task_definition=td,
                container_instance_arn=None,
                resource_requirements=None,
                backend=backend,
                group=self._get_param("group") or f"family:{td.family}",
                launch_type="FARGATE",
                overrides=overrides,
                started_by=self._get_param("startedBy") or "",
                tags=tags,
                networking_configuration=network,
                platform_version=self._get_param("platformVersion") or "LATEST",
            )
            task.capacity_provider_name = provider
            task._ecsctl_exit = _exit_control(td, overrides, tags)
            for c in task.containers:
                c.last_status = "PENDING"
                # DescribeTasks' Container.cpu / memory are strings in the API (moto copies
                # the task definition's integers, which strict SDKs reject), and there is no
                # exit code before the container stops.
                c.cpu = None if c.cpu is None else str(c.cpu)
                c.memory = None if c.memory is None else str(c.memory)
                c.exitCode = None
            backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
            tasks.append(task)
        return ActionResult({"tasks": tasks, "failures": []})

    def describe_tasks(self: Any, cluster_str: str, tasks: list[str]) -> Any:
        found = original_describe(self, cluster_str, tasks)
        for task in found:
            control = getattr(task, "_ecsctl_exit", None)
            if control is None:
                continue
            if control == "start-failed":
                task.status = "STOPPED"
            status = task.last_status
            for c in task.containers:
                c.last_status = "STOPPED" if status == "STOPPED" else "RUNNING"
            if status == "STOPPED" and not getattr(task, "_ecsctl_stopped", False):
                _stop(task, control)
        return found

    EC2ContainerServiceResponse.run_task = run_task
    EC2ContainerServiceBackend.describe_tasks = describe_tasks


EXIT_CODE_TAG = "ecsctl-emulator:exit-code"
EXIT_CODE_ENV = "ECSCTL_EMULATOR_EXIT_CODE"


def _exit_control(td: Any, overrides: dict[str, Any], tags: list[dict[str, str]]) -> Any:
    """The exit code a task stops with: the tag, else the main container's env var, else 0."""
    for tag in tags:
        if tag.get("key") == EXIT_CODE_TAG:
            return _exit_value(tag.get("value", "0"))
    main = td.container_definitions[0] if td.container_definitions else {}
    for o in overrides.get("containerOverrides", []) or []:
        if o.get("name") == main.get("name"):
            for e in o.get("environment", []) or []:
                if e.get("name") == EXIT_CODE_ENV:
                    return _exit_value(e.get("value", "0"))
    for e in main.get("environment", []) or []:
        if e.get("name") == EXIT_CODE_ENV:
            return _exit_value(e.get("value", "0"))
    return 0


def _exit_value(text: str) -> Any:
    text = str(text).strip()
    return "start-failed" if text == "start-failed" else int(text or 0)


def _stop(task: Any, control: Any) -> None:
    task._ecsctl_stopped = True
    task.desired_status = "STOPPED"
    task.stopped_at = utcnow()
    task.stopping_at = task.stopped_at
    if control == "start-failed":
        image = task.containers[0].image if task.containers else "image"
        task.stop_code = "TaskFailedToStart"
        task.stopped_reason = (
            f"CannotPullContainerError: pull image manifest has been retried 1 time(s): "
            f"failed to resolve ref {image}: not found"
        )
        for c in task.containers:
            c.exitCode = None
            c.reason = "CannotPullContainerError: image not found"
        return
    task.stop_code = "EssentialContainerExited"
    task.stopped_reason = "Essential container in task exited"
    task.execution_stopped_at = task.stopped_at
    for c in task.containers:
        c.exitCode = int(control)


def _service_inputs(service: Any) -> tuple[Any, ...]:
    return (
        service.task_definition,
        repr(service.network_configuration),
        repr(getattr(service, "capacity_provider_strategy", None)),
        service.platform_version,
        service.launch_type,
    )


def _deployment_inputs(backend: Any, props: dict[str, Any]) -> tuple[Any, ...] | None:
    try:
        return _service_inputs(backend._get_service(props.get("cluster", "default"), props["service"]))
    except Exception:  # moto raises the proper error in the real update
        return None


def _rollout_mode(service: Any) -> str:
    for tag in service.tags or []:
        if tag.get("key") == ROLLOUT_TAG:
            return str(tag.get("value", ""))
    for mode, env in (("stuck", STUCK_ENV), ("failed", FAILED_ENV)):
        names = {n.strip() for n in os.environ.get(env, "").split(",") if n.strip()}
        if service.name in names:
            return mode
    return "completed"


def _settle(backend: Any, service: Any, new_deployment: bool) -> None:
    if service.deployment_controller.get("type", "ECS") != "ECS":
        return  # CODE_DEPLOY / EXTERNAL services have no ECS deployments in AWS either
    now = utcnow()
    old = service.deployments[0] if service.deployments else None
    if new_deployment or old is None:
        deployment_id = f"ecs-svc/{uuid.uuid4().int % 10**19:019d}"
        created = now
    else:
        deployment_id, created = old["id"], old["createdAt"]
    deployment: dict[str, Any] = {
        "id": deployment_id,
        "status": "PRIMARY",
        "taskDefinition": service.task_definition,
        "desiredCount": service.desired_count,
        "failedTasks": 0,
        "createdAt": created,
        "updatedAt": now,
        "launchType": service.launch_type,
        "platformVersion": service.platform_version,
        "networkConfiguration": service.network_configuration or None,
    }
    strategy = getattr(service, "capacity_provider_strategy", None)
    if strategy:
        deployment["capacityProviderStrategy"] = strategy
        deployment["launchType"] = None
    service.deployments = [deployment]
    mode = _rollout_mode(service)
    service._ecsctl_polls_left = None
    if mode.startswith("after:"):
        value = mode.split(":", 1)[1]
        polls = int(value) if value.isdigit() else 0  # a malformed count means no delay
        service._ecsctl_polls_left = polls if polls > 0 else None
        mode = "stuck" if polls > 0 else "completed"
    _set_state(backend, service, {"stuck": "IN_PROGRESS", "failed": "FAILED"}.get(mode, "COMPLETED"))


def _set_state(backend: Any, service: Any, state: str) -> None:
    deployment = service.deployments[0]
    cluster = backend._get_cluster(service.cluster_name)
    backend.update_cluster_resources(cluster, -service.running_count, task_state="RUNNING")
    backend.update_cluster_resources(cluster, -service.pending_count, task_state="PENDING")
    desired = service.desired_count
    running, pending, failed = {
        "COMPLETED": (desired, 0, 0),
        "IN_PROGRESS": (0, desired, 0),
        "FAILED": (0, 0, max(desired, 1)),
    }[state]
    service.running_count, service.pending_count = running, pending
    backend.update_cluster_resources(cluster, running, task_state="RUNNING")
    backend.update_cluster_resources(cluster, pending, task_state="PENDING")
    deployment.update(
        rolloutState=state,
        runningCount=running,
        pendingCount=pending,
        failedTasks=failed,
        updatedAt=utcnow(),
        rolloutStateReason={
            "COMPLETED": f"ECS deployment {deployment['id']} completed.",
            "IN_PROGRESS": f"ECS deployment {deployment['id']} in progress.",
            "FAILED": "ECS deployment circuit breaker: tasks failed to start.",
        }[state],
    )
    message = {
        "COMPLETED": f"(service {service.name}) has reached a steady state.",
        "FAILED": f"(service {service.name}) (deployment {deployment['id']}) deployment failed: "
        "tasks failed to start.",
    }.get(state)
    if message:
        event = {"id": str(uuid.uuid4()), "createdAt": utcnow(), "message": message}
        service.events = [event] + list(service.events)[:99]  # newest first, as AWS lists them


# ---------------------------------------------------------------------------------------------
# IAM (performance only: no behaviour visible in the aws partition changes)


@_patch
def patch_iam_managed_policies_once() -> None:
    """Load the AWS managed policies cheaply, once per account, in the `aws` partition only.

    AWS: every account sees the same AWS managed policies (`arn:aws:iam::aws:policy/...`).
    moto: with MOTO_IAM_LOAD_MANAGED_POLICIES=true, `IAMBackend._init_aws_policies` re-parses the
    whole policy catalogue (1485 policies) for each of the 5 partitions of every account, and
    the access-key lookup creates all 5 on the first request of a new account: ~1.2 s per fresh
    test account on the first call of *any* service.
    Patch: parse the catalogue once per process and build the policies only for the `aws`
    partition (ecsctl never uses aws-cn / aws-us-gov / aws-iso*); ~0.1 s per new account.
    """
    import json
    from datetime import datetime

    from moto import settings
    from moto.iam import models as iam

    catalogue: list[tuple[str, Any, Any, str, datetime, datetime]] = []

    def _init_aws_policies(self: Any) -> list[Any]:
        if not settings.load_iam_aws_managed_policies() or self.region_name != "aws":
            return []
        if not catalogue:
            for name, d in json.loads(iam.aws_managed_policies_data).items():
                catalogue.append((name, d.get("DefaultVersionId"), d.get("Path"),
                                  json.dumps(d.get("Document")),
                                  datetime.fromisoformat(d["CreateDate"]),
                                  datetime.fromisoformat(d["UpdateDate"])))
        return [
            iam.AWSManagedPolicy(name, account_id=self.account_id, region=self.region_name,
                                 default_version_id=version, path=path, document=document,
                                 create_date=created, update_date=updated)
            for name, version, path, document, created, updated in catalogue
        ]

    iam.IAMBackend._init_aws_policies = _init_aws_policies


# ---------------------------------------------------------------------------------------------
# Application Auto Scaling


@_patch
def patch_aas_describe_scaling_policies_filters() -> None:
    """DescribeScalingPolicies filters ResourceId and ScalableDimension exactly, honours PolicyNames.

    AWS: ResourceId / ScalableDimension are exact matches; PolicyNames restricts to those names.
    moto: `ApplicationAutoscalingBackend.describe_scaling_policies` tests
    `policy.resource_id in resource_id` (a substring test: `service/c/api2` also returns the
    policies of `service/c/api`), same for the dimension, and the response ignores PolicyNames.
    Patch: replace the response handler's filtering with exact matches; pagination is moto's.
    """
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    def describe_scaling_policies(
        self: Any,
        service_namespace: str,
        resource_id: str,
        scalable_dimension: str,
        max_results: int | None,
        next_token: str,
        policy_names: list[str] | None = None,
    ) -> Any:
        policies = [
            p
            for p in self.policies.values()
            if p.service_namespace == service_namespace
            and (not resource_id or p.resource_id == resource_id)
            and (not scalable_dimension or p.scalable_dimension == scalable_dimension)
            and (not policy_names or p.policy_name in policy_names)
        ]
        start = int(next_token) if next_token else 0
        end = start + (max_results or 100)
        return (str(end) if end < len(policies) else None), policies[start:end]

    original_response = ApplicationAutoScalingResponse.describe_scaling_policies

    def describe_scaling_policies_response(self: Any) -> Any:
        backend = self.applicationautoscaling_backend
        names = self._get_param("PolicyNames")
        real = backend.describe_scaling_policies

        def with_names(**kw: Any) -> Any:
            return real(policy_names=names, **kw)

        backend.describe_scaling_policies = with_names
        try:
            return original_response(self)
        finally:
            del backend.describe_scaling_policies

    ApplicationAutoscalingBackend.describe_scaling_policies = describe_scaling_policies
    ApplicationAutoScalingResponse.describe_scaling_policies = describe_scaling_policies_response


@_patch
def patch_aas_deregister_deletes_policies() -> None:
    """DeregisterScalableTarget also deletes the target's scaling policies and scheduled actions.

    AWS: "Deregistering a scalable target deletes the scaling policies and the scheduled actions
    that are associated with it."
    moto: `ApplicationAutoscalingBackend.deregister_scalable_target` removes only the target.
    Patch: after moto's deregister succeeds, delete the matching policies (with their alarms) and
    scheduled actions.
    """
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend

    original = ApplicationAutoscalingBackend.deregister_scalable_target

    def deregister_scalable_target(self: Any, namespace: str, r_id: str, dimension: str) -> None:
        original(self, namespace, r_id, dimension)

        def matches(x: Any) -> bool:
            return (x.service_namespace, x.resource_id, x.scalable_dimension) == (
                namespace, r_id, dimension)

        for key, policy in list(self.policies.items()):
            if matches(policy):
                policy.delete_alarms(self.account_id, self.region_name)
                del self.policies[key]
        self.scheduled_actions = [a for a in self.scheduled_actions if not matches(a)]

    ApplicationAutoscalingBackend.deregister_scalable_target = deregister_scalable_target


# ---------------------------------------------------------------------------------------------
# Cloud Map (servicediscovery)


class ServiceAlreadyExists(JsonRESTError):
    def __init__(self, name: str, service_id: str, creator_request_id: str | None) -> None:
        super().__init__("ServiceAlreadyExists", f"Service {name} already exists: {service_id}")
        # AWS sends these members with the error (API reference: ServiceAlreadyExists).
        import json

        body = json.loads(self.description)
        body.update(ServiceId=service_id, CreatorRequestId=creator_request_id)
        self.description = json.dumps(body)


def _matches_filter(value: str, flt: dict[str, Any]) -> bool:
    values = flt.get("Values") or []
    condition = flt.get("Condition") or "EQ"
    if condition == "EQ":
        return len(values) == 1 and value == values[0]
    if condition == "IN":
        return value in values
    if condition == "BEGINS_WITH":
        return any(value.startswith(v) for v in values)
    if condition == "BETWEEN":
        return len(values) == 2 and values[0] <= value <= values[1]
    return False


@_patch
def patch_servicediscovery_list_filters() -> None:
    """ListNamespaces and ListServices honour Filters.

    AWS: ListNamespaces filters on TYPE, NAME and HTTP_NAME; ListServices on NAMESPACE_ID
    (condition EQ by default, also IN / BEGINS_WITH / BETWEEN where the API allows them); all
    filters must match.
    moto: `ServiceDiscoveryBackend.list_namespaces` / `list_services` ignore Filters ("not yet
    implemented") and return everything in the account.
    Patch: filter the backend's result in the response handlers before serialising.
    """
    from moto.servicediscovery.models import ServiceDiscoveryBackend
    from moto.servicediscovery.responses import ServiceDiscoveryResponse
    import json

    def namespace_field(ns: Any, name: str) -> str:
        if name == "TYPE":
            return ns.type
        if name == "NAME":
            return ns.name
        if name == "HTTP_NAME":
            return (ns.http_properties or {}).get("HttpName", "")
        return ""

    def list_namespaces(self: Any) -> Any:
        filters = json.loads(self.body or "{}").get("Filters") or []
        namespaces = [
            ns
            for ns in ServiceDiscoveryBackend.list_namespaces(self.servicediscovery_backend)
            if all(_matches_filter(namespace_field(ns, f.get("Name", "")), f) for f in filters)
        ]
        return 200, {}, json.dumps({"Namespaces": [ns.to_json() for ns in namespaces]})

    def list_services(self: Any) -> str:
        filters = json.loads(self.body or "{}").get("Filters") or []
        services = [
            s
            for s in self.servicediscovery_backend.list_services()
            if all(
                f.get("Name") == "NAMESPACE_ID" and _matches_filter(s.namespace_id, f)
                for f in filters
            )
        ]
        return json.dumps({"Services": [s.to_json() for s in services]})

    ServiceDiscoveryResponse.list_namespaces = list_namespaces
    ServiceDiscoveryResponse.list_services = list_services


@_patch
def patch_servicediscovery_duplicate_service() -> None:
    """CreateService of a name that exists in the namespace fails ServiceAlreadyExists.

    AWS: `ServiceAlreadyExists` (with ServiceId and CreatorRequestId), unless the request
    repeats the CreatorRequestId of the existing service (an idempotent retry returns it).
    moto: `ServiceDiscoveryBackend.create_service` creates a second service with the same name.
    Patch: look the name up in the namespace before moto creates the service.
    """
    from moto.servicediscovery.models import ServiceDiscoveryBackend

    original = ServiceDiscoveryBackend.create_service

    def create_service(self: Any, name: str, namespace_id: str, creator_request_id: str,
                       *args: Any, **kw: Any) -> Any:
        for existing in self.services.values():
            if existing.name == name and existing.namespace_id == namespace_id:
                if creator_request_id and existing.creator_request_id == creator_request_id:
                    return existing
                raise ServiceAlreadyExists(name, existing.id, existing.creator_request_id)
        return original(self, name, namespace_id, creator_request_id, *args, **kw)

    ServiceDiscoveryBackend.create_service = create_service


# ---------------------------------------------------------------------------------------------


def apply_all() -> list[str]:
    """Apply every patch once; returns their names (for the startup log)."""
    if moto.__version__ != MOTO_VERSION:
        raise SystemExit(
            f"scripts/moto/patches.py targets moto {MOTO_VERSION}, found {moto.__version__}: "
            "re-verify each patch (scripts/emulator selfcheck --no-patches) before bumping"
        )
    if not APPLIED:
        for fn in PATCHES:
            fn()
            APPLIED.append(fn.__name__)
    return list(APPLIED)
