"""ECS deployment strategies (scripts/moto/patches_strategies.py, docs/emulator.md "Deployment
strategies"): the checks CreateService / UpdateService make, the stages a BLUE_GREEN, LINEAR or
CANARY deployment goes through with the listener rule's weights, a lifecycle hook that fails
(represented by its outcome: a function named `*-fails` answers FAILED, since moto cannot run
Lambda functions), and ListServiceDeployments / DescribeServiceDeployments shaped as the API
reference and the AWS CLI's examples show them.
"""

from __future__ import annotations

import json
import re
import unittest
from typing import Any

from tests.emulator_py.support import InstantServerTest, PrivateServerTest, Server, eventually
from tests.emulator_py.test_ecs_realism import Ecs

TRUST_ECS = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


class BlueGreen:
    """An Ecs account with a load balancer, two target groups, a production and a test rule
    forwarding 100/0 to them, and an infrastructure role trusted by ECS."""

    def __init__(self, server: Server, role_trust: str = TRUST_ECS) -> None:
        self.x = Ecs(server)
        account = self.x.account
        self.elb = account.client("elbv2")
        ec2 = account.client("ec2")
        vpc = ec2.describe_subnets(SubnetIds=[self.x.subnet])["Subnets"][0]["VpcId"]
        lb = self.elb.create_load_balancer(Name="lb", Subnets=[self.x.subnet])
        lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
        self.blue, self.green = (self.elb.create_target_group(
            Name=n, Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")["TargetGroups"][0][
            "TargetGroupArn"] for n in ("blue", "green"))
        rules = []
        for port in (80, 8080):
            listener = self.elb.create_listener(
                LoadBalancerArn=lb_arn, Protocol="HTTP", Port=port,
                DefaultActions=[{"Type": "fixed-response",
                                 "FixedResponseConfig": {"StatusCode": "404"}}])
            rules.append(self.elb.create_rule(
                ListenerArn=listener["Listeners"][0]["ListenerArn"], Priority=1,
                Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
                Actions=[self.forward(0)])["Rules"][0]["RuleArn"])
        self.prod, self.test = rules
        self.role = account.client("iam").create_role(
            RoleName="infra", AssumeRolePolicyDocument=role_trust)["Role"]["Arn"]
        self.ecs = self.x.ecs

    def forward(self, green: int) -> dict[str, Any]:
        return {"Type": "forward", "ForwardConfig": {"TargetGroups": [
            {"TargetGroupArn": self.blue, "Weight": 100 - green},
            {"TargetGroupArn": self.green, "Weight": green}]}}

    def lbs(self, **adv: Any) -> list[dict[str, Any]]:
        advanced = {"alternateTargetGroupArn": self.green, "productionListenerRule": self.prod,
                    "testListenerRule": self.test, "roleArn": self.role}
        advanced.update(adv)
        return [{"targetGroupArn": self.blue, "containerName": "app", "containerPort": 80,
                 "advancedConfiguration": {k: v for k, v in advanced.items() if v}}]

    def weights(self, rule: str) -> dict[str, int]:
        action = self.elb.describe_rules(RuleArns=[rule])["Rules"][0]["Actions"][0]
        return {g["TargetGroupArn"]: g["Weight"] for g in action["ForwardConfig"]["TargetGroups"]}

    def deployments(self, service: str = "web") -> list[dict[str, Any]]:
        return self.ecs.list_service_deployments(cluster="c", service=service)["serviceDeployments"]

    def describe(self, arn: str) -> dict[str, Any]:
        return self.ecs.describe_service_deployments(serviceDeploymentArns=[arn])[
            "serviceDeployments"][0]


def config(strategy: str = "BLUE_GREEN", **kw: Any) -> dict[str, Any]:
    return {"strategy": strategy, "bakeTimeInMinutes": 1,
            "deploymentCircuitBreaker": {"enable": True, "rollback": True}, **kw}


