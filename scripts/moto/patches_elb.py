"""ECS services and Elastic Load Balancing target groups (docs/emulator.md, "Target groups").

Owns the check AWS makes when CreateService or UpdateService names a target group: it must exist
and a load balancer must forward to it. Must not change ELBv2 itself (moto models target groups,
load balancers and listeners as the API reference does).
"""

from __future__ import annotations

from typing import Any

from patchset import PatchSet

PATCHES = PatchSet()
_patch = PATCHES.patch

# AWS's answer when the target group does not exist (or ECS cannot read it): quoted from the
# CreateService error in aws/amazon-ecs-cli#21 (2017-06-02) and terraform-provider-aws's retry
# on "verify that the ECS service role being passed has the proper permissions".
MSG_UNKNOWN = ("Unable to assume role and validate the specified targetGroupArn. Please verify "
               "that the ECS service role being passed has the proper permissions.")
# AWS's answer when no load balancer forwards to the target group: quoted in
# umotif-public/terraform-aws-ecs-fargate#43 (2021-09-02) and hashicorp/terraform#32908.
MSG_NO_LB = ("The target group with targetGroupArn {arn} does not have an associated load "
             "balancer.")


def _check(account: str, region: str, load_balancers: Any) -> None:
    from moto.ecs.exceptions import InvalidParameterException
    from moto.elbv2.models import elbv2_backends

    groups = elbv2_backends[account][region].target_groups
    for lb in load_balancers or []:
        arn = (lb or {}).get("targetGroupArn")
        if not arn:
            continue
        group = groups.get(arn)
        if group is None:
            raise InvalidParameterException(MSG_UNKNOWN)
        if not getattr(group, "load_balancer_arns", None):
            raise InvalidParameterException(MSG_NO_LB.format(arn=arn))


@_patch
def patch_ecs_service_target_groups_exist() -> None:
    """CreateService and UpdateService refuse a target group that does not exist or that no
    load balancer forwards to.

    AWS: CreateService with a `loadBalancers` target group ARN that does not exist answers
    InvalidParameterException "Unable to assume role and validate the specified targetGroupArn.
    Please verify that the ECS service role being passed has the proper permissions."; with a
    target group no listener forwards to, InvalidParameterException "The target group with
    targetGroupArn ARN does not have an associated load balancer." (both as AWS sends them,
    quoted in the threads cited above; ECS developer guide, "Use load balancing to distribute
    Amazon ECS service traffic": the target group must be attached to a load balancer).
    UpdateService with `loadBalancers` validates them the same way.
    moto: stores any ARN, so a spec with placeholder target groups applied cleanly, which no
    AWS account would let it.
    Patch: before moto's handler, look the ARNs up in the same account's and region's ELBv2
    backend.
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    create, update = EC2ContainerServiceResponse.create_service, EC2ContainerServiceResponse.update_service

    def create_service(self: Any) -> Any:
        _check(self.current_account, self.region, self._get_param("loadBalancers"))
        return create(self)

    def update_service(self: Any) -> Any:
        _check(self.current_account, self.region, self._get_param("loadBalancers"))
        return update(self)

    EC2ContainerServiceResponse.create_service = create_service
    EC2ContainerServiceResponse.update_service = update_service


apply_all = PATCHES.apply_all
