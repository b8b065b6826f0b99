"""Scaling beyond target tracking (docs/emulator.md, "Step and scheduled scaling" and "CloudWatch
over CBOR"): CloudWatch answers the AWS SDKs' RPC v2 CBOR; a policy or scheduled action needs its
scalable target; a step policy lists the alarm acting on it, which outlives it; scheduled actions
page at 50.
"""

from __future__ import annotations

import datetime
import unittest
import urllib.request
from typing import Any

import cbor2
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

from tests.emulator_py.support import REGION, InstantServerTest, eventually
from tests.emulator_py.test_ecs_realism import Ecs, error

TARGET = {"ServiceNamespace": "ecs", "ResourceId": "service/c/web",
          "ScalableDimension": "ecs:service:DesiredCount"}
STEP = {"AdjustmentType": "ChangeInCapacity", "Cooldown": 60, "MetricAggregationType": "Average",
        "StepAdjustments": [{"MetricIntervalLowerBound": 0.0, "ScalingAdjustment": 1}]}


def cbor_call(account: Any, operation: str, params: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    """One CloudWatch call exactly as the AWS SDK for Rust sends it: RPC v2 CBOR, signed."""
    creds = account.session.get_credentials().get_frozen_credentials()
    url = f"{account.endpoint}/service/GraniteServiceVersion20100801/operation/{operation}"
    # Timestamps as tag 1 (epoch seconds), as the SDK sends them.
    data = cbor2.dumps(params, datetime_as_timestamp=True)
    request = AWSRequest(method="POST", url=url, data=data, headers={
        "Content-Type": "application/cbor", "Accept": "application/cbor",
        "smithy-protocol": "rpc-v2-cbor"})
    SigV4Auth(creds, "monitoring", REGION).add_auth(request)
    prepared = request.prepare()
    req = urllib.request.Request(url, data=prepared.body, headers=dict(prepared.headers), method="POST")
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, dict(r.headers), cbor2.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), cbor2.loads(e.read())


