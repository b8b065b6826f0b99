"""ECS Service Connect (docs/emulator.md, "Service Connect"): CreateService / UpdateService
`serviceConnectConfiguration`, checked as ECS checks it, kept on the service as ECS keeps it,
and reported on each deployment as DescribeServices reports it.

Owns the checks and the service's current configuration (`service._ecsctl_service_connect`).
patches.py's deployment records copy it into each new deployment (`_inputs_of`) and render it
as `deployments[].serviceConnectConfiguration`, so a changed configuration starts a deployment.
Must not create the Cloud Map services ECS creates for Service Connect, nor a proxy container
(moto's tasks have none).

Applied BEFORE patches.py (server.py), as patches_volumes.py and for the same reason.
"""

from __future__ import annotations

import copy
from typing import Any

from patchset import PatchSet

PATCHES = PatchSet()
_patch = PATCHES.patch

# AWS's text for CreateService (aws/copilot-cli #4313, #4337, #4659, #5431); the UpdateService
# form is assumed to name its own operation.
MSG_IN_USE = "{op} error: SC service is already used by {namespace}"
# Wording assumed (AWS publishes none): each names the field as the API reference does.
MSG_NAMESPACE = "The namespace {namespace} was not found."
MSG_PORT_NAME = ("The portName {port} does not match the name of a portMapping in the task "
                 "definition.")
MSG_ALIASES = "Each Service Connect service needs exactly one clientAlias with a port."
MSG_BOTH = "Service Connect and serviceRegistries cannot both be used by a service."


def _namespace(account: str, region: str, name_or_arn: str) -> Any | None:
    from moto.servicediscovery.models import servicediscovery_backends

    for ns in servicediscovery_backends[account][region].namespaces.values():
        if name_or_arn in (ns.name, ns.arn):
            return ns
    return None


def _port_names(backend: Any, task_definition: str | None) -> set[str]:
    import patches

    td = patches.task_definition_or_none(backend, task_definition)
    return {m.get("name") for c in (td.container_definitions if td else None) or []
            for m in c.get("portMappings") or [] if m.get("name")}


def _discovery_names(config: dict[str, Any]) -> set[str]:
    return {s.get("discoveryName") or s.get("portName") for s in config.get("services") or []}


def _check(handler: Any, op: str, service_name: str, cluster: Any, task_definition: str | None,
           config: dict[str, Any], registries: list[Any]) -> dict[str, Any]:
    """What CreateService / UpdateService check of the configuration as it will be after the
    call; returns it as DescribeServices will report it (the namespace as its ARN)."""
    from moto.ecs.exceptions import InvalidParameterException

    if not config.get("enabled"):
        return copy.deepcopy(config)
    if registries:
        raise InvalidParameterException(MSG_BOTH)
    namespace = config.get("namespace") or ""
    ns = _namespace(handler.current_account, handler.region, namespace)
    if ns is None:
        raise InvalidParameterException(MSG_NAMESPACE.format(namespace=namespace))
    names = _port_names(handler.ecs_backend, task_definition)
    for s in config.get("services") or []:
        if s.get("portName") not in names:
            raise InvalidParameterException(MSG_PORT_NAME.format(port=s.get("portName")))
        aliases = s.get("clientAliases") or []
        if len(aliases) != 1 or not aliases[0].get("port"):
            raise InvalidParameterException(MSG_ALIASES)
    wanted = _discovery_names(config)
    for other in handler.ecs_backend.services.values():
        if other.name == service_name and other.cluster_arn == cluster.arn:
            continue
        if other.status not in ("ACTIVE", "DRAINING"):
            continue
        theirs = other.__dict__.get("_ecsctl_service_connect") or {}
        if theirs.get("enabled") and theirs.get("namespace") == ns.arn \
                and wanted & _discovery_names(theirs):
            raise InvalidParameterException(MSG_IN_USE.format(op=op, namespace=ns.arn))
    out = copy.deepcopy(config)
    out["namespace"] = ns.arn
    return out


def service_connect_of(service: Any) -> dict[str, Any] | None:
    """The service's current configuration (what its next deployment is given)."""
    return copy.deepcopy(service.__dict__.get("_ecsctl_service_connect"))


@_patch
def patch_ecs_service_connect_configuration() -> None:
    """CreateService / UpdateService take `serviceConnectConfiguration`, and each deployment
    reports the configuration it was made with.

    AWS: the configuration is reported per deployment (`Deployment.serviceConnectConfiguration`;
    Service has no such field); an UpdateService without it keeps it, `enabled: false` turns it
    off; each ServiceConnectService's `portName` must name a portMapping of the task
    definition and it takes one client alias with a port (ServiceConnectService,
    ServiceConnectClientAlias: "The maximum number of client aliases that you can have in this
    list is 1"); the namespace must exist in the Region; a discovery name another service of the
    namespace still uses (ACTIVE or DRAINING) is refused with "CreateService error: SC service is
    already used by NAMESPACE_ARN" (aws/copilot-cli #4313, #4337, #5431: replacing a service);
    a service cannot use both service registries and Service Connect (aws/aws-cdk #26524).
    moto: ignores `serviceConnectConfiguration` altogether.
    Patch: check the configuration as it will be after the call, then keep it on the service,
    with the namespace as its ARN (**assumed**: how ECS returns a namespace sent by name).
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    import patches

    create, update = (EC2ContainerServiceResponse.create_service,
                      EC2ContainerServiceResponse.update_service)

    def create_service(self: Any) -> Any:
        config = self._get_param("serviceConnectConfiguration")
        name = self._get_param("serviceName")
        cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
        kept = None
        if config is not None:
            kept = _check(self, "CreateService", name, cluster, self._get_param("taskDefinition"),
                          config, self._get_param("serviceRegistries") or [])
        result = create(self)
        service = patches._service_of(self.ecs_backend, cluster.name, name)
        service._ecsctl_service_connect = kept
        return result

    def update_service(self: Any) -> Any:
        service = patches.requested_service(self)
        if service is None:
            return update(self)
        cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
        sent = self._get_param("serviceConnectConfiguration")
        registries = self._get_param("serviceRegistries")
        registries = registries if registries is not None else (service.service_registries or [])
        config = sent if sent is not None else (service_connect_of(service) or {})
        kept = _check(self, "UpdateService", service.name, cluster,
                      self._get_param("taskDefinition") or service.task_definition, config,
                      registries)
        result = update(self)
        if sent is not None:
            service._ecsctl_service_connect = kept
        return result

    EC2ContainerServiceResponse.create_service = create_service
    EC2ContainerServiceResponse.update_service = update_service


apply_all = PATCHES.apply_all
