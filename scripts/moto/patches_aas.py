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


apply_all = PATCHES.apply_all
