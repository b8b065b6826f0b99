"""ECS deployment alarms (docs/emulator.md, "Deployment alarms"): a service whose
`deploymentConfiguration.alarms` is enabled fails its deployment when a named CloudWatch alarm
is in ALARM, and rolls back to the last completed deployment when `rollback` is set.

Owns only this check, made where a rollout would complete (patches.py's `_act_complete`, which
it wraps, so it is applied after patches.py). Must not change CloudWatch (moto models alarms
and `SetAlarmState` as the API reference does).
"""

from __future__ import annotations

from typing import Any

import patches
from patchset import PatchSet

PATCHES = PatchSet()
_patch = PATCHES.patch


def _alarms_in_alarm(backend: Any, service: Any) -> list[str]:
    """The service's enabled deployment alarms that are in ALARM now."""
    from moto.cloudwatch.models import cloudwatch_backends

    config = (getattr(service, "deployment_configuration", None) or {}).get("alarms") or {}
    if not config.get("enable"):
        return []
    alarms = cloudwatch_backends[backend.account_id][backend.region_name].alarms
    return [n for n in config.get("alarmNames") or []
            if n in alarms and alarms[n].state_value == "ALARM"]


@_patch
def patch_ecs_deployment_alarms() -> None:
    """A deployment watched by CloudWatch alarms fails when one is in ALARM, and rolls back.

    AWS: "You can configure Amazon ECS to set the deployment to failed when it detects that a
    specified CloudWatch alarm has gone into the ALARM state. You can optionally set the
    configuration to roll back a failed deployment to the last completed deployment."; ECS
    watches the alarms during the deployment and a bake time after (ECS developer guide, "How
    CloudWatch alarms detect Amazon ECS deployment failures"; DeploymentAlarms data type).
    moto: stores `alarms` and ignores them: every deployment completes.
    Patch: where the rollout would complete, an enabled alarm in ALARM fails the deployment
    (rolloutState FAILED) and, with `rollback`, starts a deployment of the last completed one's
    inputs, as the circuit breaker's rollback does. The reason's wording is assumed (AWS
    publishes none): `ECS deployment {id} failed: CloudWatch alarm(s) {names} in ALARM state.`
    The alarm is checked once, at the end of the rollout (the bake time is not modelled); the
    rollback deployment itself is not checked again (else a still-firing alarm would roll back
    the rollback forever; AWS's documentation does not say, so this is the cautious reading).
    """
    complete = patches._act_complete

    def _act_complete(when: float, backend: Any, service: Any, dep: Any) -> None:
        # A rollback deployment is not watched again: it restores what last completed (and a
        # still-firing alarm would otherwise roll back the rollback, forever).
        rollback = getattr(dep, "_ecsctl_rollback", False) or "rolling back" in (dep.reason or "")
        firing = [] if rollback else _alarms_in_alarm(backend, service)
        if not firing or not patches._current(service, dep) or dep.state != "IN_PROGRESS":
            complete(when, backend, service, dep)
            return
        _fail(when, backend, service, dep, firing)

    patches._act_complete = _act_complete


def _fail(when: float, backend: Any, service: Any, dep: Any, firing: list[str]) -> None:
    names = ", ".join(firing)
    dep.state = "FAILED"
    dep.reason = f"ECS deployment {dep.id} failed: CloudWatch alarm(s) {names} in ALARM state."
    dep.updated = patches._wall(when)
    patches._event(service, when, f"(service {service.name}) (deployment {dep.id}) deployment "
                                  f"failed: alarm(s) {names} detected.")
    config = (getattr(service, "deployment_configuration", None) or {}).get("alarms") or {}
    if config.get("rollback"):
        patches.roll_back(when, backend, service, dep,
                          f"ECS deployment {dep.id} rolled back: rolling back to deploymentId "
                          "{good}.")
    patches._render(service)


apply_all = PATCHES.apply_all
