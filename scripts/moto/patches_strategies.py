"""ECS deployment strategies (docs/emulator.md, "Deployment strategies"): BLUE_GREEN, LINEAR and
CANARY deployments with their stages over time, listener-rule weights moving in ELBv2, lifecycle
hooks represented by their outcome, and ECS's service deployments (ListServiceDeployments,
DescribeServiceDeployments) for every deployment, rolling ones included.

Owns: the checks CreateService / UpdateService make of the strategy fields, the blue/green
timeline (it replaces patches.py's `_launch` for those strategies; rollbacks still roll out as
patches.py does), the service-deployment records and the two read operations. moto already
stores and returns the strategy fields verbatim (deploymentConfiguration, loadBalancers[].
advancedConfiguration), so nothing here rewrites them. Must not change how rolling deployments
behave in DescribeServices (patches.py), nor CloudWatch or ELBv2 beyond the rules' weights.

Applied after patches.py, patches_elb.py and patches_alarms.py: it calls `patches._act_complete`
at the end of the bake time, which patches_alarms.py has wrapped, so an alarm in ALARM then
rolls a blue/green deployment back as it does a rolling one.
"""

from __future__ import annotations

import copy
import random
import string
import time
from typing import Any

import patches
import patches_elb
import patches_iam
import realism
from patchset import PatchSet

PATCHES = PatchSet()
_patch = PATCHES.patch

SHIFTING = ("BLUE_GREEN", "LINEAR", "CANARY")
# A lifecycle hook whose Lambda function's name ends so answers FAILED (moto cannot run
# functions); any other hook answers SUCCEEDED.
FAILING_HOOK_SUFFIX = "-fails"

# Wording assumed (AWS publishes none for these InvalidParameterExceptions): each names the
# field as the API reference does.
MSG_ADVANCED = ("The deployment strategy {strategy} requires advancedConfiguration with "
                "alternateTargetGroupArn, productionListenerRule and roleArn for each load "
                "balancer.")
MSG_RULE = "The listener rule or listener {arn} does not exist."
MSG_RANGE = "{field} must be between {low} and {high}."
MSG_TENTH = "{field} must be a multiple of 0.1."
MSG_TRUST = ("Unable to assume the role {arn}. Please verify that the role trusts "
             "ecs.amazonaws.com.")
MSG_TOO_MANY = "The serviceDeploymentArns list can contain at most 20 ARNs."


def _config(service: Any) -> dict[str, Any]:
    return getattr(service, "deployment_configuration", None) or {}


def _strategy(config: dict[str, Any]) -> str:
    return config.get("strategy") or "ROLLING"


# --- checks ---------------------------------------------------------------------------------

def _elb(account: str, region: str) -> Any:
    from moto.elbv2.models import elbv2_backends

    return elbv2_backends[account][region]


def _rule_or_listener(account: str, region: str, arn: str) -> Any | None:
    elb = _elb(account, region)
    try:
        if ":listener-rule/" in arn:
            return elb.describe_rules(listener_arn=None, rule_arns=[arn])[0]
        return elb.describe_listeners(load_balancer_arn=None, listener_arns=[arn])[0]
    except Exception:  # moto's RuleNotFound / ListenerNotFound
        return None


def _range(field: str, value: Any, low: float, high: float, tenth: bool = False) -> None:
    from moto.ecs.exceptions import InvalidParameterException

    if value is None:
        return
    if not low <= float(value) <= high:
        raise InvalidParameterException(MSG_RANGE.format(field=field, low=low, high=high))
    if tenth and abs(round(float(value) * 10) - float(value) * 10) > 1e-6:
        raise InvalidParameterException(MSG_TENTH.format(field=field))


