"""moto's IAM enforcement as the `ecsctl permissions` test needs it (docs/emulator.md, "IAM
enforcement"; scripts/moto/patches_auth.py): a statement scoped to an ARN moto cannot name still
grants its actions, a Condition moto has no request context for does not deny, a denial on a JSON
service is that service's JSON AccessDeniedException naming the action, and an unknown access key
is still refused.
"""

from __future__ import annotations

import json
import unittest
import urllib.request

import boto3
from botocore.exceptions import ClientError

from tests.emulator_py.support import NO_RETRY, REGION, PrivateServerTest

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["ecs:DescribeClusters"],
         "Resource": "arn:aws:ecs:eu-west-1:*:cluster/only-this"},
        {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole",
         "Resource": "arn:aws:iam::*:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
         "Condition": {"StringEquals": {"iam:AWSServiceName": "ecs.amazonaws.com"}}},
    ],
}


class IamEnforcement(PrivateServerTest):
    SETTINGS = {"ECSCTL_EMULATOR_MODE": "instant", "INITIAL_NO_AUTH_ACTION_COUNT": "1000000"}

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        iam = cls.server.account().client("iam")
        iam.create_user(UserName="ci")
        iam.put_user_policy(UserName="ci", PolicyName="p", PolicyDocument=json.dumps(POLICY))
        key = iam.create_access_key(UserName="ci")["AccessKey"]
        cls.user = boto3.session.Session(
            aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
            region_name=REGION)
        request = urllib.request.Request(
            f"{cls.server.endpoint}/moto-api/reset-auth", data=b"0", method="POST",
            headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(request).read()

    def client(self, service: str):  # type: ignore[no-untyped-def]
        return self.user.client(service, endpoint_url=self.server.endpoint, config=NO_RETRY)

    def test_a_scoped_statement_grants_its_action(self) -> None:
        self.client("ecs").describe_clusters(clusters=["only-this"])

    def test_a_denied_json_call_is_access_denied_exception_naming_the_action(self) -> None:
        with self.assertRaises(ClientError) as raised:
            self.client("ecs").list_clusters()
        error = raised.exception.response["Error"]
        self.assertEqual(error["Code"], "AccessDeniedException")
        self.assertIn("is not authorized to perform: ecs:ListClusters", error["Message"])

    def test_a_condition_without_request_context_does_not_deny(self) -> None:
        self.client("iam").create_service_linked_role(AWSServiceName="ecs.amazonaws.com")

    def test_an_unknown_access_key_is_refused(self) -> None:
        stranger = boto3.client("ecs", endpoint_url=self.server.endpoint, config=NO_RETRY,
                                aws_access_key_id="AKIAUNKNOWN000000000",
                                aws_secret_access_key="x")
        with self.assertRaises(ClientError):
            stranger.describe_clusters(clusters=["only-this"])


if __name__ == "__main__":
    unittest.main()
