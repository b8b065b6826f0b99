"""ECS services' EBS volumes configured at deployment (docs/emulator.md, "EBS volumes"):
CreateService / UpdateService `volumeConfigurations`, checked as ECS checks them, kept on the
service as ECS keeps them, and reported on each deployment as DescribeServices reports them.

Owns the checks and the service's current volume configuration (`service._ecsctl_volumes`).
patches.py's deployment records copy it into each new deployment (`_inputs_of`) and render it
as `deployments[].volumeConfigurations`, so a changed configuration starts a deployment there.
Must not create EBS volumes or tasks' attachments (moto's tasks have none).

Applied BEFORE patches.py (server.py): these handlers are the inner ones patches.py's rollout
wraps, so the rollout sees the new configuration when it compares a deployment's inputs.
"""

from __future__ import annotations

import copy
from typing import Any

from patchset import PatchSet

PATCHES = PatchSet()
_patch = PATCHES.patch

# AWS's text (terraform-provider-aws #49185, go-to-k/cdkd #811).
MSG_NO_MATCH = ("Volume configuration provided but no matching configuredAtLaunch volume found "
                "in task definition.")
# Wording assumed (AWS publishes none): each names the field as the API reference does.
MSG_RANGE = "{field} must be between {low} and {high} for volume type {kind}."
MSG_NOT_FOR = "{field} is not supported for volume type {kind}."
MSG_NEEDS = "{field} is required for volume type {kind}."
MSG_SIZE_OR_SNAPSHOT = "Either sizeInGiB or snapshotId must be specified."
MSG_TYPE = "Invalid volume type {kind}. Valid types are gp2, gp3, io1, io2, sc1 and st1."

# ServiceManagedEBSVolumeConfiguration (ECS API reference): sizes, IOPS and throughput per type;
# `standard` (magnetic) is not supported on Fargate.
SIZES = {"gp2": (1, 16384), "gp3": (1, 16384), "io1": (4, 16384), "io2": (4, 16384),
         "st1": (125, 16384), "sc1": (125, 16384)}
IOPS = {"gp3": (3000, 16000), "io1": (100, 64000), "io2": (100, 256000)}
THROUGHPUT = {"gp3": (125, 1000)}


def _range(field: str, value: Any, bounds: tuple[int, int] | None, kind: str) -> None:
    from moto.ecs.exceptions import InvalidParameterException

    if value is None:
        return
    if bounds is None:
        raise InvalidParameterException(MSG_NOT_FOR.format(field=field, kind=kind))
    low, high = bounds
    if not low <= int(value) <= high:
        raise InvalidParameterException(MSG_RANGE.format(field=field, low=low, high=high,
                                                         kind=kind))


def _check_volume(handler: Any, ebs: dict[str, Any]) -> None:
    from moto.ecs.exceptions import InvalidParameterException

    import patches_strategies

    kind = ebs.get("volumeType") or "gp3"
    if kind not in SIZES:
        raise InvalidParameterException(MSG_TYPE.format(kind=kind))
    if ebs.get("sizeInGiB") is None and not ebs.get("snapshotId"):
        raise InvalidParameterException(MSG_SIZE_OR_SNAPSHOT)
    _range("sizeInGiB", ebs.get("sizeInGiB"), SIZES[kind], kind)
    _range("iops", ebs.get("iops"), IOPS.get(kind), kind)
    if kind in ("io1", "io2") and ebs.get("iops") is None:
        raise InvalidParameterException(MSG_NEEDS.format(field="iops", kind=kind))
    _range("throughput", ebs.get("throughput"), THROUGHPUT.get(kind), kind)
    patches_strategies.check_role(handler, ebs.get("roleArn") or "")


def _at_launch(backend: Any, task_definition: str | None) -> set[str]:
    """The names of the task definition's volumes configured at launch."""
    import patches

    td = patches.task_definition_or_none(backend, task_definition)
    return {v.get("name") for v in (td.volumes if td else None) or []
            if v.get("configuredAtLaunch") is True}


def _check(handler: Any, task_definition: str | None, configs: list[dict[str, Any]]) -> None:
    """What CreateService / UpdateService check of the volumes as they will be after the call."""
    from moto.ecs.exceptions import InvalidParameterException

    names = _at_launch(handler.ecs_backend, task_definition)
    for config in configs:
        if config.get("name") not in names:
            raise InvalidParameterException(MSG_NO_MATCH)
        if config.get("managedEBSVolume") is not None:
            _check_volume(handler, config["managedEBSVolume"])


def volumes_of(service: Any) -> list[dict[str, Any]]:
    """The service's current volume configuration (what its next deployment is given)."""
    return copy.deepcopy(service.__dict__.get("_ecsctl_volumes") or [])


@_patch
def patch_ecs_service_volume_configurations() -> None:
    """CreateService / UpdateService take `volumeConfigurations`, and each deployment reports
    the configuration it was made with.

    AWS: a volume configuration names a task definition volume with `configuredAtLaunch: true`,
    else InvalidParameterException "Volume configuration provided but no matching
    configuredAtLaunch volume found in task definition." (terraform-provider-aws #49185,
    go-to-k/cdkd #811); UpdateService without `volumeConfigurations` keeps the previous one
    ("If set to null, no new deployment is triggered"), so a new task definition without the
    volume and no configuration sent is refused the same way; an empty list removes it
    (developer guide, "Configure a service to no longer utilize Amazon EBS volumes"); a
    different configuration starts a new deployment (UpdateService API reference); the
    configuration is reported per deployment (`Deployment.volumeConfigurations`). The managed
    volume's settings are checked against the ranges ServiceManagedEBSVolumeConfiguration
    lists, and its role as every role ECS is given (patches_strategies.check_role).
    moto: ignores `volumeConfigurations` altogether.
    Patch: check the configuration as it will be after the call, then keep it on the service.
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    import patches

    create, update = (EC2ContainerServiceResponse.create_service,
                      EC2ContainerServiceResponse.update_service)

    def create_service(self: Any) -> Any:
        configs = self._get_param("volumeConfigurations") or []
        _check(self, self._get_param("taskDefinition"), configs)
        result = create(self)
        service = patches._service_of(self.ecs_backend, self._get_param("cluster", "default"),
                                      self._get_param("serviceName"))
        service._ecsctl_volumes = copy.deepcopy(configs)
        return result

    def update_service(self: Any) -> Any:
        service = patches.requested_service(self)
        if service is None:
            return update(self)
        sent = self._get_param("volumeConfigurations")
        configs = sent if sent is not None else volumes_of(service)
        _check(self, self._get_param("taskDefinition") or service.task_definition, configs)
        result = update(self)
        if sent is not None:
            service._ecsctl_volumes = copy.deepcopy(sent)
        return result

    EC2ContainerServiceResponse.create_service = create_service
    EC2ContainerServiceResponse.update_service = update_service


apply_all = PATCHES.apply_all
