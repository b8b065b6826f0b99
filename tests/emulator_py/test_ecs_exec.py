"""ECS Exec as `ecsctl exec` relies on it (scripts/moto/patches_exec.py, docs/emulator.md "ECS
Exec"): a service's running tasks report `enableExecuteCommand` and, with it, a RUNNING
ExecuteCommandAgent and a runtimeId per container; ExecuteCommand answers the documented shape,
and AWS's InvalidParameterException when ECS Exec was not on when the task started.
"""

from __future__ import annotations

import unittest
from typing import Any

from tests.emulator_py.support import InstantServerTest, eventually
from tests.emulator_py.test_ecs_realism import Ecs, error

NOT_ENABLED = (
    "InvalidParameterException",
    "The execute command failed because execute command was not enabled when the task was run "
    "or the execute command agent isn\u2019t running. Wait and try again or run a new task with "
    "execute command enabled and try again.",
)


class EcsExec(InstantServerTest):
    def running_task(self, x: Ecs, service: str) -> dict[str, Any]:
        def check() -> dict[str, Any] | None:
            arns = x.ecs.list_tasks(cluster="c", serviceName=service)["taskArns"]
            tasks = x.ecs.describe_tasks(cluster="c", tasks=arns)["tasks"] if arns else []
            return next((t for t in tasks if t["lastStatus"] == "RUNNING"), None)
        return eventually(check)

    def test_exec_enabled_task_has_a_running_agent_and_a_session(self) -> None:
        x = Ecs(self.server)
        x.create("api", desired=1, enableExecuteCommand=True)
        task = self.running_task(x, "api")
        self.assertIs(task["enableExecuteCommand"], True)
        container = task["containers"][0]
        self.assertEqual([(a["name"], a["lastStatus"]) for a in container["managedAgents"]],
                         [("ExecuteCommandAgent", "RUNNING")])
        self.assertTrue(container["runtimeId"].startswith(task["taskArn"].split("/")[-1]))
        out = x.ecs.execute_command(cluster="c", task=task["taskArn"], container="app",
                                    interactive=True, command="/bin/sh")
        self.assertEqual(out["taskArn"], task["taskArn"])
        self.assertEqual(out["containerName"], "app")
        self.assertEqual(out["containerArn"], container["containerArn"])
        self.assertIs(out["interactive"], True)
        self.assertEqual(set(out["session"]), {"sessionId", "streamUrl", "tokenValue"})
        self.assertTrue(out["session"]["streamUrl"].startswith("wss://ssmmessages."))

    def test_task_started_without_exec_is_refused_even_after_the_service_enables_it(self) -> None:
        x = Ecs(self.server)
        x.create("api", desired=1)
        task = self.running_task(x, "api")
        self.assertIs(task["enableExecuteCommand"], False)
        self.assertNotIn("managedAgents", task["containers"][0])
        call = lambda: x.ecs.execute_command(  # noqa: E731
            cluster="c", task=task["taskArn"], interactive=True, command="/bin/sh")
        self.assertEqual(error(call), NOT_ENABLED)
        # Turning it on without a new deployment does not change the running task.
        x.ecs.update_service(cluster="c", service="api", enableExecuteCommand=True)
        self.assertEqual(error(call), NOT_ENABLED)


if __name__ == "__main__":
    unittest.main()
