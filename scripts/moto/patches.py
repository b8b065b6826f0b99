"""Patches that bring moto 5.2.1 closer to the AWS API reference for the calls ecsctl makes.

Each patch is one small function that monkeypatches one moto class and says, in its docstring,
what AWS does, what moto does and what it changes, with the source of the AWS behaviour. Every
patch is listed in docs/emulator.md; `scripts/emulator selfcheck` probes them against a running
server (with `--no-patches` it shows which are still broken upstream after a moto bump), and the
realistic-mode behaviours are pinned with AWS's exact codes and messages by
tests/emulator_py/test_ecs_realism.py.

Realistic mode (docs/emulator.md, "Realistic mode"): ECS and Cloud Map state that AWS changes
asynchronously (MISSING reads, stale reads, rollouts, draining, task lifecycles, Cloud Map
deregistration) is driven by a per-account schedule of timed actions (`_Schedule`, windows from
realism.py). Nothing runs in the background: every ECS or Cloud Map request first takes the
account's lock and runs the actions that are due (`_tick`), so a read at time T sees what AWS
would show at T. In instant mode every window is 0, so a write settles within its own request.

Rules: patch only what is verified broken in moto 5.2.1 (MOTO_VERSION below is asserted), keep
moto's own behaviour for everything else, never invent behaviour AWS does not document; where
AWS's exact wording could not be found, the docstring and docs/emulator.md say so.
"""

from __future__ import annotations

import base64
import copy
import heapq
import itertools
import json
import os
import sys
import threading
import uuid
from datetime import timedelta
from typing import Any, Callable

import moto
from moto.core.exceptions import JsonRESTError
from moto.core.utils import utcnow

import patches_service_connect
import patches_volumes
import realism
from patchset import PatchSet

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

PATCHES = PatchSet()
_patch = PATCHES.patch




# ---------------------------------------------------------------------------------------------
# AWS error texts reproduced by the realistic mode (sources in each patch's docstring and in
# docs/emulator.md, "ECS and Cloud Map").

MSG_NOT_IDEMPOTENT = "Creation of service was not idempotent."
MSG_DRAINING = "Unable to Start a service that is still Draining."
MSG_CLUSTER_INCONSISTENT = (
    "Arguments on this idempotent request are inconsistent with arguments used in previous "
    "request(s)."
)
MSG_PROVIDER_NOT_ASSOCIATED = (
    "The specified capacity provider strategy cannot contain a capacity provider that is not "
    "associated with the cluster. Associate the capacity provider with the cluster or specify a "
    "valid capacity provider and try again."
)
MSG_CLUSTER_HAS_SERVICES = "The Cluster cannot be deleted while Services are active."
MSG_CLUSTER_HAS_TASKS = "The Cluster cannot be deleted while Tasks are active."
MSG_TASK_NOT_FOUND = "The referenced task was not found."
MSG_TOO_MANY_SERVICES = "service names can have at most 10 items."
MSG_BREAKER = "ECS deployment circuit breaker: tasks failed to start."
MSG_CLOUDMAP_IN_USE = (
    "Service contains registered instances; delete the instances before deleting the service"
)
# Not found in any public source: the wording of a malformed pagination token (ours).
MSG_BAD_TOKEN = "Invalid nextToken."


# ---------------------------------------------------------------------------------------------
# The clock: one lock and one schedule of timed actions per (account, region).

_LOCKS: dict[tuple[str, str], threading.RLock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock(account: str, region: str) -> threading.RLock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault((account, region), threading.RLock())


class _Schedule:
    """Timed actions of one ECS backend, run in time order (then in scheduling order)."""

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, Callable[..., None], tuple[Any, ...]]] = []
        self.seq = itertools.count()

    def at(self, when: float, action: Callable[..., None], *args: Any) -> None:
        heapq.heappush(self.heap, (when, next(self.seq), action, args))

    def run_due(self, now: float) -> None:
        while self.heap and self.heap[0][0] <= now:
            when, _, action, args = heapq.heappop(self.heap)
            try:
                action(when, *args)
            except Exception as e:  # one broken action must not fail every later request
                print(f"emulator: timed action {action.__name__} failed: {e!r}", file=sys.stderr)


def _schedule(backend: Any) -> _Schedule:
    sched = backend.__dict__.get("_ecsctl_schedule")
    if sched is None:
        sched = backend._ecsctl_schedule = _Schedule()
    return sched


def _tick(backend: Any) -> None:
    """Runs every action of the backend that is due now (the lazy evaluation of the windows)."""
    sched = backend.__dict__.get("_ecsctl_schedule")
    if sched is not None:
        sched.run_due(realism.now())


def _wall(when: float) -> Any:
    """The wall-clock datetime of the monotonic instant `when` (createdAt, stoppedAt...)."""
    return utcnow() - timedelta(seconds=max(0.0, realism.now() - when))


def _existing_ecs_backend(account: str, region: str) -> Any:
    """The account's ECS backend if it exists (without creating one, as moto's [] would)."""
    from moto.ecs.models import ecs_backends

    per_account = dict.get(ecs_backends, account)
    return None if per_account is None else dict.get(per_account, region)


def tick_account(account: str) -> int:
    """Runs the account's due timed actions in every region (as its next ECS request would) and
    returns how many are still scheduled: 0 means nothing in the account changes by time alone
    any more, so two snapshots taken then differ only by what requests did (the snapshot route
    uses this for "plan is read-only" tests)."""
    from moto.ecs.models import ecs_backends

    pending = 0
    for region, backend in list((dict.get(ecs_backends, account) or {}).items()):
        with _lock(account, region):
            _tick(backend)
            sched = backend.__dict__.get("_ecsctl_schedule")
            pending += len(sched.heap) if sched is not None else 0
    return pending


def _sd_backend(backend: Any) -> Any:
    from moto.servicediscovery.models import servicediscovery_backends

    return servicediscovery_backends[backend.account_id][backend.region_name]


# ---------------------------------------------------------------------------------------------
# Pagination (opaque tokens that name the last key returned, so a page boundary survives
# deletions between calls, as AWS's do).


class _InvalidToken(Exception):
    pass