def _check(handler: Any, config: dict[str, Any], lbs: list[Any]) -> None:
    """What CreateService / UpdateService check of the deployment as it will be."""
    account, region = handler.current_account, handler.region
    from moto.ecs.exceptions import InvalidParameterException

    strategy = _strategy(config)
    _range("bakeTimeInMinutes", config.get("bakeTimeInMinutes"), 0, 1440)
    linear = config.get("linearConfiguration") or {}
    _range("linearConfiguration.stepPercent", linear.get("stepPercent"), 3.0, 100.0, True)
    _range("linearConfiguration.stepBakeTimeInMinutes", linear.get("stepBakeTimeInMinutes"),
           0, 1440)
    canary = config.get("canaryConfiguration") or {}
    _range("canaryConfiguration.canaryPercent", canary.get("canaryPercent"), 0.1, 100.0, True)
    _range("canaryConfiguration.canaryBakeTimeInMinutes",
           canary.get("canaryBakeTimeInMinutes"), 0, 1440)
    roles = [h.get("roleArn") for h in config.get("lifecycleHooks") or []]
    if strategy in SHIFTING:
        for lb in lbs or []:
            adv = (lb or {}).get("advancedConfiguration") or {}
            if not all(adv.get(k) for k in ("alternateTargetGroupArn", "productionListenerRule",
                                             "roleArn")):
                raise InvalidParameterException(MSG_ADVANCED.format(strategy=strategy))
            # The alternate group as ECS checks the first one (patches_elb.py).
            patches_elb._check(account, region, [{"targetGroupArn": adv["alternateTargetGroupArn"]}])
            for key in ("productionListenerRule", "testListenerRule"):
                arn = adv.get(key)
                if arn and _rule_or_listener(account, region, arn) is None:
                    raise InvalidParameterException(MSG_RULE.format(arn=arn))
            roles.append(adv["roleArn"])
    for arn in [r for r in roles if r]:
        check_role(handler, arn)


def check_role(handler: Any, arn: str) -> None:
    """A role CreateService / UpdateService hands to ECS: it exists, IAM has propagated it,
    and it trusts ecs.amazonaws.com (also the infrastructure role of EBS volumes,
    patches_volumes.py)."""
    from moto.ecs.exceptions import ECSException, InvalidParameterException

    role = patches_iam.find_role(arn)
    if role is None:
        raise ECSException("ClientException", patches_iam.ROLE_NOT_VALID)
    if patches_iam.role_settling(role, "created"):
        raise ECSException("AccessDeniedException",
                           f"User: {patches_iam.caller_arn(handler)} is not authorized "
                           f"to perform: iam:PassRole on resource: {arn}")
    if not patches_iam.trusts(role, "ecs.amazonaws.com"):
        raise InvalidParameterException(MSG_TRUST.format(arn=arn))


