"""FireLens in task definitions (docs/emulator.md, "FireLens"): RegisterTaskDefinition checks
the log router and the containers that send it their logs, as ECS does.

Owns those checks, made before moto stores the revision. Must not change what is stored (moto
keeps `firelensConfiguration` and `logConfiguration` verbatim, as ECS returns them).
"""

from __future__ import annotations

from typing import Any

from patchset import PatchSet

PATCHES = PatchSet()
_patch = PATCHES.patch

# AWS's texts (aws/amazon-cloudwatch-logs-for-fluent-bit #20, cloudposse/
# terraform-aws-ecs-container-definition #47; fabfuel/ecs-deploy #164, turnerlabs/fargate #60).
MSG_NO_DRIVER = ("When a firelensConfiguration object is specified, at least one container has to "
                 "be configured with the awsfirelens log driver.")
MSG_NO_ROUTER = ("When awsfirelens log driver is specified in log configuration, a firelens "
                 "configuration object must be configured in one of the containers.")
# Wording assumed (AWS publishes none): each names the field as the API reference does.
MSG_TYPE = "Invalid firelensConfiguration type {kind}. Valid types are fluentd and fluentbit."
MSG_TWO = "Only one container in a task definition can have a firelensConfiguration."
MSG_S3_ON_FARGATE = ("The config-file-type s3 is not supported for tasks hosted on Fargate. Use "
                     "config-file-type file.")


def check(containers: list[dict[str, Any]], fargate: bool) -> None:
    """What RegisterTaskDefinition checks of FireLens; raises ECS's ClientException."""
    from moto.ecs.exceptions import ECSException

    routers = [c for c in containers if c.get("firelensConfiguration") is not None]
    senders = [c for c in containers
               if (c.get("logConfiguration") or {}).get("logDriver") == "awsfirelens"]
    for r in routers:
        kind = (r["firelensConfiguration"] or {}).get("type")
        if kind not in ("fluentd", "fluentbit"):
            raise ECSException("ClientException", MSG_TYPE.format(kind=kind))
        options = (r["firelensConfiguration"] or {}).get("options") or {}
        if fargate and options.get("config-file-type") == "s3":
            raise ECSException("ClientException", MSG_S3_ON_FARGATE)
    if len(routers) > 1:
        raise ECSException("ClientException", MSG_TWO)
    if routers and not senders:
        raise ECSException("ClientException", MSG_NO_DRIVER)
    if senders and not routers:
        raise ECSException("ClientException", MSG_NO_ROUTER)


@_patch
def patch_ecs_register_task_definition_firelens() -> None:
    """RegisterTaskDefinition refuses a FireLens router nobody sends to, and the awsfirelens
    driver without a router.

    AWS: ClientException "When a firelensConfiguration object is specified, at least one
    container has to be configured with the awsfirelens log driver." and "When awsfirelens log
    driver is specified in log configuration, a firelens configuration object must be configured
    in one of the containers." (the issues cited above); `type` is `fluentd` or `fluentbit`
    (FirelensConfiguration API reference); "Tasks hosted on AWS Fargate only support the file
    configuration file type." (the same reference); one log router per task (**assumed**).
    moto: stores any of it.
    Patch: check the container definitions before moto's handler stores them.
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.register_task_definition

    def register_task_definition(self: Any) -> Any:
        fargate = "FARGATE" in (self._get_param("requiresCompatibilities") or [])
        check(self._get_param("containerDefinitions") or [], fargate)
        return original(self)

    EC2ContainerServiceResponse.register_task_definition = register_task_definition


apply_all = PATCHES.apply_all
