"""Application Auto Scaling realism: AAS does not see a new ECS service at once (docs/emulator.md,
"Realistic mode", "IAM, Application Auto Scaling, Scheduler, faults and paging")."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

import realism
from patchset import PatchSet



PATCHES = PatchSet()
_patch = PATCHES.patch


def service_age(service: Any) -> float | None:
    """Seconds since the ECS service was created: `realism.mark(service, "created")` (set by the
    ECS side's CreateService patch), else its `created_at` (set by patches.py), else None."""
    age = realism.age(service, "created")
    if age is not None:
        return age
    created = getattr(service, "created_at", None)
    if isinstance(created, datetime):
        now = datetime.now(timezone.utc) if created.tzinfo else datetime.utcnow()
        return (now - created).total_seconds()
    return None


@_patch
def patch_aas_register_new_ecs_service() -> None:
    """RegisterScalableTarget for an ECS service created moments ago fails as if it did not exist.

    AWS: Application Auto Scaling validates the ECS service, and right after CreateService it can
    still answer `ValidationException: ECS service doesn't exist: service/CLUSTER/NAME`
    (terraform-provider-aws PR #11693, "Automatically retry creation on `ValidationException: ECS
    service doesn't exist` for ECS eventual consistency", whose failing acceptance test printed
    `ValidationException: ECS service doesn't exist: service/tf-ecs-cluster-g2sk8/tf-ecs-service-g2sk8`;
    spinnaker/spinnaker#4371 for the same race). The API reference: "If you call the
    RegisterScalableTarget API operation to create a scalable target, there might be a brief
    delay until the operation achieves eventual consistency."
    moto: validates the service against the ECS backend, which knows it at once (same message
    for a service that really does not exist).
    Patch: wrap the response handler; for `ServiceNamespace=ecs` and `ResourceId
    service/CLUSTER/NAME`, a service younger than `aas_lag` gets AWS's ValidationException.
    """
    from moto.applicationautoscaling.exceptions import AWSValidationException
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
    from moto.ecs.models import ecs_backends

    original = ApplicationAutoScalingResponse.register_scalable_target

    def register_scalable_target(self: Any) -> Any:
        resource_id = self._get_param("ResourceId") or ""
        parts = resource_id.split("/")
        if self._get_param("ServiceNamespace") == "ecs" and len(parts) == 3 and parts[0] == "service":
            backend = ecs_backends[self.current_account][self.region]
            service = backend.services.get(f"{parts[1]}:{parts[2]}")
            age = None if service is None else service_age(service)
            if age is not None and age < realism.window("aas_lag"):
                raise AWSValidationException(f"ECS service doesn't exist: {resource_id}")
        return original(self)

    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target


def _target_registered(backend: Any, namespace: str, resource_id: str, dimension: str) -> bool:
    return resource_id in backend.targets.get(dimension, {}) and \
        backend.targets[dimension][resource_id].service_namespace == namespace


@_patch
def patch_aas_put_needs_a_registered_target() -> None:
    """PutScalingPolicy and PutScheduledAction need the scalable target registered first.

    AWS: `ObjectNotFoundException: No scalable target registered for service namespace: ecs,
    resource ID: service/poc-pricing/test-as, scalable dimension: ecs:service:DesiredCount` from
    PutScalingPolicy (ansible/ansible#35632; cloudposse/terraform-aws-ecs-cloudwatch-autoscaling
    #36, a policy created before its target); the API reference of both operations:
    ObjectNotFoundException "For any operation that depends on the existence of a scalable
    target, this exception is thrown if the scalable target with the specified service
    namespace, resource ID, and scalable dimension does not exist." PutScheduledAction's wording
    is assumed to be the same.
    moto: stores the policy or the scheduled action whether or not a target exists.
    Patch: wrap both response handlers; no target, no write: AWS's ObjectNotFoundException.
    """
    import json

    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
    from moto.core.exceptions import JsonRESTError

    def guard(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def handler(self: Any) -> Any:
            params = json.loads(self.body or "{}")
            namespace = params.get("ServiceNamespace") or ""
            resource_id = params.get("ResourceId") or ""
            dimension = params.get("ScalableDimension") or ""
            if not _target_registered(self.applicationautoscaling_backend, namespace,
                                      resource_id, dimension):
                raise JsonRESTError(
                    "ObjectNotFoundException",
                    f"No scalable target registered for service namespace: {namespace}, "
                    f"resource ID: {resource_id}, scalable dimension: {dimension}")
            return original(self)
        return handler

    ApplicationAutoScalingResponse.put_scaling_policy = guard(
        ApplicationAutoScalingResponse.put_scaling_policy)
    ApplicationAutoScalingResponse.put_scheduled_action = guard(
        ApplicationAutoScalingResponse.put_scheduled_action)


@_patch
def patch_aas_step_policy_lists_its_alarms() -> None:
    """A step scaling policy lists the CloudWatch alarms that act on it.

    AWS: DescribeScalingPolicies returns `Alarms` for a StepScaling policy: the alarm whose
    action is the policy (botocore's application-autoscaling examples-1.json, "To describe
    scaling policies": policy `web-app-cpu-gt-75` lists alarm `web-app-cpu-gt-75`). Deleting the
    policy leaves the alarm ("Deleting a step scaling policy deletes the underlying alarm
    action, but it does not delete the CloudWatch alarm associated with the scaling policy",
    Application Auto Scaling user guide, "Delete a step scaling policy").
    moto: lists only the alarms it made itself for target tracking; a step policy lists none.
    Patch: for a StepScaling policy, `Alarms` are the account's metric alarms whose
    AlarmActions name the policy's ARN, looked up when the policy is described (never stored on
    the policy, so deleting it or its target leaves them, as on AWS).
    """
    import moto.applicationautoscaling.responses as responses
    from moto.cloudwatch.models import cloudwatch_backends

    original = responses._build_alarms

    def _build_alarms(policy: Any) -> list[dict[str, str]]:
        if policy.policy_type != "StepScaling":
            return original(policy)
        alarms = cloudwatch_backends[policy.account_id][policy.region_name].alarms.values()
        return [{"AlarmARN": a.alarm_arn, "AlarmName": a.name} for a in alarms
                if policy.policy_arn in (a.alarm_actions or [])]

    responses._build_alarms = _build_alarms


apply_all = PATCHES.apply_all