@_patch
def patch_ecs_deployment_strategy_checks() -> None:
    """CreateService / UpdateService check the strategy's settings, its load balancers'
    advanced configuration and the roles ECS is given.

    AWS (ECS API reference: DeploymentConfiguration, LinearConfiguration, CanaryConfiguration,
    AdvancedConfiguration; developer guide "Application Load Balancer resources for blue/green,
    linear, and canary deployments"): bakeTimeInMinutes 0-1440; stepPercent 3.0-100.0 and
    canaryPercent 0.1-100.0 in multiples of 0.1; step and canary bake times 0-1440; a load
    balancer of a BLUE_GREEN, LINEAR or CANARY service needs the alternate target group, the
    production listener rule and the role; the alternate target group is checked as the first
    (it must exist and be forwarded to by a load balancer), the rules must exist; ECS assumes
    the role (trusted by ecs.amazonaws.com), and a role just created is refused as a PassRole
    AccessDenied until IAM has propagated it (as RegisterTaskDefinition, patches_iam.py).
    moto: stores any value. Wording of the range, rule and trust messages assumed.
    Patch: before moto's handler, check the configuration as it will be after the call (an
    UpdateService without deploymentConfiguration or loadBalancers keeps the service's).
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    create, update = EC2ContainerServiceResponse.create_service, EC2ContainerServiceResponse.update_service

    def create_service(self: Any) -> Any:
        _check(self, self._get_param("deploymentConfiguration") or {},
               self._get_param("loadBalancers") or [])
        return create(self)

    def update_service(self: Any) -> Any:
        service = patches.requested_service(self)
        if service is None:
            return update(self)
        config = self._get_param("deploymentConfiguration")
        lbs = self._get_param("loadBalancers")
        _check(self, config if config is not None else _config(service),
               lbs if lbs is not None else (service.load_balancers or []))
        return update(self)

    EC2ContainerServiceResponse.create_service = create_service
    EC2ContainerServiceResponse.update_service = update_service


# --- service deployments --------------------------------------------------------------------

class _Record:
    """One ECS service deployment: a deployment apply (or anyone) started, and the rollback
    that may follow it (AWS reports both as one service deployment)."""

    def __init__(self, service: Any, dep: Any, now: float) -> None:
        self.id = "".join(random.choices(string.ascii_letters + string.digits, k=21))
        cluster = service.cluster_arn.split("/")[-1]
        head = service.arn.split(":service/")[0]
        self.arn = f"{head}:service-deployment/{cluster}/{service.name}/{self.id}"
        self.dep = dep
        self.created = now
        self.started = now
        self.finished: float | None = None
        self.stage: str | None = "PRE_SCALE_UP" if _strategy(_config(service)) in SHIFTING \
            else "SCALE_UP"
        self.config = copy.deepcopy(_config(service))
        self.rollback: Any = None
        self.rollback_reason: str | None = None
        self.rollback_started: float | None = None
        self.sources = [d for d in patches._deps(service) if d is not dep]

    def status(self, service: Any) -> str:
        dep = self.dep
        if self.rollback is not None:
            return {"COMPLETED": "ROLLBACK_SUCCESSFUL", "FAILED": "ROLLBACK_FAILED"}.get(
                self.rollback.state, "ROLLBACK_IN_PROGRESS")
        if dep.state == "COMPLETED":
            return "SUCCESSFUL"
        if dep.state == "FAILED":
            return "STOPPED"
        if not patches._current(service, dep):
            return "STOPPED"  # a newer deployment replaced it before it completed
        return "IN_PROGRESS"


def _records(service: Any) -> list[_Record]:
    return service.__dict__.setdefault("_ecsctl_records", [])


def _record_of(service: Any, dep: Any) -> _Record | None:
    return next((r for r in _records(service) if r.dep is dep), None)


def _revision_arn(service: Any, dep: Any) -> str:
    # The service revision's id is the deployment's number (AWS CLI examples: revision
    # .../1485800978477494678 beside deployment ids of the form ecs-svc/NNNNNNNNNNNNNNNNNNN).
    head = service.arn.split(":service/")[0]
    cluster = service.cluster_arn.split("/")[-1]
    return f"{head}:service-revision/{cluster}/{service.name}/{dep.id.split('/')[-1]}"


def _summary(service: Any, dep: Any) -> dict[str, Any]:
    return {"arn": _revision_arn(service, dep), "requestedTaskCount": dep.desired,
            "runningTaskCount": dep.count("RUNNING"),
            "pendingTaskCount": dep.count("PENDING") + dep.count("PROVISIONING")}


def _full(service: Any, r: _Record) -> dict[str, Any]:
    status = r.status(service)
    done = status in ("SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED")
    if done and r.finished is None:
        r.finished = realism.now()
    out: dict[str, Any] = {
        "serviceDeploymentArn": r.arn,
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "createdAt": patches._wall(r.created),
        "startedAt": patches._wall(r.started),
        "updatedAt": r.dep.updated,
        "sourceServiceRevisions": [_summary(service, d) for d in r.sources],
        "targetServiceRevision": _summary(service, r.dep),
        "status": status,
        "deploymentConfiguration": r.config,
        "deploymentCircuitBreaker": {"status": "MONITORING_COMPLETE" if done else "MONITORING",
                                     "failureCount": r.dep.failed, "threshold": 3},
    }
    alarms = (r.config.get("alarms") or {})
    triggered = [n for n in alarms.get("alarmNames") or [] if n in (r.dep.reason or "")]
    out["alarms"] = {"status": "DISABLED"} if not alarms.get("enable") else {
        "status": "TRIGGERED" if triggered else ("MONITORING_COMPLETE" if done else "MONITORING"),
        "alarmNames": alarms.get("alarmNames") or [], "triggeredAlarmNames": triggered}
    if status != "SUCCESSFUL" and r.dep.reason and (done or status.startswith("ROLLBACK")):
        out["statusReason"] = r.dep.reason
    if not done and r.stage:
        out["lifecycleStage"] = r.stage
    if done:
        out["finishedAt" if status != "STOPPED" else "stoppedAt"] = patches._wall(r.finished)
    if r.rollback is not None:
        out["rollback"] = {"reason": r.rollback_reason, "startedAt":
                           patches._wall(r.rollback_started or r.created),
                           "serviceRevisionArn": _revision_arn(service, r.rollback)}
    return out


def _epoch(when: float) -> float:
    """The epoch seconds of the monotonic instant `when` (as `patches._wall`)."""
    return time.time() - max(0.0, realism.now() - when)


def _seconds(value: Any) -> float | None:
    """A request timestamp (moto parses it to a datetime; a number is epoch seconds)."""
    if value is None:
        return None
    if hasattr(value, "timestamp"):
        from datetime import timezone
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()
    return float(value)


def _is_rollback(dep: Any) -> bool:
    return bool(getattr(dep, "_ecsctl_rollback", False)) or "rolling back" in (dep.reason or "")


# --- the blue/green timeline ----------------------------------------------------------------

def _minutes(value: Any) -> float:
    """A bake time of `value` minutes as the emulator's seconds (the `bake_minute` window)."""
    return float(value or 0) * realism.window("bake_minute")


