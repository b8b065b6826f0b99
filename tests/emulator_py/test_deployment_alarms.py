"""ECS deployment alarms (scripts/moto/patches_alarms.py, docs/emulator.md "Deployment
alarms"): with `deploymentConfiguration.alarms` enabled, a named CloudWatch alarm in ALARM fails
the deployment and, with rollback, ECS deploys the last completed one again; an alarm in OK, or
alarms disabled, lets the deployment complete.
"""

from __future__ import annotations

import unittest
from typing import Any

from tests.emulator_py.support import InstantServerTest, eventually
from tests.emulator_py.test_ecs_realism import Ecs


def config(enable: bool) -> dict[str, Any]:
    return {"maximumPercent": 200, "minimumHealthyPercent": 100,
            "alarms": {"alarmNames": ["web-5xx"], "enable": enable, "rollback": enable}}


class DeploymentAlarms(InstantServerTest):
    def setup(self, enable: bool) -> tuple[Ecs, Any]:
        x = Ecs(self.server)
        cw = x.account.client("cloudwatch")
        cw.put_metric_alarm(AlarmName="web-5xx", MetricName="5xx", Namespace="AWS/ApplicationELB",
                            Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=5.0,
                            ComparisonOperator="GreaterThanThreshold")
        x.create("web", desired=1, deploymentConfiguration=config(enable))
        x.settled("web")
        cw.set_alarm_state(AlarmName="web-5xx", StateValue="ALARM", StateReason="5xx")
        return x, cw

    def test_an_alarm_in_alarm_fails_the_deployment_and_rolls_back(self) -> None:
        x, _ = self.setup(enable=True)
        x.ecs.update_service(cluster="c", service="web", taskDefinition="web:2",
                             deploymentConfiguration=config(True))

        def rolled_back() -> dict[str, Any] | None:
            s = x.service("web")
            failed = [d for d in s["deployments"] if d["rolloutState"] == "FAILED"]
            done = s["taskDefinition"] == x.td1 and s["deployments"][0]["rolloutState"] == "COMPLETED"
            return s if failed or done else None
        s = eventually(rolled_back)
        reasons = " ".join(d.get("rolloutStateReason", "") for d in s["deployments"])
        events = " ".join(e["message"] for e in s["events"])
        self.assertRegex(reasons + events, r"\(deployment ecs-svc/\d+\) deployment failed: "
                                           r"alarm\(s\) web-5xx detected\.")
        eventually(lambda: x.service("web")["taskDefinition"] == x.td1)

    def test_disabled_alarms_let_the_deployment_complete(self) -> None:
        x, _ = self.setup(enable=False)
        x.ecs.update_service(cluster="c", service="web", taskDefinition="web:2",
                             deploymentConfiguration=config(False))
        s = x.settled("web")
        self.assertEqual(s["taskDefinition"], x.td2)


if __name__ == "__main__":
    unittest.main()
