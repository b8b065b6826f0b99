"""ECS services and target groups (scripts/moto/patches_elb.py, docs/emulator.md "Target
groups"): CreateService and UpdateService refuse, as AWS does, a target group that does not
exist or that no load balancer forwards to, and take one a listener forwards to.
"""

from __future__ import annotations

import unittest
from typing import Any

from tests.emulator_py.support import InstantServerTest
from tests.emulator_py.test_ecs_realism import Ecs, error

UNKNOWN = (
    "InvalidParameterException",
    "Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS "
    "service role being passed has the proper permissions.",
)


class TargetGroups(InstantServerTest):
    def group(self, x: Ecs, name: str, listener: bool) -> str:
        ec2, elb = x.account.client("ec2"), x.account.client("elbv2")
        vpc = ec2.describe_subnets(SubnetIds=[x.subnet])["Subnets"][0]["VpcId"]
        arn = elb.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=vpc,
                                      TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
        if listener:
            other = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{len(name)+10}.0/24",
                                      AvailabilityZone="eu-west-1b")["Subnet"]["SubnetId"]
            lb = elb.create_load_balancer(Name=f"lb-{name}", Subnets=[x.subnet, other])
            elb.create_listener(LoadBalancerArn=lb["LoadBalancers"][0]["LoadBalancerArn"],
                                Protocol="HTTP", Port=80,
                                DefaultActions=[{"Type": "forward", "TargetGroupArn": arn}])
        return arn

    def lbs(self, arn: str) -> dict[str, Any]:
        return {"loadBalancers": [{"targetGroupArn": arn, "containerName": "app",
                                   "containerPort": 80}]}

    def test_an_unknown_target_group_is_refused_with_aws_message(self) -> None:
        x = Ecs(self.server)
        arn = (f"arn:aws:elasticloadbalancing:eu-west-1:{x.account.id}:"
               "targetgroup/nope/0a1b2c3d4e5f6201")
        self.assertEqual(error(lambda: x.create("api", **self.lbs(arn))), UNKNOWN)
        self.assertEqual(x.ecs.list_services(cluster="c")["serviceArns"], [])

    def test_a_target_group_without_a_load_balancer_is_refused(self) -> None:
        x = Ecs(self.server)
        arn = self.group(x, "lonely", listener=False)
        self.assertEqual(
            error(lambda: x.create("api", **self.lbs(arn))),
            ("InvalidParameterException",
             f"The target group with targetGroupArn {arn} does not have an associated load "
             "balancer."))

    def test_a_forwarded_target_group_is_taken_and_update_checks_too(self) -> None:
        x = Ecs(self.server)
        arn = self.group(x, "web", listener=True)
        created = x.create("api", **self.lbs(arn))
        self.assertEqual(created["loadBalancers"][0]["targetGroupArn"], arn)
        lonely = self.group(x, "lonely", listener=False)
        self.assertEqual(
            error(lambda: x.ecs.update_service(cluster="c", service="api", **self.lbs(lonely)))[0],
            "InvalidParameterException")


if __name__ == "__main__":
    unittest.main()