def _steps(config: dict[str, Any]) -> list[tuple[float, float]]:
    """The production shifts as (seconds after the first, green weight)."""
    strategy = _strategy(config)
    if strategy == "LINEAR":
        linear = config.get("linearConfiguration") or {}
        step = float(linear.get("stepPercent", 10.0))
        wait = _minutes(linear.get("stepBakeTimeInMinutes", 6))
        out, weight, at = [], 0.0, 0.0
        while weight < 100.0:
            weight = min(100.0, round(weight + step, 1))
            out.append((at, weight))
            at += wait
        return out
    if strategy == "CANARY":
        canary = config.get("canaryConfiguration") or {}
        return [(0.0, float(canary.get("canaryPercent", 5.0))),
                (_minutes(canary.get("canaryBakeTimeInMinutes", 10)), 100.0)]
    return [(0.0, 100.0)]


def _weigh(backend: Any, arn: str | None, blue: str, green: str, green_weight: float) -> None:
    """Points a listener rule (or an NLB listener's default action) at the pair by weight."""
    if not arn:
        return
    elb = _elb(backend.account_id, backend.region_name)
    g = int(round(green_weight))
    action = [{"Type": "forward", "ForwardConfig": {"TargetGroups": [
        {"TargetGroupArn": blue, "Weight": 100 - g}, {"TargetGroupArn": green, "Weight": g}]}}]
    target = _rule_or_listener(backend.account_id, backend.region_name, arn)
    if target is None:
        return
    if ":listener-rule/" in arn:
        elb.modify_rule(arn, [], action)
    else:
        elb.modify_listener(arn, actions=action)


def _back_to_blue(backend: Any, pairs: list[tuple[str, str, str, str | None]]) -> None:
    """A rollback: the production and test rules forward all traffic to blue again."""
    for blue, green, prod, test in pairs:
        _weigh(backend, prod, blue, green, 0)
        _weigh(backend, test, blue, green, 0)


def _pairs(service: Any) -> list[tuple[str, str, str, str | None]]:
    """(blue, green, production rule, test rule) per load balancer with advanced settings."""
    out = []
    for lb in service.load_balancers or []:
        adv = lb.get("advancedConfiguration") or {}
        if adv.get("alternateTargetGroupArn") and adv.get("productionListenerRule"):
            out.append((lb["targetGroupArn"], adv["alternateTargetGroupArn"],
                        adv["productionListenerRule"], adv.get("testListenerRule")))
    return out


