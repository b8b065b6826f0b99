"""FireLens in task definitions (scripts/moto/patches_firelens.py, docs/emulator.md "FireLens"):
RegisterTaskDefinition refuses a log router nobody sends to, the awsfirelens driver without a
router, an unknown router type and an S3 configuration file on Fargate, and keeps a valid
router's configuration verbatim.
"""

from __future__ import annotations

import unittest
from typing import Any

from botocore.exceptions import ClientError

from tests.emulator_py.support import InstantServerTest

ROUTER = {"name": "log_router", "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
          "essential": True, "memoryReservation": 50,
          "firelensConfiguration": {"type": "fluentbit",
                                    "options": {"enable-ecs-log-metadata": "true"}}}
APP = {"name": "app", "image": "nginx",
       "logConfiguration": {"logDriver": "awsfirelens",
                            "options": {"Name": "cloudwatch_logs", "region": "eu-west-1",
                                        "log_group_name": "/ecs/app", "log_stream_prefix": "ecs/"}}}
AWSLOGS = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/app",
                                               "awslogs-region": "eu-west-1",
                                               "awslogs-stream-prefix": "ecs"}}


class Firelens(InstantServerTest):
    def register(self, ecs: Any, containers: list[dict[str, Any]]) -> dict[str, Any]:
        return ecs.register_task_definition(
            family="app", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
            memory="512", containerDefinitions=containers)["taskDefinition"]

    def refused(self, ecs: Any, containers: list[dict[str, Any]]) -> tuple[str, str]:
        try:
            self.register(ecs, containers)
        except ClientError as e:
            return e.response["Error"]["Code"], e.response["Error"]["Message"]
        raise AssertionError("RegisterTaskDefinition took it")

    def test_a_router_and_its_senders_are_kept_verbatim(self) -> None:
        ecs = self.server.account().client("ecs")
        td = self.register(ecs, [APP, dict(ROUTER, logConfiguration=AWSLOGS)])
        router = next(c for c in td["containerDefinitions"] if c["name"] == "log_router")
        self.assertEqual(router["firelensConfiguration"], ROUTER["firelensConfiguration"])
        app = next(c for c in td["containerDefinitions"] if c["name"] == "app")
        self.assertEqual(app["logConfiguration"], APP["logConfiguration"])

    def test_what_ecs_refuses(self) -> None:
        ecs = self.server.account().client("ecs")
        self.assertEqual(self.refused(ecs, [dict(APP, logConfiguration=AWSLOGS), ROUTER]), (
            "ClientException", "When a firelensConfiguration object is specified, at least one "
            "container has to be configured with the awsfirelens log driver."))
        self.assertEqual(self.refused(ecs, [APP]), (
            "ClientException", "When awsfirelens log driver is specified in log configuration, a "
            "firelens configuration object must be configured in one of the containers."))
        code, message = self.refused(ecs, [APP, dict(ROUTER, firelensConfiguration={
            "type": "vector"})])
        self.assertEqual(code, "ClientException")
        self.assertIn("vector", message)
        code, message = self.refused(ecs, [APP, dict(ROUTER, firelensConfiguration={
            "type": "fluentbit", "options": {"config-file-type": "s3",
                                             "config-file-value": "arn:aws:s3:::b/extra.conf"}})])
        self.assertEqual(code, "ClientException")
        self.assertIn("Fargate", message)
        self.assertEqual(ecs.list_task_definitions()["taskDefinitionArns"], [],
                         "nothing registered by a refused call")


if __name__ == "__main__":
    unittest.main()