class Checks(InstantServerTest):
    def error(self, call: Any) -> tuple[str, str]:
        with self.assertRaises(Exception) as caught:
            call()
        e = caught.exception.response["Error"]  # type: ignore[attr-defined]
        return e["Code"], e["Message"]

    def test_a_shifting_strategy_needs_the_advanced_configuration(self) -> None:
        b = BlueGreen(self.server)
        code, message = self.error(lambda: b.x.create(
            "web", desired=1, loadBalancers=b.lbs(roleArn=None), deploymentConfiguration=config()))
        self.assertEqual(code, "InvalidParameterException")
        self.assertIn("requires advancedConfiguration", message)

    def test_the_alternate_group_and_the_rules_must_exist(self) -> None:
        b = BlueGreen(self.server)
        missing_tg = b.green.replace("green/", "nothere/")
        code, message = self.error(lambda: b.x.create(
            "web", desired=1, loadBalancers=b.lbs(alternateTargetGroupArn=missing_tg),
            deploymentConfiguration=config()))
        self.assertEqual(code, "InvalidParameterException")
        self.assertTrue(message.startswith("Unable to assume role and validate the specified "
                                           "targetGroupArn"), message)
        missing_rule = b.prod[:-4] + "0000"
        code, message = self.error(lambda: b.x.create(
            "web", desired=1, loadBalancers=b.lbs(productionListenerRule=missing_rule),
            deploymentConfiguration=config()))
        self.assertEqual((code, message), ("InvalidParameterException",
                                           f"The listener rule or listener {missing_rule} does "
                                           "not exist."))

    def test_the_role_must_trust_ecs(self) -> None:
        b = BlueGreen(self.server, role_trust=TRUST_ECS.replace("ecs.amazonaws.com",
                                                                 "ecs-tasks.amazonaws.com"))
        code, message = self.error(lambda: b.x.create(
            "web", desired=1, loadBalancers=b.lbs(), deploymentConfiguration=config()))
        self.assertEqual(code, "InvalidParameterException")
        self.assertIn("trusts ecs.amazonaws.com", message)

    def test_ranges_as_the_api_reference_states_them(self) -> None:
        b = BlueGreen(self.server)
        cases = [
            (config(bakeTimeInMinutes=1441), "bakeTimeInMinutes must be between 0 and 1440."),
            (config("LINEAR", linearConfiguration={"stepPercent": 2.9}),
             "linearConfiguration.stepPercent must be between 3.0 and 100.0."),
            (config("CANARY", canaryConfiguration={"canaryPercent": 5.05}),
             "canaryConfiguration.canaryPercent must be a multiple of 0.1."),
        ]
        for cfg, want in cases:
            code, message = self.error(lambda: b.x.create(
                "web", desired=1, loadBalancers=b.lbs(), deploymentConfiguration=cfg))
            self.assertEqual((code, message), ("InvalidParameterException", want))


