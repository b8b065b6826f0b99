"""ECS Service Connect (scripts/moto/patches_service_connect.py, docs/emulator.md "Service
Connect"): a deployment reports the configuration it was made with; UpdateService keeps it
unless sent and `enabled: false` turns it off; the namespace, the port name and the client
alias are checked; a discovery name another service still uses is refused; service registries
and Service Connect do not mix.
"""

from __future__ import annotations

import unittest
from typing import Any


from tests.emulator_py.support import InstantServerTest, PrivateServerTest, eventually
from tests.emulator_py.test_ecs_realism import Ecs, error


class ServiceConnect(InstantServerTest):
    def setup(self) -> tuple[Ecs, str]:
        """An account with the namespace `app.local` and `api:1` publishing the port `http`."""
        x = Ecs(self.server)
        x.ecs.register_task_definition(
            family="api", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
            memory="512", containerDefinitions=[{"name": "api", "image": "nginx", "portMappings": [
                {"containerPort": 8080, "name": "http", "appProtocol": "http"}]}])
        sd = x.account.client("servicediscovery")
        vpc = x.account.client("ec2").describe_subnets(SubnetIds=[x.subnet])["Subnets"][0]["VpcId"]
        sd.create_private_dns_namespace(Name="app.local", Vpc=vpc)
        arn = eventually(lambda: next((n["Arn"] for n in sd.list_namespaces()["Namespaces"]
                                       if n["Name"] == "app.local"), None))
        return x, arn

    @staticmethod
    def config(port: str = "http", name: str = "api", **kw: Any) -> dict[str, Any]:
        c = {"enabled": True, "namespace": "app.local", "services": [
            {"portName": port, "discoveryName": name,
             "clientAliases": [{"dnsName": f"{name}.app.local", "port": 8080}]}]}
        c.update(kw)
        return c

    def create(self, x: Ecs, name: str, config: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return x.ecs.create_service(cluster="c", serviceName=name, taskDefinition="api:1",
                                    desiredCount=1, networkConfiguration=x.net,
                                    serviceConnectConfiguration=config, **kw)["service"]

    def test_each_deployment_reports_its_configuration(self) -> None:
        x, arn = self.setup()
        created = self.create(x, "api", self.config())
        reported = created["deployments"][0]["serviceConnectConfiguration"]
        self.assertEqual(reported, self.config(namespace=arn))
        self.assertNotIn("serviceConnectConfiguration", created, "not on the service")
        first = eventually(lambda: x.service("api"))["deployments"][0]["id"]
        x.ecs.update_service(cluster="c", service="api", desiredCount=2)
        s = eventually(lambda: x.service("api"))
        self.assertEqual(s["deployments"][0]["id"], first, "kept, no new deployment")
        self.assertEqual(s["deployments"][0]["serviceConnectConfiguration"], reported)
        x.ecs.update_service(cluster="c", service="api",
                             serviceConnectConfiguration={"enabled": False})
        s = eventually(lambda: x.service("api"))
        self.assertNotEqual(s["deployments"][0]["id"], first)
        self.assertEqual(s["deployments"][0]["serviceConnectConfiguration"], {"enabled": False})

    def test_what_ecs_checks(self) -> None:
        x, arn = self.setup()
        code, message = error(lambda: self.create(x, "a", self.config(namespace="other.local")))
        self.assertEqual(code, "InvalidParameterException")
        self.assertIn("other.local", message)
        code, message = error(lambda: self.create(x, "b", self.config(port="grpc")))
        self.assertEqual(code, "InvalidParameterException")
        self.assertIn("grpc", message)
        two = self.config()
        two["services"][0]["clientAliases"].append({"dnsName": "api2", "port": 9090})
        self.assertEqual(error(lambda: self.create(x, "c", two))[0], "InvalidParameterException")
        sd = x.account.client("servicediscovery")
        ns_id = arn.rsplit("/", 1)[-1]
        registry = sd.create_service(Name="api", NamespaceId=ns_id, DnsConfig={
            "DnsRecords": [{"Type": "A", "TTL": 60}]})["Service"]["Arn"]
        code, _ = error(lambda: self.create(x, "d", self.config(),
                                            serviceRegistries=[{"registryArn": registry}]))
        self.assertEqual(code, "InvalidParameterException")
        self.assertEqual(x.ecs.list_services(cluster="c")["serviceArns"], [],
                         "nothing created by a refused call")

    def test_a_discovery_name_in_use_is_refused(self) -> None:
        x, arn = self.setup()
        self.create(x, "api", self.config())
        self.assertEqual(error(lambda: self.create(x, "api-2", self.config())), (
            "InvalidParameterException",
            f"CreateService error: SC service is already used by {arn}"))
        self.create(x, "other", self.config(name="other"))
        # Deleted (at once in instant mode): free again.
        x.ecs.delete_service(cluster="c", service="api", force=True)
        self.create(x, "api-3", self.config())


class WhileDraining(PrivateServerTest):
    SETTINGS = dict(ECSCTL_EMULATOR_MODE="realistic", ECSCTL_EMULATOR_MISSING_MS=0,
                    ECSCTL_EMULATOR_STALE_MS=0, ECSCTL_EMULATOR_IAM_PROPAGATION_MS=0,
                    ECSCTL_EMULATOR_SLR_PROPAGATION_MS=0, ECSCTL_EMULATOR_DRAIN_MS=60000,
                    ECSCTL_EMULATOR_RATE_LIMITS="off")

    def test_a_draining_service_still_holds_its_name(self) -> None:
        case = ServiceConnect()
        case.server = self.server
        x, arn = case.setup()
        case.create(x, "api", case.config())
        eventually(lambda: x.service("api"))
        x.ecs.delete_service(cluster="c", service="api", force=True)
        self.assertEqual(error(lambda: case.create(x, "api-2", case.config())), (
            "InvalidParameterException",
            f"CreateService error: SC service is already used by {arn}"))


if __name__ == "__main__":
    unittest.main()