def _live(service: Any, dep: Any) -> bool:
    return patches._current(service, dep) and dep.state == "IN_PROGRESS"


def _stage(when: float, backend: Any, service: Any, dep: Any, stage: str) -> bool:
    """Enters `stage`; runs its hooks. False when the deployment is over (or a hook failed)."""
    if not _live(service, dep):
        return False
    record = _record_of(service, dep)
    if record is not None:
        record.stage = stage
    for hook in (record.config if record else _config(service)).get("lifecycleHooks") or []:
        if stage not in (hook.get("lifecycleStages") or []):
            continue
        function = (hook.get("hookTargetArn") or "").split(":function:")[-1].split(":")[0]
        if function.endswith(FAILING_HOOK_SUFFIX):
            _hook_failed(when, backend, service, dep, hook["hookTargetArn"], stage)
            return False
    dep.updated = patches._wall(when)
    patches._render(service)
    return True


def _hook_failed(when: float, backend: Any, service: Any, dep: Any, target: str,
                 stage: str) -> None:
    """A hook answered FAILED: production goes back to blue and ECS rolls back."""
    _back_to_blue(backend, _pairs(service))
    for task in dep.alive():
        patches._stop_task(backend, task, when, "ServiceSchedulerInitiated",
                           f"Scaling activity initiated by (deployment {dep.id})")
    dep.state = "FAILED"
    dep.reason = (f"ECS deployment {dep.id} failed: lifecycle hook {target} returned FAILED at "
                  f"{stage}.")
    dep.updated = patches._wall(when)
    patches._event(service, when, f"(service {service.name}) (deployment {dep.id}) deployment "
                                  f"failed: lifecycle hook {target} failed at {stage}.")
    patches.roll_back(when, backend, service, dep,
                      f"ECS deployment {dep.id} rolled back: rolling back to deploymentId {{good}}.")
    patches._render(service)


def _green_running(when: float, backend: Any, service: Any, dep: Any) -> None:
    """The new revision's tasks run beside the old ones (nothing is stopped yet)."""
    if not _live(service, dep):
        return
    for task in dep.tasks:
        if task._ecsctl_phase in ("PROVISIONING", "PENDING"):
            patches._task_running(task, when)
            patches._register(backend, service, task)
    dep.updated = patches._wall(when)
    patches._render(service)
    for stage in ("POST_SCALE_UP", "TEST_TRAFFIC_SHIFT"):
        if not _stage(when, backend, service, dep, stage):
            return
    for blue, green, _, test in _pairs(service):
        _weigh(backend, test, blue, green, 100)
    _stage(when, backend, service, dep, "POST_TEST_TRAFFIC_SHIFT")


def _shift(when: float, backend: Any, service: Any, dep: Any, weight: float, last: bool) -> None:
    if not _live(service, dep):
        return
    if not _stage(when, backend, service, dep, "PRE_PRODUCTION_TRAFFIC_SHIFT"):
        return
    if not _stage(when, backend, service, dep, "PRODUCTION_TRAFFIC_SHIFT"):
        return
    for blue, green, prod, _ in _pairs(service):
        _weigh(backend, prod, blue, green, weight)
    if last and _stage(when, backend, service, dep, "POST_PRODUCTION_TRAFFIC_SHIFT"):
        _stage(when, backend, service, dep, "BAKE_TIME")


def _finish(when: float, backend: Any, service: Any, dep: Any) -> None:
    """End of the bake time: CLEAN_UP, the old revision stops (patches._act_complete, wrapped by
    the alarms check), and the two target groups trade places in the service's description."""
    if not _live(service, dep):
        return
    record = _record_of(service, dep)
    if record is not None:
        record.stage = "CLEAN_UP"
    pairs = _pairs(service)
    patches._act_complete(when, backend, service, dep)
    if dep.state == "COMPLETED":
        for lb in service.load_balancers or []:
            adv = lb.get("advancedConfiguration") or {}
            if adv.get("alternateTargetGroupArn"):
                lb["targetGroupArn"], adv["alternateTargetGroupArn"] = \
                    adv["alternateTargetGroupArn"], lb["targetGroupArn"]
        dep.inputs["load_balancers"] = copy.deepcopy(service.load_balancers or [])
    else:  # an alarm rolled it back: production returns to blue
        _back_to_blue(backend, pairs)
    patches._render(service)