class Deployments(InstantServerTest):
    def test_blue_green_shifts_production_bakes_and_trades_the_pair(self) -> None:
        b = BlueGreen(self.server)
        b.x.create("web", desired=1, loadBalancers=b.lbs(), deploymentConfiguration=config())
        first = b.x.settled("web")
        # The first deployment shifted to the alternate group: it now serves production, and
        # the service's description shows the pair traded.
        self.assertEqual(b.weights(b.prod), {b.blue: 0, b.green: 100})
        self.assertEqual(first["loadBalancers"][0]["targetGroupArn"], b.green)
        self.assertEqual(first["loadBalancers"][0]["advancedConfiguration"][
            "alternateTargetGroupArn"], b.blue)
        b.ecs.update_service(cluster="c", service="web", taskDefinition="web:2")
        s = b.x.settled("web")
        self.assertEqual(s["taskDefinition"], b.x.td2)
        self.assertEqual(b.weights(b.prod), {b.blue: 100, b.green: 0})
        self.assertEqual(s["loadBalancers"][0]["targetGroupArn"], b.blue)
        listed = b.deployments()
        self.assertEqual([d["status"] for d in listed], ["SUCCESSFUL", "SUCCESSFUL"])
        newest = b.describe(listed[0]["serviceDeploymentArn"])
        self.assertEqual(newest["deploymentConfiguration"]["strategy"], "BLUE_GREEN")
        self.assertNotIn("lifecycleStage", newest)
        self.assertEqual(newest["targetServiceRevision"]["runningTaskCount"], 1)

    def test_linear_moves_production_in_steps(self) -> None:
        b = BlueGreen(self.server)
        cfg = config("LINEAR", linearConfiguration={"stepPercent": 40.0,
                                                    "stepBakeTimeInMinutes": 0})
        b.x.create("web", desired=1, loadBalancers=b.lbs(), deploymentConfiguration=cfg)
        b.x.settled("web")
        self.assertEqual(b.weights(b.prod), {b.blue: 0, b.green: 100})

    def test_a_failing_hook_rolls_back_and_traffic_returns_to_blue(self) -> None:
        b = BlueGreen(self.server)
        b.x.create("web", desired=1, loadBalancers=b.lbs(), deploymentConfiguration=config())
        b.x.settled("web")
        hook = f"arn:aws:lambda:eu-west-1:{b.x.account.id}:function:smoke-fails"
        cfg = config(lifecycleHooks=[{"hookTargetArn": hook, "roleArn": b.role,
                                      "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"]}])
        b.ecs.update_service(cluster="c", service="web", taskDefinition="web:2",
                             deploymentConfiguration=cfg)
        eventually(lambda: b.deployments()[0]["status"] == "ROLLBACK_SUCCESSFUL")
        d = b.describe(b.deployments()[0]["serviceDeploymentArn"])
        self.assertEqual(d["status"], "ROLLBACK_SUCCESSFUL")
        self.assertIn(f"lifecycle hook {hook} returned FAILED at POST_TEST_TRAFFIC_SHIFT",
                      d["statusReason"])
        self.assertEqual(d["rollback"]["reason"], d["statusReason"])
        s = b.x.settled("web")
        self.assertEqual(s["taskDefinition"], b.x.td1)
        # green (the first deployment's production group) keeps production
        self.assertEqual(b.weights(b.prod), {b.blue: 0, b.green: 100})

    def test_an_alarm_in_alarm_at_the_end_of_the_bake_rolls_back(self) -> None:
        b = BlueGreen(self.server)
        cw = b.x.account.client("cloudwatch")
        cw.put_metric_alarm(AlarmName="web-5xx", MetricName="5xx", Namespace="AWS/ApplicationELB",
                            Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=5.0,
                            ComparisonOperator="GreaterThanThreshold")
        alarms = {"alarmNames": ["web-5xx"], "enable": True, "rollback": True}
        b.x.create("web", desired=1, loadBalancers=b.lbs(),
                   deploymentConfiguration=config(alarms=alarms))
        b.x.settled("web")
        cw.set_alarm_state(AlarmName="web-5xx", StateValue="ALARM", StateReason="5xx")
        b.ecs.update_service(cluster="c", service="web", taskDefinition="web:2")
        eventually(lambda: b.deployments()[0]["status"] == "ROLLBACK_SUCCESSFUL")
        d = b.describe(b.deployments()[0]["serviceDeploymentArn"])
        self.assertIn("web-5xx", d["statusReason"])
        self.assertEqual(d["alarms"]["triggeredAlarmNames"], ["web-5xx"])
        self.assertEqual(b.weights(b.prod), {b.blue: 0, b.green: 100})


