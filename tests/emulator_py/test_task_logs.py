"""A Fargate task started by RunTask writes its main container's `ECSCTL_EMULATOR_LOG` lines to
its awslogs stream when it stops (scripts/moto/patches_logs.py, docs/emulator.md "CloudWatch
Logs"), as the awslogs driver delivers a container's output.
"""

from __future__ import annotations

import unittest

from tests.emulator_py.support import InstantServerTest, eventually


class TaskOutput(InstantServerTest):
    def test_a_stopped_task_has_written_its_lines_to_its_stream(self) -> None:
        a = self.server.account()
        ecs, logs = a.client("ecs"), a.client("logs")
        subnet, sg = a.network()
        ecs.create_cluster(clusterName="c", capacityProviders=["FARGATE"])
        logs.create_log_group(logGroupName="/ecs/job")
        ecs.register_task_definition(
            family="job", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
            cpu="256", memory="512",
            containerDefinitions=[{
                "name": "app", "image": "busybox",
                "environment": [{"name": "ECSCTL_EMULATOR_LOG", "value": "one\ntwo"}],
                "logConfiguration": {"logDriver": "awslogs", "options": {
                    "awslogs-group": "/ecs/job", "awslogs-region": "eu-west-1",
                    "awslogs-stream-prefix": "job"}},
            }])
        task = ecs.run_task(
            cluster="c", taskDefinition="job", launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet],
                                                          "securityGroups": [sg]}},
        )["tasks"][0]
        task_id = task["taskArn"].rsplit("/", 1)[-1]
        eventually(lambda: ecs.describe_tasks(cluster="c", tasks=[task["taskArn"]])
                   ["tasks"][0]["lastStatus"] == "STOPPED")
        events = logs.filter_log_events(logGroupName="/ecs/job",
                                        logStreamNamePrefix=f"job/app/{task_id}")["events"]
        self.assertEqual([e["message"] for e in events], ["one", "two"])
        self.assertEqual({e["logStreamName"] for e in events}, {f"job/app/{task_id}"})


if __name__ == "__main__":
    unittest.main()