def _scale_up(when: float, backend: Any, service: Any, dep: Any) -> None:
    _stage(when, backend, service, dep, "SCALE_UP")


def _launch_shifting(backend: Any, service: Any, dep: Any, now: float) -> None:
    sched = patches._schedule(backend)
    config = _config(service)
    half = realism.window("rollout") / 2
    sched.at(now, patches._act_start, backend, service, dep)
    sched.at(now, _scale_up, backend, service, dep)
    start = now + half
    sched.at(start, _green_running, backend, service, dep)
    # Test traffic runs for another half window before production moves.
    shifts = start + half
    steps = _steps(config)
    for i, (offset, weight) in enumerate(steps):
        sched.at(shifts + offset, _shift, backend, service, dep, weight, i == len(steps) - 1)
    end = shifts + steps[-1][0] + _minutes(config.get("bakeTimeInMinutes"))
    sched.at(end, _finish, backend, service, dep)


@_patch
def patch_ecs_deployment_strategies() -> None:
    """BLUE_GREEN, LINEAR and CANARY deployments go through ECS's lifecycle stages, move the
    listener rules' weights, run the hooks and bake; every deployment is a service deployment.

    AWS (developer guide "Amazon ECS blue/green deployments", "linear deployments", "canary
    deployments", "Lifecycle hooks for Amazon ECS service deployments"; API reference
    ServiceDeployment, DeploymentLifecycleHook): the new (green) revision is scaled up beside
    the current (blue) one (PRE_SCALE_UP, SCALE_UP, POST_SCALE_UP), test traffic moves to it
    (TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT), then production traffic, all at once, in
    linear steps of stepPercent every stepBakeTimeInMinutes, or canaryPercent first and the
    rest after canaryBakeTimeInMinutes (PRE_PRODUCTION_TRAFFIC_SHIFT and
    PRODUCTION_TRAFFIC_SHIFT at every step, then POST_PRODUCTION_TRAFFIC_SHIFT); ECS does this
    by changing the forward weights of the production (and test) listener rule; both revisions
    run through BAKE_TIME (bakeTimeInMinutes), then CLEAN_UP stops blue. A hook answering FAILED
    rolls the deployment back: traffic returns to blue. The service deployment's status is
    IN_PROGRESS, then SUCCESSFUL, or ROLLBACK_IN_PROGRESS / ROLLBACK_SUCCESSFUL with the
    rollback's reason.
    moto: no strategies, no stages, rules never change.
    Patch: `patches._launch` runs this timeline for those strategies (rollbacks still roll out
    as patches.py does): tasks start at once, run at half the `rollout` window (old ones keep
    running) with test traffic, production shifts start at the end of the window and follow at
    the strategy's step times, the bake ends the deployment. A
    minute of bake or step time lasts the `bake_minute` window (instant mode: 0, so all of it
    happens within the request). Assumed where AWS documents nothing: a hook is represented by
    its outcome, FAILED for a function whose name ends in `-fails`, SUCCEEDED otherwise (moto
    cannot run Lambda functions); at the end the service's `loadBalancers` show the pair traded
    (targetGroupArn is the group now serving production: ECS alternates the groups between
    deployments, terraform-provider-aws #45678, so a client must accept either order).
    """
    launch = patches._launch
    deploy = patches._deploy

    def _launch(backend: Any, service: Any, dep: Any, now: float) -> None:
        if _is_rollback(dep):
            failed = next((r for r in reversed(_records(service))
                           if r.dep.state == "FAILED" and r.rollback is None), None)
            if failed is not None:
                failed.rollback = dep
                failed.rollback_reason = failed.dep.reason
                failed.rollback_started = now
        if _strategy(_config(service)) in SHIFTING and not _is_rollback(dep):
            _launch_shifting(backend, service, dep, now)
        else:
            launch(backend, service, dep, now)

    def _deploy(backend: Any, service: Any, now: float) -> Any:
        # Recorded before the account's clock runs the timeline (the caller ticks after).
        dep = deploy(backend, service, now)
        _records(service).append(_Record(service, dep, now))
        return dep

    patches._launch = _launch
    patches._deploy = _deploy