class Scaling(InstantServerTest):
    def target(self) -> tuple[Ecs, Any]:
        x = Ecs(self.server)
        x.create("web", desired=1)
        aas = x.account.client("application-autoscaling")
        eventually(lambda: x.service("web"))
        aas.register_scalable_target(MinCapacity=1, MaxCapacity=4, **TARGET)
        return x, aas

    def test_cloudwatch_speaks_rpc_v2_cbor(self) -> None:
        account = self.server.account()
        status, headers, body = cbor_call(account, "PutMetricAlarm", {
            "AlarmName": "web-cpu-above", "Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
            "Dimensions": [{"Name": "ClusterName", "Value": "c"}, {"Name": "ServiceName", "Value": "web"}],
            "Statistic": "Average", "Period": 60, "EvaluationPeriods": 2, "DatapointsToAlarm": 2,
            "Threshold": 60.0, "ComparisonOperator": "GreaterThanThreshold",
            "Tags": [{"Key": "ecsctl:env", "Value": "test"}]})
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("smithy-protocol"), "rpc-v2-cbor")
        self.assertEqual(headers.get("Content-Type"), "application/cbor")
        status, _, body = cbor_call(account, "DescribeAlarms", {"AlarmNames": ["web-cpu-above"]})
        self.assertEqual(status, 200, body)
        alarm = body["MetricAlarms"][0]
        self.assertEqual((alarm["AlarmName"], alarm["Threshold"], alarm["EvaluationPeriods"]),
                         ("web-cpu-above", 60.0, 2))
        self.assertIsInstance(alarm["Threshold"], float)
        # Timestamps are CBOR tag 1 (epoch seconds), which cbor2 reads as datetimes.
        self.assertIsInstance(alarm["AlarmConfigurationUpdatedTimestamp"], datetime.datetime)
        # The same alarm through botocore's JSON protocol: one backend behind both.
        cw = account.client("cloudwatch")
        self.assertEqual(cw.describe_alarms(AlarmNames=["web-cpu-above"])["MetricAlarms"][0]["AlarmArn"],
                         alarm["AlarmArn"])
        # An error keeps its code and message; request timestamps arrive as epoch seconds.
        now = datetime.datetime.now(datetime.timezone.utc)
        status, headers, body = cbor_call(account, "GetMetricStatistics", {
            "Namespace": "AWS/ECS", "MetricName": "CPUUtilization", "Period": 60,
            "StartTime": now - datetime.timedelta(hours=1), "EndTime": now})
        self.assertEqual(status, 400)
        self.assertEqual(headers.get("smithy-protocol"), "rpc-v2-cbor")
        # CloudWatch is awsQueryCompatible: the SDKs take the code from `x-amzn-query-error`.
        self.assertEqual(headers.get("x-amzn-query-error"), "InvalidParameterCombination;Sender")
        self.assertEqual((body["__type"], body["message"]),
                         ("GraniteServiceVersion20100801#InvalidParameterCombinationException",
                          "Must specify either Statistics or ExtendedStatistics"))

    def test_a_policy_or_scheduled_action_needs_a_registered_target(self) -> None:
        x = Ecs(self.server)
        aas = x.account.client("application-autoscaling")
        want = ("ObjectNotFoundException",
                "No scalable target registered for service namespace: ecs, resource ID: "
                "service/c/web, scalable dimension: ecs:service:DesiredCount")
        self.assertEqual(error(lambda: aas.put_scaling_policy(
            PolicyName="web-cpu-above", PolicyType="StepScaling",
            StepScalingPolicyConfiguration=STEP, **TARGET)), want)
        self.assertEqual(error(lambda: aas.put_scheduled_action(
            ScheduledActionName="web-night", Schedule="cron(0 20 ? * MON-FRI *)",
            ScalableTargetAction={"MinCapacity": 0, "MaxCapacity": 0}, **TARGET)), want)
        self.assertEqual(aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"], [])
        self.assertEqual(aas.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"], [])

    def test_a_step_policy_lists_its_alarm_which_outlives_it(self) -> None:
        x, aas = self.target()
        arn = aas.put_scaling_policy(PolicyName="web-cpu-above", PolicyType="StepScaling",
                                     StepScalingPolicyConfiguration=STEP, **TARGET)["PolicyARN"]
        cw = x.account.client("cloudwatch")
        cw.put_metric_alarm(AlarmName="web-cpu-above", Namespace="AWS/ECS", MetricName="CPUUtilization",
                            Statistic="Average", Period=60, EvaluationPeriods=2, Threshold=60.0,
                            ComparisonOperator="GreaterThanThreshold", AlarmActions=[arn])
        cw.put_metric_alarm(AlarmName="unrelated", Namespace="AWS/ECS", MetricName="CPUUtilization",
                            Statistic="Average", Period=60, EvaluationPeriods=2, Threshold=90.0,
                            ComparisonOperator="GreaterThanThreshold")
        policy = aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"][0]
        self.assertEqual([a["AlarmName"] for a in policy["Alarms"]], ["web-cpu-above"])
        aas.delete_scaling_policy(PolicyName="web-cpu-above", **TARGET)
        names = [a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]]
        self.assertEqual(sorted(names), ["unrelated", "web-cpu-above"])

    def test_scheduled_actions_page_at_50(self) -> None:
        _, aas = self.target()
        for i in range(3):
            aas.put_scheduled_action(ScheduledActionName=f"web-{i}", Schedule="cron(0 20 ? * MON-FRI *)",
                                     Timezone="Europe/Berlin",
                                     ScalableTargetAction={"MinCapacity": 0, "MaxCapacity": i}, **TARGET)
        first = aas.describe_scheduled_actions(ServiceNamespace="ecs", MaxResults=2)
        self.assertEqual(len(first["ScheduledActions"]), 2)
        rest = aas.describe_scheduled_actions(ServiceNamespace="ecs", MaxResults=2,
                                              NextToken=first["NextToken"])
        self.assertEqual(len(rest["ScheduledActions"]), 1)
        self.assertNotIn("NextToken", rest)
        code, message = error(lambda: aas.describe_scheduled_actions(ServiceNamespace="ecs", MaxResults=51))
        self.assertEqual(code, "ValidationException")
        self.assertIn("less than or equal to 50", message)


if __name__ == "__main__":
    unittest.main()
