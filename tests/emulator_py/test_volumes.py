"""EBS volumes configured at deployment (scripts/moto/patches_volumes.py, docs/emulator.md "EBS
volumes"): a configuration must name a volume the task definition configures at launch, as the
service will be after the call; UpdateService without one keeps it and an empty list removes
it; each deployment reports the configuration it was made with; the settings and the role are
checked.
"""

from __future__ import annotations

import unittest
from typing import Any


from tests.emulator_py.support import REGION, InstantServerTest, eventually
from tests.emulator_py.test_deployment_strategies import TRUST_ECS
from tests.emulator_py.test_ecs_realism import Ecs, error

NO_MATCH = ("Volume configuration provided but no matching configuredAtLaunch volume found in "
            "task definition.")


class Volumes(InstantServerTest):
    def setup(self) -> tuple[Ecs, str, str]:
        """An account whose `db` family has revision 1 with the volume `data` configured at
        launch and revision 2 without it, and the infrastructure role."""
        x = Ecs(self.server)
        container = {"name": "app", "image": "clickhouse",
                     "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}]}
        x.ecs.register_task_definition(
            family="db", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
            memory="512", containerDefinitions=[container],
            volumes=[{"name": "data", "configuredAtLaunch": True}])
        x.ecs.register_task_definition(
            family="db", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
            memory="512", containerDefinitions=[dict(container, mountPoints=[])])
        role = x.account.client("iam").create_role(
            RoleName="infra", AssumeRolePolicyDocument=TRUST_ECS)["Role"]["Arn"]
        return x, role, f"arn:aws:ecs:{REGION}:{x.account.id}:task-definition/db"

    @staticmethod
    def config(role: str, **ebs: Any) -> list[dict[str, Any]]:
        managed = {"roleArn": role, "sizeInGiB": 100, "volumeType": "gp3", "encrypted": True,
                   "filesystemType": "xfs",
                   "tagSpecifications": [{"resourceType": "volume", "propagateTags": "SERVICE"}]}
        managed.update(ebs)
        managed = {k: v for k, v in managed.items() if v is not None}
        return [{"name": "data", "managedEBSVolume": managed}]

    def create(self, x: Ecs, td: str, volumes: list[dict[str, Any]]) -> dict[str, Any]:
        return x.ecs.create_service(cluster="c", serviceName="db", taskDefinition=td,
                                    desiredCount=1, networkConfiguration=x.net,
                                    volumeConfigurations=volumes)["service"]

    def test_the_task_definition_reports_the_volume_configured_at_launch(self) -> None:
        x, _, _ = self.setup()
        td = x.ecs.describe_task_definition(taskDefinition="db:1")["taskDefinition"]
        self.assertEqual(td["volumes"], [{"name": "data", "configuredAtLaunch": True}])

    def test_a_configuration_needs_a_volume_configured_at_launch(self) -> None:
        x, role, _ = self.setup()
        self.assertEqual(error(lambda: self.create(x, "db:2", self.config(role))),
                         ("InvalidParameterException", NO_MATCH))
        other = [dict(self.config(role)[0], name="logs")]
        self.assertEqual(error(lambda: self.create(x, "db:1", other)),
                         ("InvalidParameterException", NO_MATCH))
        self.assertEqual(x.ecs.list_services(cluster="c")["serviceArns"], [],
                         "nothing created by a refused call")

    def test_each_deployment_reports_its_configuration(self) -> None:
        x, role, td = self.setup()
        created = self.create(x, "db:1", self.config(role))
        self.assertEqual(created["deployments"][0]["volumeConfigurations"], self.config(role))
        first = eventually(lambda: x.service("db"))["deployments"][0]["id"]
        # A new size is a new deployment, which reports it; the old one does not change.
        x.ecs.update_service(cluster="c", service="db",
                             volumeConfigurations=self.config(role, sizeInGiB=200))
        s = eventually(lambda: x.service("db"))
        primary = s["deployments"][0]
        self.assertNotEqual(primary["id"], first)
        self.assertEqual(primary["volumeConfigurations"], self.config(role, sizeInGiB=200))
        # No configuration sent: kept, and no new deployment.
        x.ecs.update_service(cluster="c", service="db", desiredCount=2)
        s = eventually(lambda: x.service("db"))
        self.assertEqual(s["deployments"][0]["id"], primary["id"])
        self.assertEqual(s["deployments"][0]["volumeConfigurations"],
                         self.config(role, sizeInGiB=200))

    def test_removal_takes_an_empty_list_with_the_new_task_definition(self) -> None:
        x, role, td = self.setup()
        self.create(x, "db:1", self.config(role))
        eventually(lambda: x.service("db"))
        # The task definition alone: the kept configuration names a volume it no longer has.
        self.assertEqual(error(lambda: x.ecs.update_service(
            cluster="c", service="db", taskDefinition=f"{td}:2")),
            ("InvalidParameterException", NO_MATCH))
        x.ecs.update_service(cluster="c", service="db", taskDefinition=f"{td}:2",
                             volumeConfigurations=[])
        s = eventually(lambda: x.service("db"))
        self.assertNotIn("volumeConfigurations", s["deployments"][0])
        self.assertEqual(s["deployments"][0]["taskDefinition"], f"{td}:2")

    def test_settings_and_role_are_checked(self) -> None:
        x, role, _ = self.setup()
        refused = {
            "io1 without iops": self.config(role, volumeType="io1"),
            "gp2 with iops": self.config(role, volumeType="gp2", iops=3000),
            "gp3 iops too low": self.config(role, iops=100),
            "throughput on io2": self.config(role, volumeType="io2", iops=1000, throughput=200),
            "st1 too small": self.config(role, volumeType="st1", sizeInGiB=10),
            "magnetic": self.config(role, volumeType="standard"),
            "no size nor snapshot": self.config(role, sizeInGiB=None),
        }
        for what, volumes in refused.items():
            code, _ = error(lambda: self.create(x, "db:1", volumes))
            self.assertEqual(code, "InvalidParameterException", what)
        untrusted = x.account.client("iam").create_role(
            RoleName="lambda-only", AssumeRolePolicyDocument=TRUST_ECS.replace(
                "ecs.amazonaws.com", "lambda.amazonaws.com"))["Role"]["Arn"]
        code, message = error(lambda: self.create(x, "db:1", self.config(untrusted)))
        self.assertEqual(code, "InvalidParameterException")
        self.assertIn("trusts ecs.amazonaws.com", message)
        self.assertEqual(x.ecs.list_services(cluster="c")["serviceArns"], [])


if __name__ == "__main__":
    unittest.main()