@_patch
def patch_ecs_list_and_describe_service_deployments() -> None:
    """ListServiceDeployments and DescribeServiceDeployments answer from the service
    deployments above.

    AWS (API reference): ListServiceDeployments takes `service` (required), `cluster`,
    `status` (a list), `createdAt` {before, after}, `maxResults`, `nextToken` and returns
    ServiceDeploymentBrief items (serviceDeploymentArn, serviceArn, clusterArn, startedAt,
    createdAt, finishedAt, targetServiceRevisionArn, status, statusReason), as the AWS CLI's
    example shows; DescribeServiceDeployments takes up to 20 ARNs and returns ServiceDeployment
    items and `failures`. The service deployment ARN is
    `arn:aws:ecs:REGION:ACCOUNT:service-deployment/CLUSTER/SERVICE/ID`, ID 21 letters and
    digits (AWS CLI example `ejGvqq2ilnbKT9qj0vLJe`).
    moto: neither operation exists (a 500).
    Assumed: newest first; the default page size 20; a failure's reason `MISSING` (as
    DescribeServices'); a deployment replaced before it completed, or failed without a
    rollback, is STOPPED; rolling deployments report SCALE_UP while in progress.
    """
    from moto.core.responses import ActionResult
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.responses import EC2ContainerServiceResponse

    def list_service_deployments(self: Any) -> Any:
        backend = self.ecs_backend
        service = patches._service_of(backend, self._get_param("cluster", "default"),
                                      self._get_param("service"))
        wanted = set(self._get_param("status") or [])
        window = self._get_param("createdAt") or {}
        items = []
        for r in _records(service):
            created = _epoch(r.created)
            after, before = _seconds(window.get("after")), _seconds(window.get("before"))
            if (after is not None and created < after) or (before is not None and created > before):
                continue
            status = r.status(service)
            if wanted and status not in wanted:
                continue
            items.append((created, r, status))
        page, token = patches._ecs_page(self, items, lambda x: [x[0], x[1].id], 20, reverse=True)
        out = []
        for _, r, status in page:
            full = _full(service, r)
            brief = {k: full[k] for k in ("serviceDeploymentArn", "serviceArn", "clusterArn",
                                          "startedAt", "createdAt", "status") if k in full}
            brief["targetServiceRevisionArn"] = full["targetServiceRevision"]["arn"]
            for k in ("finishedAt", "statusReason"):
                if k in full:
                    brief[k] = full[k]
            out.append(brief)
        result: dict[str, Any] = {"serviceDeployments": out}
        if token:
            result["nextToken"] = token
        return ActionResult(result)

    def describe_service_deployments(self: Any) -> Any:
        backend = self.ecs_backend
        arns = self._get_param("serviceDeploymentArns") or []
        if len(arns) > 20:
            raise InvalidParameterException(MSG_TOO_MANY)
        found, failures = [], []
        for arn in arns:
            hit = None
            for service in backend.services.values():
                for r in service.__dict__.get("_ecsctl_records", []):
                    if r.arn == arn:
                        hit = (service, r)
            if hit is None:
                failures.append({"arn": arn, "reason": "MISSING"})
            else:
                found.append(_full(*hit))
        return ActionResult({"serviceDeployments": found, "failures": failures})

    EC2ContainerServiceResponse.list_service_deployments = list_service_deployments
    EC2ContainerServiceResponse.describe_service_deployments = describe_service_deployments


apply_all = PATCHES.apply_all