class ServiceDeploymentShapes(InstantServerTest):
    """Field by field as the AWS CLI's published examples show them."""

    def test_list_and_describe_as_published(self) -> None:
        x = Ecs(self.server)
        x.create("web", desired=1)
        x.settled("web")
        listed = x.ecs.list_service_deployments(cluster="c", service="web")["serviceDeployments"]
        self.assertEqual(len(listed), 1)
        brief = listed[0]
        self.assertEqual(set(brief), {"serviceDeploymentArn", "serviceArn", "clusterArn",
                                      "startedAt", "createdAt", "finishedAt",
                                      "targetServiceRevisionArn", "status"})
        self.assertRegex(brief["serviceDeploymentArn"],
                         rf"^arn:aws:ecs:eu-west-1:{x.account.id}:service-deployment/c/web/"
                         r"[A-Za-z0-9]{21}$")
        self.assertRegex(brief["targetServiceRevisionArn"],
                         rf"^arn:aws:ecs:eu-west-1:{x.account.id}:service-revision/c/web/\d{{19}}$")
        self.assertEqual(brief["status"], "SUCCESSFUL")
        got = x.ecs.describe_service_deployments(
            serviceDeploymentArns=[brief["serviceDeploymentArn"], brief["serviceDeploymentArn"][:-1] + "x"])
        d = got["serviceDeployments"][0]
        self.assertEqual(set(d), {"serviceDeploymentArn", "serviceArn", "clusterArn", "createdAt",
                                  "startedAt", "finishedAt", "updatedAt", "sourceServiceRevisions",
                                  "targetServiceRevision", "status", "deploymentConfiguration",
                                  "deploymentCircuitBreaker", "alarms"})
        self.assertEqual(d["deploymentCircuitBreaker"]["status"], "MONITORING_COMPLETE")
        self.assertEqual(d["alarms"], {"status": "DISABLED"})
        self.assertEqual(got["failures"], [{"arn": brief["serviceDeploymentArn"][:-1] + "x",
                                            "reason": "MISSING"}])
        # The deployment DescribeServices lists is the revision's number.
        number = x.service("web")["deployments"][0]["id"].split("/")[-1]
        self.assertTrue(brief["targetServiceRevisionArn"].endswith("/" + number))

    def test_created_at_filter_and_more_than_20_arns(self) -> None:
        x = Ecs(self.server)
        x.create("web", desired=1)
        x.settled("web")
        later = x.ecs.list_service_deployments(cluster="c", service="web",
                                               createdAt={"after": 4102444800})  # 2100
        self.assertEqual(later["serviceDeployments"], [])
        since_2000 = x.ecs.list_service_deployments(cluster="c", service="web",
                                                    createdAt={"after": 946684800})
        self.assertEqual(len(since_2000["serviceDeployments"]), 1)
        with self.assertRaises(Exception) as caught:
            x.ecs.describe_service_deployments(serviceDeploymentArns=["a"] * 21)
        self.assertEqual(caught.exception.response["Error"]["Code"],  # type: ignore[attr-defined]
                         "InvalidParameterException")


class StagesOverTime(PrivateServerTest):
    """Realistic mode: the stages follow one another on the clock, and the bake lasts its
    minutes at the `bake_minute` window."""

    SETTINGS = dict(ECSCTL_EMULATOR_MODE="realistic", ECSCTL_EMULATOR_MISSING_MS=0,
                    ECSCTL_EMULATOR_STALE_MS=0, ECSCTL_EMULATOR_IAM_PROPAGATION_MS=0,
                    ECSCTL_EMULATOR_SLR_PROPAGATION_MS=0, ECSCTL_EMULATOR_ROLLOUT_MS=400,
                    ECSCTL_EMULATOR_BAKE_MINUTE_MS=200, ECSCTL_EMULATOR_PAGE_SIZE=0)

    def test_stages_in_order_then_successful(self) -> None:
        b = BlueGreen(self.server)
        b.x.create("web", desired=1, loadBalancers=b.lbs(),
                   deploymentConfiguration=config(bakeTimeInMinutes=3))
        seen: list[str] = []

        def done() -> bool:
            listed = b.deployments()
            if not listed:
                return False
            d = b.describe(listed[0]["serviceDeploymentArn"])
            if d.get("lifecycleStage") and (not seen or seen[-1] != d["lifecycleStage"]):
                seen.append(d["lifecycleStage"])
            return d["status"] == "SUCCESSFUL"
        eventually(done, timeout=15, interval=0.02)
        order = ["SCALE_UP", "POST_TEST_TRAFFIC_SHIFT", "BAKE_TIME"]
        self.assertEqual([s for s in seen if s in order], order, seen)
        self.assertTrue(all(re.fullmatch(r"[A-Z_]+", s) for s in seen))


if __name__ == "__main__":
    unittest.main()