def _encode_token(after: Any) -> str:
    raw = json.dumps({"v": 1, "after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return json.loads(raw)["after"]
    except Exception:
        raise _InvalidToken(token) from None


def _page_limit(aws_default: int, max_results: Any) -> int:
    """realism.page_size(AWS's default page), or maxResults when smaller (AWS's own page size
    in instant mode or with ECSCTL_EMULATOR_PAGE_SIZE=0, as scripts/moto/paging.py does)."""
    if max_results:
        return min(int(max_results), realism.page_size(10**9))
    return realism.page_size(aws_default)


def _page(items: Any, key: Callable[[Any], Any], aws_default: int, max_results: Any,
          token: str | None, reverse: bool = False) -> tuple[list[Any], str | None]:
    """One page of `items` sorted by `key` (JSON-able: str or list) and the next token."""
    ordered = sorted(items, key=key, reverse=reverse)
    if token:
        after = _decode_token(token)
        ordered = [x for x in ordered if (key(x) < after if reverse else key(x) > after)]
    limit = _page_limit(aws_default, max_results)
    if len(ordered) <= limit:
        return ordered, None
    page = ordered[:limit]
    return page, _encode_token(key(page[-1]))


def _ecs_page(handler: Any, items: list[Any], key: Callable[[Any], Any], aws_default: int,
              reverse: bool = False) -> tuple[list[Any], str | None]:
    """`_page` for an ECS list handler: its maxResults / nextToken, and ECS's error for a bad
    token."""
    from moto.ecs.exceptions import InvalidParameterException

    try:
        return _page(items, key, aws_default, handler._get_param("maxResults"),
                     handler._get_param("nextToken"), reverse)
    except _InvalidToken:
        raise InvalidParameterException(MSG_BAD_TOKEN) from None


# ---------------------------------------------------------------------------------------------
# ECS


def _ecs_error(code: str, message: str) -> Exception:
    from moto.ecs.exceptions import ECSException

    return ECSException(code, message)


@_patch
def patch_ecs_lazy_clock() -> None:
    """Every ECS request first runs the account's due timed actions, under the account's lock.

    AWS: ECS changes state asynchronously (a service is MISSING, then rolls out, drains; a task
    is provisioned, runs, stops): what a read returns depends on when it is made.
    moto: every change happens inside the request that causes it, and requests of one account
    interleave freely in the threaded server.
    Patch: wrap `EC2ContainerServiceResponse.call_action`: take the (account, region) lock and
    run `_tick` before dispatching (BaseResponse.call_action is looked up at call time, so a
    wrapper another patch puts on BaseResponse still runs).
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    def call_action(self: Any) -> Any:
        backend = self.ecs_backend
        with _lock(backend.account_id, backend.region_name):
            _tick(backend)
            return super(EC2ContainerServiceResponse, self).call_action()

    EC2ContainerServiceResponse.call_action = call_action


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
    on the `Service` object (the serializer picks them up by their snake_case names). The
    rollout (patch_ecs_service_rollout) starts after this, so deployments see these fields.
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
def patch_ecs_register_task_definition_drops_empty_env() -> None:
    """RegisterTaskDefinition leaves out environment variables whose value is empty or absent.

    AWS: the registered revision has no entry for them (terraform-provider-aws #39533: "AWS seems
    to filter out those environment variables when creating the Task Definition";
    aws-actions/amazon-ecs-deploy-task-definition #216 / #224: an entry without a value is removed
    from the registered task definition).
    moto: stores them as sent, so a client that sends one never sees the drift AWS shows.
    Patch: filter each container's `environment` before moto stores it.
    """
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.register_task_definition

    def register_task_definition(self: Any, family: str, container_definitions: list[dict[str, Any]],
                                 *args: Any, **kw: Any) -> Any:
        for c in container_definitions or []:
            if isinstance(c.get("environment"), list):
                c["environment"] = [e for e in c["environment"] if e.get("value")]
        return original(self, family, container_definitions, *args, **kw)

    EC2ContainerServiceBackend.register_task_definition = register_task_definition


@_patch
def patch_ecs_create_service_not_idempotent() -> None:
    """CreateService of an ACTIVE service name fails.

    AWS: `InvalidParameterException: Creation of service was not idempotent.`
    (terraform-provider-aws #14489, Shippable/support #4753).
    moto: `EC2ContainerServiceBackend.create_service` silently replaces the existing service.
    Patch: check the backend's `services` map first; INACTIVE (deleted) names may be reused.
    A retry with the same clientToken and parameters is answered before this check
    (patch_ecs_create_service_client_token); a DRAINING name gets AWS's draining error
    (patch_ecs_create_service_draining).
    """
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.create_service

    def create_service(self: Any, cluster_str: str, service_name: str, *args: Any, **kw: Any) -> Any:
        cluster = self._get_cluster(cluster_str)
        existing = self.services.get(f"{cluster.name}:{service_name}")
        if existing is not None and existing.status == "ACTIVE":
            raise InvalidParameterException(MSG_NOT_IDEMPOTENT)
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
    """CreateCluster on an existing ACTIVE name: the same arguments return it, others fail.

    AWS: CreateCluster is idempotent on the name with identical arguments (the cluster is
    returned unchanged); with different arguments it fails `InvalidParameterException:
    Arguments on this idempotent request are inconsistent with arguments used in previous
    request(s).` (terraform-provider-aws #12749 = hashicorp/terraform #24615, where the second
    CreateCluster added capacity providers).
    moto: `EC2ContainerServiceBackend.create_cluster` replaces the cluster, resetting all of it.
    Patch: the response handler records each new cluster's request arguments; a CreateCluster
    of an ACTIVE name returns the cluster when the arguments are equal and raises AWS's error
    otherwise. An INACTIVE (deleted) cluster is still replaced. Stricter than before: the
    earlier patch returned the existing cluster whatever the arguments.
    """
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.core.responses import ActionResult

    original = EC2ContainerServiceResponse.create_cluster

    def create_cluster(self: Any) -> Any:
        args = json.loads(self.body or "{}")
        name = args.get("clusterName") or "default"
        existing = self.ecs_backend.clusters.get(name)
        if existing is not None and existing.status == "ACTIVE":
            recorded = existing.__dict__.get("_ecsctl_args")
            if recorded is None or recorded == args:
                return ActionResult({"cluster": existing})
            raise InvalidParameterException(MSG_CLUSTER_INCONSISTENT)
        result = original(self)
        self.ecs_backend.clusters[name]._ecsctl_args = args
        return result

    EC2ContainerServiceResponse.create_cluster = create_cluster


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


# --- the service scheduler: deployments, their tasks and their Cloud Map instances -----------
#
# A service's deployments are `_Deployment` records (service._ecsctl_deps, PRIMARY first);
# `_render` writes them into moto's `service.deployments` and the service's running/pending
# counts. A deployment's life is a few timed actions on the account's schedule:
#
#   t0            _act_start     the PRIMARY's tasks start (PENDING), event "has started N tasks"
#   t0 + R/2      _act_run       they are RUNNING (and registered in Cloud Map); the previous
#                                deployments' tasks stop, event "has stopped N running tasks"
#   t0 + R        _act_complete  COMPLETED, older deployments gone, events "deployment
#                                completed" and "has reached a steady state"
#             or  _act_fail      FAILED (circuit breaker), event "deployment failed"; with
#                                rollback=true a new PRIMARY on the last COMPLETED deployment's
#                                inputs starts at once, event "rolling back to deployment ID"
#
# (R = the `rollout` window; 0 in instant mode, so all of it happens within the request.) A
# stopped task's Cloud Map instances are deregistered `deregister` later (_act_deregister).

_PHASES = ("PROVISIONING", "PENDING", "RUNNING", "STOPPED")


def _rollout_mode(service: Any) -> str:
    for tag in service.tags or []:
        if tag.get("key") == ROLLOUT_TAG:
            return str(tag.get("value", ""))
    for mode, env in (("stuck", STUCK_ENV), ("failed", FAILED_ENV)):
        names = {n.strip() for n in os.environ.get(env, "").split(",") if n.strip()}
        if service.name in names:
            return mode
    return "completed"


def _inputs_of(service: Any) -> dict[str, Any]:
    """What a deployment deploys (a change of any of these starts a new deployment)."""
    return {
        "task_definition": service.task_definition,
        "launch_type": service.launch_type,
        "platform_version": service.platform_version,
        "network": copy.deepcopy(service.network_configuration or None),
        "strategy": copy.deepcopy(getattr(service, "capacity_provider_strategy", None) or None),
        "registries": copy.deepcopy(service.service_registries or []),
        "load_balancers": copy.deepcopy(service.load_balancers or []),
        "volumes": patches_volumes.volumes_of(service),
        "service_connect": patches_service_connect.service_connect_of(service),
    }


def _apply_inputs(service: Any, inputs: dict[str, Any]) -> None:
    """Puts a deployment's inputs back on the service (a circuit-breaker rollback)."""
    service.task_definition = inputs["task_definition"]
    service.launch_type = inputs["launch_type"]
    service.platform_version = inputs["platform_version"]
    service.network_configuration = copy.deepcopy(inputs["network"] or {})
    service.capacity_provider_strategy = copy.deepcopy(inputs["strategy"])
    service.service_registries = copy.deepcopy(inputs["registries"])
    service.load_balancers = copy.deepcopy(inputs["load_balancers"])
    service._ecsctl_volumes = copy.deepcopy(inputs.get("volumes") or [])
    service._ecsctl_service_connect = copy.deepcopy(inputs.get("service_connect"))


class _Deployment:
    """One ECS deployment of a service (the source of `service.deployments[]`)."""

    def __init__(self, service: Any, mode: str, inputs: dict[str, Any],
                 reason: str | None = None) -> None:
        self.id = f"ecs-svc/{uuid.uuid4().int % 10**19:019d}"
        self.status = "PRIMARY"
        self.state = "IN_PROGRESS"
        self.reason = reason or f"ECS deployment {self.id} in progress."
        self.inputs = inputs
        self.desired = service.desired_count
        self.failed = 0
        self.tasks: list[Any] = []
        self.created = utcnow()
        self.updated = self.created
        self.polls_left: int | None = None
        self.mode = mode
        if mode.startswith("after:"):
            value = mode.split(":", 1)[1]
            polls = int(value) if value.isdigit() else 0  # a malformed count means no delay
            self.mode, self.polls_left = ("after", polls) if polls > 0 else ("completed", None)
        elif mode not in ("stuck", "failed"):
            self.mode = "completed"

    def count(self, phase: str) -> int:
        return sum(1 for t in self.tasks if t._ecsctl_phase == phase)

    def alive(self) -> list[Any]:
        return [t for t in self.tasks if t._ecsctl_phase != "STOPPED"]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "taskDefinition": self.inputs["task_definition"],
            "desiredCount": self.desired,
            "pendingCount": self.count("PENDING") + self.count("PROVISIONING"),
            "runningCount": self.count("RUNNING"),
            "failedTasks": self.failed,
            "createdAt": self.created,
            "updatedAt": self.updated,
            "launchType": self.inputs["launch_type"],
            "platformVersion": self.inputs["platform_version"],
            "networkConfiguration": self.inputs["network"] or None,
            "rolloutState": self.state,
            "rolloutStateReason": self.reason,
        }
        if self.inputs["strategy"]:
            d["capacityProviderStrategy"] = self.inputs["strategy"]
            d["launchType"] = None
        if self.inputs.get("volumes"):
            # Each deployment reports the volume configuration it was made with
            # (Deployment.volumeConfigurations; patches_volumes.py).
            d["volumeConfigurations"] = copy.deepcopy(self.inputs["volumes"])
        if self.inputs.get("service_connect") is not None:
            # As volumes: per deployment (Deployment.serviceConnectConfiguration;
            # patches_service_connect.py).
            d["serviceConnectConfiguration"] = copy.deepcopy(self.inputs["service_connect"])
        return d


def _deps(service: Any) -> list[_Deployment]:
    return service.__dict__.setdefault("_ecsctl_deps", [])


def _primary(service: Any) -> _Deployment | None:
    return next((d for d in _deps(service) if d.status == "PRIMARY"), None)


def _current(service: Any, dep: _Deployment) -> bool:
    """The deployment is still what the (ACTIVE) service deploys."""
    return service.status == "ACTIVE" and dep.status == "PRIMARY" and dep in _deps(service)


def _render(service: Any) -> None:
    """Writes the deployment records into moto's service fields."""
    deps = service.__dict__.get("_ecsctl_deps")
    if deps is None:
        return
    ordered = [d for d in deps if d.status == "PRIMARY"] + [d for d in deps if d.status != "PRIMARY"]
    service.deployments = [d.to_dict() for d in ordered]
    service.running_count = sum(d.count("RUNNING") for d in deps)
    service.pending_count = sum(d.count("PENDING") + d.count("PROVISIONING") for d in deps)


def _event(service: Any, when: float, message: str) -> None:
    """A service event, newest first as AWS lists them (AWS keeps the latest 100)."""
    event = {"id": str(uuid.uuid4()), "createdAt": _wall(when), "message": message}
    service.events = [event] + list(service.events or [])[:99]


def _task_list(tasks: list[Any]) -> str:
    return " ".join(f"(task {t.id})" for t in tasks)


def _breaker_rollback(service: Any) -> bool:
    config = getattr(service, "deployment_configuration", None) or {}
    return bool((config.get("deploymentCircuitBreaker") or {}).get("rollback"))


def _deploy(backend: Any, service: Any, now: float) -> _Deployment:
    """A new PRIMARY deployment of the service's current inputs (create, or an update that
    changes what is deployed); the previous PRIMARY stays beside it as ACTIVE."""
    for old in _deps(service):
        if old.status == "PRIMARY":
            old.status = "ACTIVE"
            old.updated = _wall(now)
    dep = _Deployment(service, _rollout_mode(service), _inputs_of(service))
    _deps(service).insert(0, dep)
    _launch(backend, service, dep, now)
    return dep


def _launch(backend: Any, service: Any, dep: _Deployment, now: float) -> None:
    sched = _schedule(backend)
    rollout = realism.window("rollout")
    sched.at(now, _act_start, backend, service, dep)
    if dep.mode == "completed":
        sched.at(now + rollout / 2, _act_run, backend, service, dep)
        sched.at(now + rollout, _act_complete, backend, service, dep)
    elif dep.mode == "failed":
        sched.at(now + rollout, _act_fail, backend, service, dep)
    # "stuck": its tasks stay PENDING and it stays IN_PROGRESS; "after": see _poll.


def _scale(backend: Any, service: Any, now: float) -> None:
    """desiredCount changed (or a task stopped) without a new deployment: the PRIMARY
    deployment starts or stops tasks; no new deployment id (AWS: scaling is not a deployment)."""
    dep = _primary(service)
    if dep is None:
        return
    dep.desired = service.desired_count
    alive = dep.alive()
    excess = len(alive) - dep.desired
    rollout = realism.window("rollout")
    sched = _schedule(backend)
    if excess > 0:
        # pending tasks first, then the newest running ones
        victims = sorted(alive, key=lambda t: (t._ecsctl_phase == "RUNNING", -t._ecsctl_seq))
        victims = victims[:excess]
        for task in victims:
            _stop_task(backend, task, now, "ServiceSchedulerInitiated",
                       f"Scaling activity initiated by (deployment {dep.id})")
        _event(service, now, f"(service {service.name}) has stopped {len(victims)} running "
                             f"tasks: {_task_list(victims)}.")
    elif excess < 0 and dep.state != "FAILED":
        sched.at(now, _act_start, backend, service, dep)
        if dep.state == "COMPLETED" or dep.mode == "completed":
            sched.at(now + rollout / 2, _act_run, backend, service, dep)
    if excess != 0 and dep.state == "COMPLETED":
        sched.at(now + (rollout / 2 if excess < 0 else 0), _act_steady, backend, service, dep)
    dep.updated = _wall(now)
    _render(service)


def _act_start(when: float, backend: Any, service: Any, dep: _Deployment) -> None:
    if not _current(service, dep) or dep.state == "FAILED":
        return
    missing = dep.desired - len(dep.alive())
    if missing <= 0:
        return
    started = [_start_service_task(backend, service, dep, when) for _ in range(missing)]
    _event(service, when, f"(service {service.name}) has started {len(started)} tasks: "
                          f"{_task_list(started)}.")
    dep.updated = _wall(when)
    _render(service)


def _act_run(when: float, backend: Any, service: Any, dep: _Deployment) -> None:
    if not _current(service, dep) or dep.state == "FAILED":
        return
    for task in dep.tasks:
        if task._ecsctl_phase in ("PROVISIONING", "PENDING"):
            _task_running(task, when)
            _register(backend, service, task)
    stopped = []
    for other in _deps(service):
        if other is dep:
            continue
        for task in other.alive():
            _stop_task(backend, task, when, "ServiceSchedulerInitiated",
                       f"Scaling activity initiated by (deployment {dep.id})")
            stopped.append(task)
        other.desired = 0
        other.updated = _wall(when)
    if stopped:
        _event(service, when, f"(service {service.name}) has stopped {len(stopped)} running "
                              f"tasks: {_task_list(stopped)}.")
    dep.updated = _wall(when)
    _render(service)


def _act_complete(when: float, backend: Any, service: Any, dep: _Deployment) -> None:
    if not _current(service, dep) or dep.state != "IN_PROGRESS":
        return
    _act_run(when, backend, service, dep)  # its tasks run; the others' are stopped
    service._ecsctl_deps = [dep]
    service._ecsctl_last_good = dep
    dep.state = "COMPLETED"
    dep.reason = f"ECS deployment {dep.id} completed."
    dep.updated = _wall(when)
    _event(service, when, f"(service {service.name}) (deployment {dep.id}) deployment completed.")
    _event(service, when, f"(service {service.name}) has reached a steady state.")
    _render(service)


def _act_steady(when: float, backend: Any, service: Any, dep: _Deployment) -> None:
    if not _current(service, dep) or dep.state != "COMPLETED":
        return
    alive = dep.alive()
    if len(alive) == dep.desired and all(t._ecsctl_phase == "RUNNING" for t in alive):
        _event(service, when, f"(service {service.name}) has reached a steady state.")


def _act_fail(when: float, backend: Any, service: Any, dep: _Deployment) -> None:
    if not _current(service, dep) or dep.state != "IN_PROGRESS":
        return
    for task in dep.alive():
        _task_failed_to_start(backend, task, when)
    dep.state = "FAILED"
    dep.failed = max(dep.desired, 1)
    dep.reason = MSG_BREAKER
    dep.updated = _wall(when)
    _event(service, when, f"(service {service.name}) (deployment {dep.id}) deployment failed: "
                          "tasks failed to start.")
    if _breaker_rollback(service):
        roll_back(when, backend, service, dep,
                  "ECS deployment circuit breaker: rolling back to deploymentId {good}.")
    _render(service)


def roll_back(when: float, backend: Any, service: Any, dep: _Deployment, reason: str) -> None:
    """The failed `dep` gives way to a new PRIMARY deployment of the last COMPLETED one's inputs
    (`reason` with `{good}` for its id), event "(service S) rolling back to deployment ID."; no
    rollback without a completed deployment. Shared by the circuit breaker, deployment alarms
    (patches_alarms.py) and lifecycle hooks (patches_strategies.py)."""
    good = service.__dict__.get("_ecsctl_last_good")
    if good is None or good is dep:
        return
    dep.status = "ACTIVE"
    _apply_inputs(service, good.inputs)
    back = _Deployment(service, "completed", copy.deepcopy(good.inputs),
                       reason=reason.format(good=good.id))
    back._ecsctl_rollback = True
    _deps(service).insert(0, back)
    _event(service, when, f"(service {service.name}) rolling back to deployment {good.id}.")
    _launch(backend, service, back, when)


def _poll(backend: Any, service: Any) -> None:
    """`after:N`: the PRIMARY completes at the (N+1)-th DescribeServices that returns it."""
    dep = _primary(service)
    if dep is None or dep.polls_left is None or dep.state != "IN_PROGRESS":
        return
    if dep.polls_left > 0:
        dep.polls_left -= 1
        return
    dep.polls_left = None
    now = realism.now()
    _act_run(now, backend, service, dep)
    _act_complete(now, backend, service, dep)


def _act_inactive(when: float, backend: Any, service: Any) -> None:
    if service.status == "DRAINING":
        service.status = "INACTIVE"
        _render(service)


# --- tasks ----------------------------------------------------------------------------------

_TASK_SEQ = itertools.count()


def _new_task(backend: Any, cluster: Any, td: Any, network: dict[str, Any] | None, *,
              started_by: str, group: str, tags: list[dict[str, str]], launch_type: str,
              provider: str | None, platform_version: str | None,
              overrides: dict[str, Any] | None = None) -> Any:
    """A moto Task in phase PROVISIONING, stored in the backend (so DescribeTasks, ListTasks,
    StopTask and ListTagsForResource see it); AWS-style 32-hex task id."""
    from moto.ecs.models import Task

    awsvpc = (network or {}).get("awsvpcConfiguration") or {}
    net = None
    if awsvpc.get("subnets"):
        net = {**network, "awsvpcConfiguration": {**awsvpc,  # type: ignore[dict-item]
                                                  "securityGroups": awsvpc.get("securityGroups") or []}}
    task_def = td
    if td.network_mode == "awsvpc" and net is None:
        task_def = _untracked_copy(td)  # a service moto accepted without a network: no ENI
        task_def.network_mode = None
    task = Task(cluster=cluster, task_definition=task_def, container_instance_arn=None,
                resource_requirements=None, backend=backend, group=group,
                launch_type=launch_type, overrides=overrides or {}, started_by=started_by,
                tags=tags, networking_configuration=net,
                platform_version=platform_version or "LATEST")
    task.id = uuid.uuid4().hex
    task.capacity_provider_name = provider
    task._ecsctl_phase = "PROVISIONING"
    task._ecsctl_seq = next(_TASK_SEQ)
    task._ecsctl_registered = []
    task.created_at = utcnow()
    for c in task.containers:
        c.last_status = "PENDING"
        # DescribeTasks' Container.cpu / memory are strings in the API (moto copies the task
        # definition's integers, which strict SDKs reject); no exit code before the stop.
        c.cpu = None if c.cpu is None else str(c.cpu)
        c.memory = None if c.memory is None else str(c.memory)
        c.exitCode = None
    backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
    return task


def _launch_of(inputs: dict[str, Any]) -> tuple[str, str | None]:
    """(task launchType, capacityProviderName) of a deployment's tasks."""
    strategy = inputs["strategy"] or []
    if strategy:
        provider = next((s["capacityProvider"] for s in strategy if s.get("weight", 0) > 0),
                        strategy[0]["capacityProvider"])
        return ("FARGATE" if provider in _BUILTIN_CAPACITY_PROVIDERS else "EC2"), provider
    return inputs["launch_type"] or "FARGATE", None


def _start_service_task(backend: Any, service: Any, dep: _Deployment, when: float) -> Any:
    cluster = backend._get_cluster(service.cluster_name)
    td = backend.describe_task_definition(dep.inputs["task_definition"])
    tags: list[dict[str, str]] = []
    if service.propagate_tags == "SERVICE":
        tags = copy.deepcopy(service.tags or [])
    elif service.propagate_tags == "TASK_DEFINITION":
        tags = copy.deepcopy(td.tags or [])
    launch_type, provider = _launch_of(dep.inputs)
    task = _new_task(backend, cluster, td, dep.inputs["network"], started_by=dep.id,
                     group=f"service:{service.name}", tags=tags, launch_type=launch_type,
                     provider=provider, platform_version=dep.inputs["platform_version"])
    task._ecsctl_phase = "PENDING"
    task._ecsctl_registries = copy.deepcopy(dep.inputs["registries"])
    task.created_at = _wall(when)
    dep.tasks.append(task)
    return task


def _task_phase(task: Any, phase: str, when: float) -> None:
    """Moves a task forward to `phase` (never backwards, never out of STOPPED)."""
    if _PHASES.index(phase) <= _PHASES.index(task._ecsctl_phase):
        return
    if phase == "RUNNING":
        _task_running(task, when)
    else:
        task._ecsctl_phase = phase


def _task_running(task: Any, when: float) -> None:
    task._ecsctl_phase = "RUNNING"
    task.started_at = _wall(when)
    for c in task.containers:
        c.last_status = "RUNNING"


def _stop_task(backend: Any, task: Any, when: float, code: str, reason: str | None) -> None:
    """Stops a task now: STOPPED, ENI released, Cloud Map instances deregistered later."""
    if task._ecsctl_phase == "STOPPED":
        return
    task._ecsctl_phase = "STOPPED"
    task.desired_status = "STOPPED"
    task.stopping_at = task.stopped_at = _wall(when)
    task.stop_code = code
    if reason is not None:
        task.stopped_reason = reason
    for c in task.containers:
        c.last_status = "STOPPED"
    _release_eni(backend, task)
    if task._ecsctl_registered:
        _schedule(backend).at(when + realism.window("deregister"), _act_deregister, backend, task)


def _task_failed_to_start(backend: Any, task: Any, when: float) -> None:
    image = task.containers[0].image if task.containers else "image"
    _stop_task(backend, task, when, "TaskFailedToStart",
               f"CannotPullContainerError: pull image manifest has been retried 1 time(s): "
               f"failed to resolve ref {image}: not found")
    for c in task.containers:
        c.exitCode = None
        c.reason = "CannotPullContainerError: image not found"


def _release_eni(backend: Any, task: Any) -> None:
    """AWS deletes a Fargate task's ENI when the task stops."""
    from moto.ec2.models import ec2_backends

    for attachment in task.attachments:
        for detail in attachment.get("details", []):
            if detail.get("name") == "networkInterfaceId":
                ec2_backends[backend.account_id][backend.region_name].enis.pop(detail["value"], None)
        attachment["status"] = "DELETED"


# --- Cloud Map instances of service tasks ---------------------------------------------------


def _instance_attributes(backend: Any, service: Any, task: Any,
                         registry: dict[str, Any]) -> dict[str, str]:
    """The attributes ECS registers for a task (as listed in terraform-provider-aws #4853),
    plus AWS_INSTANCE_PORT when the registry names a port (SRV records)."""
    from moto.ec2.models import ec2_backends

    details = {d["name"]: d["value"] for a in task.attachments for d in a.get("details", [])}
    attributes: dict[str, str] = {}
    if details.get("privateIPv4Address"):
        attributes["AWS_INSTANCE_IPV4"] = details["privateIPv4Address"]
    attributes["AWS_INIT_HEALTH_STATUS"] = "HEALTHY"
    if details.get("subnetId"):
        try:
            subnet = ec2_backends[backend.account_id][backend.region_name].get_subnet(details["subnetId"])
            attributes["AVAILABILITY_ZONE"] = subnet.availability_zone
        except Exception:  # a subnet deleted meanwhile: AWS would not have started the task
            pass
    attributes["REGION"] = backend.region_name
    attributes["ECS_SERVICE_NAME"] = service.name
    attributes["ECS_CLUSTER_NAME"] = service.cluster_name
    attributes["ECS_TASK_DEFINITION_FAMILY"] = task.task_definition_arn.split("/")[-1].split(":")[0]
    port = registry.get("port") or registry.get("containerPort")
    if port:
        attributes["AWS_INSTANCE_PORT"] = str(port)
    return attributes


def _register(backend: Any, service: Any, task: Any) -> None:
    """A RUNNING service task is registered (instance id = task id) in each registry."""
    registries = task.__dict__.get("_ecsctl_registries") or []
    if not registries:
        return
    sd = _sd_backend(backend)
    for registry in registries:
        service_id = str(registry.get("registryArn", "")).split("/")[-1]
        if service_id not in sd.services:
            continue  # a deleted Cloud Map service: nothing to register into
        sd.register_instance(service_id=service_id, instance_id=task.id, creator_request_id=None,
                             attributes=_instance_attributes(backend, service, task, registry))
        task._ecsctl_registered.append(service_id)


def _act_deregister(when: float, backend: Any, task: Any) -> None:
    sd = _sd_backend(backend)
    for service_id in task._ecsctl_registered:
        try:
            sd.deregister_instance(service_id, task.id)
        except Exception:  # deregistered by hand meanwhile, or the service is gone
            pass
    task._ecsctl_registered = []


# --- reads that lag behind writes -----------------------------------------------------------

_MISSING = object()


def _untracked_copy(obj: Any) -> Any:
    """A shallow copy of a moto model that moto does not track (copy.copy would go through
    BaseModel.__new__ and add it to the instances /moto-api and the snapshot route list)."""
    clone = object.__new__(type(obj))
    clone.__dict__.update(obj.__dict__)
    return clone


def _snapshot(service: Any) -> Any:
    """A frozen copy of the service as DescribeServices shows it now."""
    snap = _untracked_copy(service)
    for name in ("deployments", "events", "tags", "network_configuration", "load_balancers",
                 "service_registries", "capacity_provider_strategy", "deployment_configuration"):
        if name in service.__dict__:
            setattr(snap, name, copy.deepcopy(service.__dict__[name]))
    return snap


def _reader_view(service: Any) -> Any:
    """What DescribeServices returns for the service now: _MISSING, a stale copy, or it."""
    if realism.within(service, "created", "missing"):
        return _MISSING
    stale = service.__dict__.get("_ecsctl_stale")
    if stale is not None and realism.within(service, "updated", "stale"):
        return stale
    return service


def _service_of(backend: Any, cluster_str: str, name_or_arn: str) -> Any:
    cluster = backend._get_cluster(cluster_str)
    return backend.services[f"{cluster.name}:{str(name_or_arn).split('/')[-1]}"]


def requested_service(handler: Any) -> Any | None:
    """The service an UpdateService request names; None when there is none (moto's handler
    then raises the proper error)."""
    try:
        return _service_of(handler.ecs_backend, handler._get_param("cluster", "default"),
                           handler._get_param("service"))
    except Exception:  # moto raises the proper error in the real update
        return None


def task_definition_or_none(backend: Any, ref: str | None) -> Any | None:
    """The task definition `ref` names (family:revision or ARN); None when there is none (the
    real call then raises moto's error)."""
    if not ref:
        return None
    try:
        return backend.describe_task_definition(ref)
    except Exception:  # moto raises the proper error in the real call
        return None


def _ecs_controller(service: Any) -> bool:
    return (service.deployment_controller or {}).get("type", "ECS") == "ECS"


@_patch
def patch_ecs_service_rollout() -> None:
    """Deployments roll out over the `rollout` window with the events AWS writes.

    AWS: CreateService, and an UpdateService that changes the task definition, network
    configuration, capacity provider strategy, platform version, load balancers or service
    registries (or forces a new deployment), create a deployment: PRIMARY, rolloutState
    IN_PROGRESS, beside the previous one (ACTIVE) whose tasks are replaced; when the new
    tasks run and the old ones are stopped it is COMPLETED and the old deployment is gone.
    Events (newest first): "(service S) has started N tasks: (task ID) ...." (reproio/ecs_deploy
    #81, turnerlabs/fargate #34), "(service S) has stopped N running tasks: (task ID) ...."
    (sil-org/ecs-deploy #95), "(service S) (deployment ecs-svc/N) deployment completed." and
    "(service S) has reached a steady state." (DescribeServices transcripts on GitHub; no issue
    thread quotes the first). With the circuit breaker a failing deployment becomes FAILED,
    rolloutStateReason "ECS deployment circuit breaker: tasks failed to start." (aws/containers-
    roadmap #1488), event "(service S) (deployment ID) deployment failed: tasks failed to
    start."; with rollback=true ECS starts a new PRIMARY deployment of the last COMPLETED one,
    rolloutStateReason "ECS deployment circuit breaker: rolling back to deploymentId ID."
    (ECS developer guide, "Amazon ECS service deployment state change events"), event
    "(service S) rolling back to deployment ID." (DescribeServices transcripts). A change of
    desiredCount alone scales the PRIMARY deployment (no new deployment id). Replaced tasks stop
    with stopCode ServiceSchedulerInitiated, stoppedReason "Scaling activity initiated by
    (deployment ID)".
    moto: a new service stays running 0 / pending N / IN_PROGRESS forever, updates jump
    runningCount while the deployment keeps stale counts, `deployments[].taskDefinition` never
    changes, there are no events and no service tasks.
    Patch: wrap the CreateService / UpdateService handlers and run the deployment as timed
    actions (see "the service scheduler" above): tasks start PENDING at once, run at half the
    `rollout` window (old tasks stop then), and the deployment completes (or fails) at the end
    of it. Instant mode (window 0): all of it happens within the request. Per-service opt-outs:
      - tag `ecsctl-emulator:rollout=stuck` or name in ECSCTL_EMULATOR_STUCK_SERVICES: tasks
        stay PENDING, IN_PROGRESS forever;
      - tag `...=failed` or name in ECSCTL_EMULATOR_FAILED_SERVICES: IN_PROGRESS for the
        rollout window, then FAILED as above (and the rollback when the service's
        deploymentCircuitBreaker has rollback=true and a COMPLETED deployment exists);
      - tag `...=after:N`: IN_PROGRESS in the next N DescribeServices responses that return
        the service, COMPLETED from the (N+1)-th on (exercises a poll loop).
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    inner_create = EC2ContainerServiceResponse.create_service
    inner_update = EC2ContainerServiceResponse.update_service

    def create_service(self: Any) -> Any:
        result = inner_create(self)
        backend = self.ecs_backend
        service = _service_of(backend, self._get_param("cluster", "default"),
                              self._get_param("serviceName"))
        realism.mark(service, "created")
        service.events = []
        service._ecsctl_deps = []
        if _ecs_controller(service):
            _deploy(backend, service, realism.now())
        _tick(backend)
        _render(service)
        return result

    def update_service(self: Any) -> Any:
        backend = self.ecs_backend
        cluster, name = self._get_param("cluster", "default"), self._get_param("service")
        try:
            before = _inputs_of(_service_of(backend, cluster, name))
        except Exception:  # moto raises the proper error in the real update
            before = None
        result = inner_update(self)
        service = _service_of(backend, cluster, name)
        if _ecs_controller(service) and service.status == "ACTIVE":
            now = realism.now()
            if (self._get_param("forceNewDeployment") or before != _inputs_of(service)
                    or _primary(service) is None):
                _deploy(backend, service, now)
            else:
                _scale(backend, service, now)
            _tick(backend)
        _render(service)
        return result

    EC2ContainerServiceResponse.create_service = create_service
    EC2ContainerServiceResponse.update_service = update_service


@_patch
def patch_ecs_describe_services_missing_and_stale() -> None:
    """DescribeServices lags behind CreateService (MISSING) and UpdateService (stale reads).

    AWS: the ECS API is eventually consistent: for a while after CreateService,
    DescribeServices answers the service only in `failures` as `{"arn": ARN, "reason":
    "MISSING"}` (terraform-provider-aws PR #3387 "Retry DescribeServices after creation",
    reproio/ecs_deploy #60); after UpdateService, reads can still return the service as it was
    (aws/amazon-ecs-cli PR #990). At most 10 services per call: `InvalidParameterException:
    service names can have at most 10 items.` (turbot/steampipe-plugin-aws #903).
    moto: every read sees every write at once; any number of names is accepted.
    Patch: replace the response handler: a service created less than the `missing` window ago
    is a MISSING failure; for the `stale` window after an UpdateService the service is returned
    exactly as DescribeServices returned it just before the update (a copy taken by
    patch_ecs_update_service_stale_snapshot); `after:N` polls are counted here (only real
    DescribeServices calls count, not moto AAS's internal backend calls).
    """
    from moto.core.responses import ActionResult
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.responses import DESCRIBE_SERVICES_TAGS, EC2ContainerServiceResponse

    def describe_services(self: Any) -> Any:
        names = self._get_param("services", [])
        if len(names) > 10:
            raise InvalidParameterException(MSG_TOO_MANY_SERVICES)
        backend = self.ecs_backend
        services, failures = backend.describe_services(self._get_param("cluster", "default"), names)
        shown = []
        for service in services:
            view = _reader_view(service)
            if view is _MISSING:
                failures.append({"arn": service.arn, "reason": "MISSING"})
                continue
            _poll(backend, service)
            shown.append(service if view is service else view)
        if "TAGS" in self._get_param("include", []):
            self._include_in_response(DESCRIBE_SERVICES_TAGS)
        else:
            self._exclude_from_response(DESCRIBE_SERVICES_TAGS)
        return ActionResult({"services": shown, "failures": failures})

    EC2ContainerServiceResponse.describe_services = describe_services


@_patch
def patch_ecs_update_service_stale_snapshot() -> None:
    """UpdateService keeps what DescribeServices showed before it, for the stale window.

    AWS: see patch_ecs_describe_services_missing_and_stale (stale reads after an update).
    moto: no history.
    Patch: wrap the UpdateService handler (outermost): before the update, copy the service as
    DescribeServices would return it now (or MISSING); after a successful update, keep the copy
    and mark the update time. The UpdateService response itself is current, as AWS's is.
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    inner = EC2ContainerServiceResponse.update_service

    def update_service(self: Any) -> Any:
        service, stale = None, None
        if realism.window("stale") > 0:
            try:
                service = _service_of(self.ecs_backend, self._get_param("cluster", "default"),
                                      self._get_param("service"))
                view = _reader_view(service)
                stale = _snapshot(service) if view is service else view
            except Exception:  # moto raises the proper error below
                service = None
        result = inner(self)
        if service is not None:
            service._ecsctl_stale = stale
            realism.mark(service, "updated")
        return result

    EC2ContainerServiceResponse.update_service = update_service


@_patch
def patch_ecs_delete_service_draining() -> None:
    """DeleteService: DRAINING for the `drain` window, then INACTIVE; listed until INACTIVE.

    AWS: DeleteService stops the service's tasks and leaves it DRAINING until they are gone,
    then INACTIVE (DeleteService API reference; aws/aws-cli #1334 shows a DRAINING service with
    desiredCount 0). ListServices returns ACTIVE and DRAINING services, not INACTIVE ones;
    DescribeServices still returns INACTIVE ones.
    moto: `delete_service` makes the service INACTIVE at once; its tasks do not exist.
    Patch: wrap the response handler: after moto's checks (force / scaled above 0), the service
    is DRAINING with desiredCount 0, its tasks stop now (event "has stopped N running tasks"),
    and it turns INACTIVE `drain` later. Deleting a service that is not ACTIVE changes nothing.
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    inner = EC2ContainerServiceResponse.delete_service

    def delete_service(self: Any) -> Any:
        backend = self.ecs_backend
        cluster, name = self._get_param("cluster", "default"), self._get_param("service")
        try:
            before = _service_of(backend, cluster, name).status
        except Exception:  # moto raises the proper error below
            before = None
        result = inner(self)
        service = _service_of(backend, cluster, name)
        if before != "ACTIVE":
            service.status = before or service.status
            return result
        now = realism.now()
        realism.mark(service, "deleted")
        service.status = "DRAINING"
        service.desired_count = 0
        primary = _primary(service)
        stopped = []
        for dep in _deps(service):
            dep.desired = 0
            for task in dep.alive():
                reason = f"Scaling activity initiated by (deployment {primary.id})" if primary else None
                _stop_task(backend, task, now, "ServiceSchedulerInitiated", reason)
                stopped.append(task)
        if stopped:
            _event(service, now, f"(service {service.name}) has stopped {len(stopped)} running "
                                 f"tasks: {_task_list(stopped)}.")
        _schedule(backend).at(now + realism.window("drain"), _act_inactive, backend, service)
        _tick(backend)
        _render(service)
        return result

    EC2ContainerServiceResponse.delete_service = delete_service


@_patch
def patch_ecs_create_service_draining() -> None:
    """CreateService of a name that is still DRAINING fails.

    AWS: `InvalidParameterException: Unable to Start a service that is still Draining.`
    (spinnaker/spinnaker #5476, ewilde/faas-fargate #13, remind101/empire #341); once the old
    service is INACTIVE the name can be used again.
    moto: deleted services are INACTIVE at once, so the name is always free.
    Patch: in the CreateService handler, before anything is created, look the name up in the
    cluster (after the clock ran) and raise AWS's error while it is DRAINING.
    """
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.responses import EC2ContainerServiceResponse

    inner = EC2ContainerServiceResponse.create_service

    def create_service(self: Any) -> Any:
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster", "default"))
        existing = backend.services.get(f"{cluster.name}:{self._get_param('serviceName')}")
        if existing is not None and existing.status == "DRAINING":
            raise InvalidParameterException(MSG_DRAINING)
        return inner(self)

    EC2ContainerServiceResponse.create_service = create_service


@_patch
def patch_ecs_create_service_client_token() -> None:
    """CreateService retried with the same clientToken and parameters returns the service.

    AWS: "If you retry a request that completed successfully using the same client token and
    the same parameters, the retry succeeds without performing any further actions." (ECS API
    reference, "Ensuring idempotency"). Without that token (or with other parameters) an
    existing ACTIVE name stays `InvalidParameterException: Creation of service was not
    idempotent.` (patch_ecs_create_service_not_idempotent).
    moto: ignores clientToken (and replaced the service before the patch above).
    Patch: record each new service's clientToken and request parameters; a CreateService whose
    token and other parameters equal those of the ACTIVE service of that name returns it
    unchanged (no second service, no new deployment).
    """
    from moto.core.responses import ActionResult
    from moto.ecs.responses import EC2ContainerServiceResponse

    inner = EC2ContainerServiceResponse.create_service

    def create_service(self: Any) -> Any:
        params = json.loads(self.body or "{}")
        token = params.pop("clientToken", None)
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster", "default"))
        key = f"{cluster.name}:{self._get_param('serviceName')}"
        existing = backend.services.get(key)
        if (token and existing is not None and existing.status == "ACTIVE"
                and existing.__dict__.get("_ecsctl_client_token") == token
                and existing.__dict__.get("_ecsctl_request") == params):
            return ActionResult({"service": existing})
        result = inner(self)
        service = backend.services[key]
        service._ecsctl_client_token = token
        service._ecsctl_request = params
        return result

    EC2ContainerServiceResponse.create_service = create_service


@_patch
def patch_ecs_delete_cluster_contents() -> None:
    """DeleteCluster fails while the cluster holds services or tasks.

    AWS: `ClusterContainsServicesException: The Cluster cannot be deleted while Services are
    active.` (aws/amazon-ecs-cli #368, rebuy-de/aws-nuke #231) while an ACTIVE or DRAINING
    service is in it; `ClusterContainsTasksException: The Cluster cannot be deleted while Tasks
    are active.` (gruntwork-io/cloud-nuke #368, gchq/sleeper #4499) while a task in it is not
    STOPPED (DeleteCluster API reference, Errors).
    moto: `delete_cluster` always succeeds (and leaves negative task counters).
    Patch: check the cluster's services (after the clock ran: a drained service is INACTIVE)
    and tasks in the response handler before moto deletes it.
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    inner = EC2ContainerServiceResponse.delete_cluster

    def delete_cluster(self: Any) -> Any:
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster"))
        if any(s.cluster_name == cluster.name and s.status in ("ACTIVE", "DRAINING")
               for s in backend.services.values()):
            raise _ecs_error("ClusterContainsServicesException", MSG_CLUSTER_HAS_SERVICES)
        if any(t.last_status != "STOPPED" for t in backend.tasks.get(cluster.name, {}).values()):
            raise _ecs_error("ClusterContainsTasksException", MSG_CLUSTER_HAS_TASKS)
        return inner(self)

    EC2ContainerServiceResponse.delete_cluster = delete_cluster


@_patch
def patch_ecs_list_services_active_paged() -> None:
    """ListServices lists ACTIVE and DRAINING services, paged.

    AWS: INACTIVE services are not listed; "If this parameter [maxResults] isn't used, then
    ListServices returns up to 10 results and a nextToken value if applicable" (1..100;
    ListServices API reference); the token is opaque.
    moto: lists INACTIVE services too, ignores maxResults / nextToken (one page).
    Patch: replace the response handler: the cluster's services (launchType and
    schedulingStrategy filters as moto), minus INACTIVE, sorted by ARN, paged at
    realism.page_size(10) or maxResults when smaller, with an opaque nextToken.
    """
    from moto.core.responses import ActionResult
    from moto.ecs.responses import EC2ContainerServiceResponse

    def list_services(self: Any) -> Any:
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster", "default"))
        strategy, launch = self._get_param("schedulingStrategy"), self._get_param("launchType")
        arns = [
            s.arn for s in backend.services.values()
            if s.cluster_name == cluster.name and s.status != "INACTIVE"
            and (strategy is None or s.scheduling_strategy == strategy)
            and (launch is None or s.launch_type == launch)
        ]
        page, token = _ecs_page(self, arns, lambda a: a, 10)
        body: dict[str, Any] = {"serviceArns": page}
        if token:
            body["nextToken"] = token
        return ActionResult(body)

    EC2ContainerServiceResponse.list_services = list_services


@_patch
def patch_ecs_list_task_definitions_paged() -> None:
    """ListTaskDefinitions and ListTaskDefinitionFamilies page, sort and filter as AWS.

    AWS: both return up to 100 results and a nextToken (maxResults 1..100); ListTaskDefinitions
    filters on the exact family (familyPrefix) and status (default ACTIVE) and sorts by family
    then revision, ASC by default or DESC; ListTaskDefinitionFamilies filters by familyPrefix
    (a prefix) and status (default: ACTIVE and INACTIVE families; ACTIVE: families with an
    ACTIVE revision; INACTIVE: families without one). (ECS API reference.)
    moto: no paging; `sort` ignored; the families' `status` ignored.
    Patch: replace both response handlers; pages at realism.page_size(100) / maxResults.
    """
    from moto.core.responses import ActionResult
    from moto.ecs.responses import EC2ContainerServiceResponse

    def list_task_definitions(self: Any) -> Any:
        family = self._get_param("familyPrefix")
        status = self._get_param("status") or "ACTIVE"
        defs = [td for revisions in self.ecs_backend.task_definitions.values()
                for td in revisions.values()
                if (family is None or td.family == family) and td.status == status]
        reverse = (self._get_param("sort") or "ASC").upper() == "DESC"
        page, token = _ecs_page(self, defs, lambda td: [td.family, int(td.revision)], 100, reverse)
        body: dict[str, Any] = {"taskDefinitionArns": [td.arn for td in page]}
        if token:
            body["nextToken"] = token
        return ActionResult(body)

    def list_task_definition_families(self: Any) -> Any:
        prefix = self._get_param("familyPrefix") or ""
        status = self._get_param("status")
        families = []
        for family, revisions in self.ecs_backend.task_definitions.items():
            active = any(td.status == "ACTIVE" for td in revisions.values())
            if family.startswith(prefix) and (
                    status in (None, "ALL") or (status == "ACTIVE") == active):
                families.append(family)
        page, token = _ecs_page(self, families, lambda f: f, 100)
        body: dict[str, Any] = {"families": page}
        if token:
            body["nextToken"] = token
        return ActionResult(body)

    EC2ContainerServiceResponse.list_task_definitions = list_task_definitions
    EC2ContainerServiceResponse.list_task_definition_families = list_task_definition_families


@_patch
def patch_ecs_task_status_by_clock() -> None:
    """Tasks started by the emulator (RunTask on Fargate, service tasks) report their phase.

    AWS: a task's lastStatus follows its lifecycle in time: PROVISIONING, PENDING, RUNNING,
    ..., STOPPED (ECS developer guide, "Task lifecycle").
    moto: `Task.last_status` is a ManagedState that advances one step per DescribeTasks.
    Patch: `Task.last_status` returns the phase the timed actions set (`_ecsctl_phase`) for the
    emulator's tasks; other tasks keep moto's state machine.
    """
    from moto.ecs.models import Task

    original = Task.last_status

    def get(self: Any) -> str:
        phase = self.__dict__.get("_ecsctl_phase")
        return phase if phase is not None else original.fget(self)

    def put(self: Any, value: str) -> None:
        if "_ecsctl_phase" in self.__dict__:
            self._ecsctl_phase = value
        else:
            original.fset(self, value)

    Task.last_status = property(get, put)  # type: ignore[assignment]


@_patch
def patch_ecs_run_task_fargate() -> None:
    """RunTask starts Fargate tasks in awsvpc mode; they run over `task_run`, then stop.

    AWS: RunTask with `launchType: FARGATE` or a `capacityProviderStrategy` of FARGATE /
    FARGATE_SPOT (exclusive: both is an InvalidParameterException) needs a networkConfiguration
    for awsvpc, returns the tasks (`lastStatus` PROVISIONING, `launchType` FARGATE,
    `capacityProviderName` with a strategy, an ENI attachment, the tags it was given); the task
    then goes PENDING, RUNNING and STOPPED with `stopCode`, `stoppedReason` and each container's
    `exitCode` (or, when it never started, `stopCode: TaskFailedToStart` and no exit code).
    moto: `run_task` with FARGATE crashes (HTTP 500): without container-level memory in
    `_calculate_task_resource_requirements` (TypeError), with it on the ENI's missing
    `private_dns_name` (AttributeError); a capacity provider strategy is ignored, so the task
    takes the EC2 path ("No instances found"); tasks jump straight to STOPPED on first read and
    containers never stop or exit.
    Patch: a Fargate path in the RunTask handler (no resource arithmetic, the ENI given a
    private DNS name as EC2 names it); the lifecycle is timed by the `task_run` window:
    PROVISIONING (the RunTask response), PENDING at 10 %, RUNNING at 20 %, STOPPED at 100 %
    (instant mode: STOPPED from the next request on). The exit code is the test's choice:
    tag `ecsctl-emulator:exit-code=N` on RunTask, or env var `ECSCTL_EMULATOR_EXIT_CODE=N` in
    the main container (override or task definition); default 0. The value `start-failed`
    makes the task fail to start (CannotPullContainerError) at 20 %.
    """
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.moto_api import state_manager

    if not hasattr(NetworkInterface, "private_dns_name"):
        def private_dns_name(self: Any) -> str:
            ip = (self.private_ip_address or "10.0.0.1").replace(".", "-")
            return f"ip-{ip}.{self.ec2_backend.region_name}.compute.internal"

        NetworkInterface.private_dns_name = property(private_dns_name)  # type: ignore[attr-defined]
    # moto's own (EC2) tasks: one lifecycle state per DescribeTasks instead of straight to
    # STOPPED on the first read.
    state_manager.register_default_transition(
        model_name="ecs::task", transition={"progression": "manual", "times": 1}
    )

    original_run = EC2ContainerServiceResponse.run_task

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
        now = realism.now()
        tasks = []
        for _ in range(self._get_int_param("count", 1)):
            task = _new_task(backend, cluster, td, network,
                             started_by=self._get_param("startedBy") or "",
                             group=self._get_param("group") or f"family:{td.family}",
                             tags=tags, launch_type="FARGATE", provider=provider,
                             platform_version=self._get_param("platformVersion"),
                             overrides=overrides)
            task._ecsctl_exit = _exit_control(td, overrides, tags)
            _task_timeline(backend, task, now)
            tasks.append(task)
        # no _tick here: the response shows PROVISIONING, as AWS's does
        return ActionResult({"tasks": tasks, "failures": []})

    EC2ContainerServiceResponse.run_task = run_task


def _task_timeline(backend: Any, task: Any, now: float) -> None:
    sched = _schedule(backend)
    run = realism.window("task_run")
    sched.at(now + run * 0.1, _act_task_phase, task, "PENDING")
    if task._ecsctl_exit == "start-failed":
        sched.at(now + run * 0.2, _act_task_exit, backend, task)
        return
    sched.at(now + run * 0.2, _act_task_phase, task, "RUNNING")
    sched.at(now + run, _act_task_exit, backend, task)


def _act_task_phase(when: float, task: Any, phase: str) -> None:
    _task_phase(task, phase, when)


def _act_task_exit(when: float, backend: Any, task: Any) -> None:
    if task._ecsctl_phase == "STOPPED":
        return  # stopped by StopTask meanwhile
    control = task._ecsctl_exit
    if control == "start-failed":
        _task_failed_to_start(backend, task, when)
        return
    _stop_task(backend, task, when, "EssentialContainerExited", "Essential container in task exited")
    task.execution_stopped_at = task.stopped_at
    for c in task.containers:
        c.exitCode = int(control)


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


@_patch
def patch_ecs_list_tasks_filters_paged() -> None:
    """ListTasks filters as the API says (default desiredStatus RUNNING) and pages.

    AWS: ListTasks filters by cluster, family, startedBy, serviceName, launchType, container
    instance and desiredStatus; "The default status filter is RUNNING"; STOPPED lists recently
    stopped tasks; up to 100 results and a nextToken (maxResults 1..100). (ListTasks API
    reference.) Service tasks are listed (startedBy = the deployment id, group
    `service:NAME`).
    moto: without desiredStatus every task is listed, stopped ones included; serviceName is
    ignored ("TODO"); family matches only ACTIVE revisions; no paging.
    Patch: replace the response handler: the cluster's tasks, every filter applied (serviceName
    through the task group ECS gives service tasks), sorted by ARN, paged at
    realism.page_size(100) / maxResults with an opaque nextToken.
    """
    from moto.core.responses import ActionResult
    from moto.ecs.responses import EC2ContainerServiceResponse

    def list_tasks(self: Any) -> Any:
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster", "default"))
        family = self._get_param("family")
        started_by = self._get_param("startedBy")
        service = self._get_param("serviceName")
        launch = self._get_param("launchType")
        instance = self._get_param("containerInstance")
        desired = self._get_param("desiredStatus") or "RUNNING"
        arns = [
            t.task_arn for t in backend.tasks.get(cluster.name, {}).values()
            if t.desired_status == desired
            and (family is None or t.task_definition_arn.split("/")[-1].split(":")[0] == family)
            and (started_by is None or t.started_by == started_by)
            and (service is None or t.group == f"service:{service.split('/')[-1]}")
            and (launch is None or t.launch_type == launch)
            and (instance is None or instance in (t.container_instance_arn or ""))
        ]
        page, token = _ecs_page(self, arns, lambda a: a, 100)
        body: dict[str, Any] = {"taskArns": page}
        if token:
            body["nextToken"] = token
        return ActionResult(body)

    EC2ContainerServiceResponse.list_tasks = list_tasks


@_patch
def patch_ecs_stop_task() -> None:
    """StopTask stops a task now (stopCode UserInitiated); unknown tasks are an error.

    AWS: StopTask stops the task (`stopCode: UserInitiated`, `stoppedReason` = the reason
    given); a task that is not in the cluster is `InvalidParameterException: The referenced
    task was not found.` (griptape-ai/griptape-nodes-engine #1454, wazuh/wazuh #25439). A
    service replaces a stopped task of its PRIMARY deployment.
    moto: `stop_task` raises a plain Exception (HTTP 500) for unknown tasks and does not know
    the emulator's tasks' timeline.
    Patch: replace the response handler for tasks the emulator started (RunTask on Fargate,
    service tasks): stop them now (ENI released, Cloud Map instances deregistered `deregister`
    later) and let their service start a replacement; other tasks keep moto's stop.
    """
    from moto.core.responses import ActionResult
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.stop_task

    def stop_task(self: Any) -> Any:
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster", "default"))
        wanted = str(self._get_param("task") or "")
        task = next((t for arn, t in backend.tasks.get(cluster.name, {}).items()
                     if wanted and (arn == wanted or t.id == wanted.split("/")[-1])), None)
        if task is None:
            raise InvalidParameterException(MSG_TASK_NOT_FOUND)
        if "_ecsctl_phase" not in task.__dict__:
            return original(self)
        now = realism.now()
        _stop_task(backend, task, now, "UserInitiated", self._get_param("reason"))
        service = next((s for s in backend.services.values()
                        if s.cluster_name == cluster.name and task.group == f"service:{s.name}"
                        and any(task in d.tasks for d in _deps(s))), None)
        if service is not None and service.status == "ACTIVE":
            primary = _primary(service)
            if primary is not None and task in primary.tasks:
                _scale(backend, service, now)
                _tick(backend)
            _render(service)
        return ActionResult({"task": task})

    EC2ContainerServiceResponse.stop_task = stop_task


@_patch
def patch_ecs_capacity_provider_association() -> None:
    """A capacity provider strategy may only name providers associated with the cluster.

    AWS: "Only capacity providers that are already associated with a cluster ... can be used
    in a capacity provider strategy" (CapacityProviderStrategyItem API reference); otherwise
    `InvalidParameterException: The specified capacity provider strategy cannot contain a
    capacity provider that is not associated with the cluster. Associate the capacity provider
    with the cluster or specify a valid capacity provider and try again.` (quoted for RunTask in
    dask/dask-cloudprovider #328; CreateService / UpdateService validate the same strategy
    type, the same text is assumed there).
    moto: any provider name is accepted.
    Patch: wrap the CreateService, UpdateService and RunTask handlers (outermost) and check
    every strategy item against the cluster's capacityProviders (names or ARNs).
    """
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.responses import EC2ContainerServiceResponse

    def checked(inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def handler(self: Any) -> Any:
            strategy = self._get_param("capacityProviderStrategy") or []
            if strategy:
                cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
                associated = {p.split("/")[-1] for p in cluster.capacity_providers or []}
                for item in strategy:
                    if str(item.get("capacityProvider", "")).split("/")[-1] not in associated:
                        raise InvalidParameterException(MSG_PROVIDER_NOT_ASSOCIATED)
            return inner(self)

        return handler

    for name in ("create_service", "update_service", "run_task"):
        setattr(EC2ContainerServiceResponse, name, checked(getattr(EC2ContainerServiceResponse, name)))


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


def _sd_page(params: dict[str, Any], items: list[Any], key: Callable[[Any], Any]) -> Any:
    """A Cloud Map page (AWS: up to 100 results by default) or InvalidInput for a bad token."""
    from moto.servicediscovery.exceptions import InvalidInput

    try:
        return _page(items, key, 100, params.get("MaxResults"), params.get("NextToken"))
    except _InvalidToken:
        raise InvalidInput(MSG_BAD_TOKEN) from None


@_patch
def patch_servicediscovery_list_filters() -> None:
    """ListNamespaces and ListServices honour Filters and page with a working NextToken.

    AWS: ListNamespaces filters on TYPE, NAME and HTTP_NAME; ListServices on NAMESPACE_ID
    (condition EQ by default, also IN / BEGINS_WITH / BETWEEN where the API allows them); all
    filters must match. "If you don't specify a value for MaxResults, Cloud Map returns up to
    100" namespaces / services, with a NextToken for the rest (Cloud Map API reference).
    moto: `ServiceDiscoveryBackend.list_namespaces` / `list_services` ignore Filters ("not yet
    implemented"), MaxResults and NextToken, and return everything in the account.
    Patch: filter the backend's result in the response handlers, then page it (sorted by id) at
    realism.page_size(100) / MaxResults with an opaque NextToken; ListServices answers
    ServiceSummary objects as AWS does (no NamespaceId, with InstanceCount), where moto answered
    whole services. Stricter than before: the earlier version of this patch returned one unpaged
    list and dropped NextToken, and a client could read a namespace id from a summary.
    """
    from moto.servicediscovery.models import ServiceDiscoveryBackend
    from moto.servicediscovery.responses import ServiceDiscoveryResponse

    def namespace_field(ns: Any, name: str) -> str:
        if name == "TYPE":
            return ns.type
        if name == "NAME":
            return ns.name
        if name == "HTTP_NAME":
            return (ns.http_properties or {}).get("HttpName", "")
        return ""

    def list_namespaces(self: Any) -> Any:
        params = json.loads(self.body or "{}")
        filters = params.get("Filters") or []
        namespaces = [
            ns
            for ns in ServiceDiscoveryBackend.list_namespaces(self.servicediscovery_backend)
            if all(_matches_filter(namespace_field(ns, f.get("Name", "")), f) for f in filters)
        ]
        page, token = _sd_page(params, namespaces, lambda ns: ns.id)
        body: dict[str, Any] = {"Namespaces": [ns.to_json() for ns in page]}
        if token:
            body["NextToken"] = token
        return 200, {}, json.dumps(body)

    def list_services(self: Any) -> str:
        params = json.loads(self.body or "{}")
        filters = params.get("Filters") or []
        services = [
            s
            for s in self.servicediscovery_backend.list_services()
            if all(
                f.get("Name") == "NAMESPACE_ID" and _matches_filter(s.namespace_id, f)
                for f in filters
            )
        ]
        page, token = _sd_page(params, services, lambda s: s.id)
        body: dict[str, Any] = {"Services": [service_summary(self, s) for s in page]}
        if token:
            body["NextToken"] = token
        return json.dumps(body)

    def service_summary(self: Any, s: Any) -> dict[str, Any]:
        # AWS's ServiceSummary: no NamespaceId or CreatorRequestId (those are GetService's),
        # plus InstanceCount (API reference, ServiceSummary).
        summary = {k: v for k, v in s.to_json().items()
                   if k not in ("NamespaceId", "CreatorRequestId") and v is not None}
        summary["InstanceCount"] = len(getattr(s, "instances", None) or {})
        return summary

    ServiceDiscoveryResponse.list_namespaces = list_namespaces
    ServiceDiscoveryResponse.list_services = list_services


@_patch
def patch_servicediscovery_list_instances_paged() -> None:
    """ListInstances pages at 100 with an opaque NextToken.

    AWS: "If you don't specify a value for MaxResults, Cloud Map returns up to 100 instances"
    (ListInstances API reference).
    moto: returns everything unless MaxResults is sent; its NextToken is a plain offset.
    Patch: replace the response handler: the service's instances sorted by id, paged at
    realism.page_size(100) / MaxResults.
    """
    from moto.servicediscovery.responses import ServiceDiscoveryResponse

    def list_instances(self: Any) -> str:
        params = json.loads(self.body or "{}")
        instances = self.servicediscovery_backend.list_instances(service_id=params.get("ServiceId"))
        page, token = _sd_page(params, list(instances), lambda i: i.instance_id)
        body: dict[str, Any] = {"Instances": [i.to_json() for i in page]}
        if token:
            body["NextToken"] = token
        return json.dumps(body)

    ServiceDiscoveryResponse.list_instances = list_instances


@_patch
def patch_servicediscovery_ecs_clock() -> None:
    """Cloud Map requests see the ECS clock: due task stops / deregistrations happen first.

    AWS: ECS deregisters a stopped task's instance from Cloud Map on its own time; a Cloud Map
    read at time T sees the instances registered at T.
    moto: no link between ECS and Cloud Map.
    Patch: wrap `ServiceDiscoveryResponse.call_action`: under the account's ECS lock, run the
    ECS backend's due actions (if the account has one) before dispatching.
    """
    from moto.servicediscovery.responses import ServiceDiscoveryResponse

    def call_action(self: Any) -> Any:
        with _lock(self.current_account, self.region):
            backend = _existing_ecs_backend(self.current_account, self.region)
            if backend is not None:
                _tick(backend)
            return super(ServiceDiscoveryResponse, self).call_action()

    ServiceDiscoveryResponse.call_action = call_action


@_patch
def patch_servicediscovery_delete_service_in_use() -> None:
    """Cloud Map DeleteService fails while the service has registered instances.

    AWS: `ResourceInUse: Service contains registered instances; delete the instances before
    deleting the service` (terraform-provider-aws #4853, hashicorp/terraform #18264; DeleteService
    API reference: "If the service still contains one or more registered instances, the request
    fails."). ECS tasks of a service with serviceRegistries are such instances until ECS
    deregisters them after the task stops.
    moto: `delete_service` deletes it anyway.
    Patch: refuse in the backend while `service.instances` is not empty.
    """
    from moto.servicediscovery.models import ServiceDiscoveryBackend

    original = ServiceDiscoveryBackend.delete_service

    def delete_service(self: Any, service_id: str) -> None:
        service = self.services.get(service_id)
        if service is not None and service.instances:
            raise JsonRESTError("ResourceInUse", MSG_CLOUDMAP_IN_USE)
        original(self, service_id)

    ServiceDiscoveryBackend.delete_service = delete_service


@_patch
def patch_servicediscovery_namespace_creator_request_id() -> None:
    """CreatePrivateDnsNamespace repeated with the same CreatorRequestId is the same request.

    AWS (API reference, CreatePrivateDnsNamespace, CreatorRequestId): "A unique string that
    identifies the request and that allows failed CreatePrivateDnsNamespace requests to be
    retried without the risk of running the operation twice": the retry of a create whose
    response was lost answers the first request's OperationId.
    moto: creates a second namespace, or (one namespace per VPC, see docs/emulator.md) answers
    `ConflictingDomainExists`, which a retried create never meets on AWS.
    Patch: a namespace of that name with that CreatorRequestId answers its CREATE_NAMESPACE
    operation's id.
    """
    from moto.servicediscovery.models import ServiceDiscoveryBackend

    original = ServiceDiscoveryBackend.create_private_dns_namespace

    def create_private_dns_namespace(self: Any, name: str, creator_request_id: str,
                                     *args: Any, **kw: Any) -> Any:
        for ns in self.namespaces.values():
            if creator_request_id and ns.name == name and ns.creator_request_id == creator_request_id:
                for op_id, op in self.operations.items():
                    if op.targets.get("NAMESPACE") == ns.id and op.operation_type == "CREATE_NAMESPACE":
                        return op_id
                return self._create_operation("CREATE_NAMESPACE", targets={"NAMESPACE": ns.id})
        return original(self, name, creator_request_id, *args, **kw)

    ServiceDiscoveryBackend.create_private_dns_namespace = create_private_dns_namespace


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
    return PATCHES.apply_all()
