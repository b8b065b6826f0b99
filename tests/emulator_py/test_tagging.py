"""The Resource Groups Tagging API's GetResources as AWS answers it (docs/emulator.md, "Resource
Groups Tagging API"; scripts/moto/patches_tagging.py): the resource types ecsctl reads (log
groups, Cloud Map namespaces and services, ECS clusters, services and task definitions), tag
filters, paging at the suite's page size and at AWS's, the index's lag behind the services, and
nothing from other accounts or regions.
"""

from __future__ import annotations

import time
import unittest
from typing import Any

from botocore.exceptions import ClientError

from tests.emulator_py.support import (NO_RETRY, Account, InstantServerTest, PrivateServerTest, eventually)

# Long enough that a read straight after a write lands inside it on a busy machine.
LAG_MS = 1000
LAG = LAG_MS / 1000

ECSCTL_TYPES = ["logs:log-group", "servicediscovery:namespace", "servicediscovery:service"]


def ownership(app: str, env: str) -> list[dict[str, Any]]:
    """The TagFilters ecsctl sends."""
    return [{"Key": "ecsctl:managed-by", "Values": ["ecsctl"]},
            {"Key": "ecsctl:app", "Values": [app]},
            {"Key": "ecsctl:env", "Values": [env]}]


def owned_tags(app: str, env: str) -> dict[str, str]:
    return {"ecsctl:managed-by": "ecsctl", "ecsctl:app": app, "ecsctl:env": env}


def sd_tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def error(call: Any) -> tuple[str, str, int]:
    try:
        call()
    except ClientError as e:
        return (e.response["Error"]["Code"], e.response["Error"]["Message"],
                e.response["ResponseMetadata"]["HTTPStatusCode"])
    raise AssertionError("expected an AWS error, the call succeeded")


def pages(account: Account, **request: Any) -> list[dict[str, Any]]:
    """Every page of GetResources for `request`, following PaginationToken to the empty one."""
    tagging = account.client("resourcegroupstaggingapi")
    out, token = [], ""
    for _ in range(1000):
        page = tagging.get_resources(**request, **({"PaginationToken": token} if token else {}))
        out.append(page)
        token = page["PaginationToken"]
        if token == "":
            return out
    raise AssertionError("GetResources never answered an empty PaginationToken")


def listed(account: Account, **request: Any) -> dict[str, dict[str, str]]:
    """ARN -> tags over every page."""
    return {r["ResourceARN"]: {t["Key"]: t["Value"] for t in r["Tags"]}
            for page in pages(account, **request) for r in page["ResourceTagMappingList"]}


def log_group_arn(account: Account, name: str, region: str = "eu-west-1") -> str:
    return f"arn:aws:logs:{region}:{account.id}:log-group:{name}"


class Instant(InstantServerTest):
    """No lag (instant mode): types, filters, AWS's page size, errors, accounts and regions."""

    def test_ecsctl_request_lists_its_log_groups_and_cloud_map_resources(self) -> None:
        a = self.server.account()
        logs, sd, ecs = a.client("logs"), a.client("servicediscovery"), a.client("ecs")
        logs.create_log_group(logGroupName="/ecsctl/shop/prod/web", tags=owned_tags("shop", "prod"))
        logs.create_log_group(logGroupName="/ecsctl/shop/dev/web", tags=owned_tags("shop", "dev"))
        logs.create_log_group(logGroupName="/other", tags={"team": "x"})
        logs.create_log_group(logGroupName="/untagged")
        op = sd.create_http_namespace(Name="shop-prod", Tags=sd_tags(owned_tags("shop", "prod")))
        ns = sd.get_operation(OperationId=op["OperationId"])["Operation"]["Targets"]["NAMESPACE"]
        ns_arn = sd.get_namespace(Id=ns)["Namespace"]["Arn"]
        svc = sd.create_service(Name="web", NamespaceId=ns, Type="HTTP",
                                Tags=sd_tags(owned_tags("shop", "prod")))["Service"]
        cluster = ecs.create_cluster(clusterName="shop-prod",
                                     tags=[{"key": k, "value": v} for k, v in
                                           owned_tags("shop", "prod").items()])["cluster"]

        got = listed(a, TagFilters=ownership("shop", "prod"), ResourceTypeFilters=ECSCTL_TYPES,
                     ResourcesPerPage=100)
        self.assertEqual(got, {
            log_group_arn(a, "/ecsctl/shop/prod/web"): owned_tags("shop", "prod"),
            ns_arn: owned_tags("shop", "prod"),
            svc["Arn"]: owned_tags("shop", "prod"),
        })
        # Without the type filter the ECS cluster matches too.
        self.assertIn(cluster["clusterArn"], listed(a, TagFilters=ownership("shop", "prod")))

    def test_type_filters_by_service_and_resource_type(self) -> None:
        a = self.server.account()
        logs, sd, ecs = a.client("logs"), a.client("servicediscovery"), a.client("ecs")
        logs.create_log_group(logGroupName="/g", tags={"k": "v"})
        op = sd.create_http_namespace(Name="ns", Tags=[{"Key": "k", "Value": "v"}])
        ns = sd.get_operation(OperationId=op["OperationId"])["Operation"]["Targets"]["NAMESPACE"]
        ns_arn = sd.get_namespace(Id=ns)["Namespace"]["Arn"]
        svc = sd.create_service(Name="s", NamespaceId=ns, Type="HTTP",
                                Tags=[{"Key": "k", "Value": "v"}])["Service"]["Arn"]
        kv = [{"key": "k", "value": "v"}]
        cluster = ecs.create_cluster(clusterName="c", tags=kv)["cluster"]["clusterArn"]
        td = ecs.register_task_definition(
            family="web", tags=kv, containerDefinitions=[{"name": "app", "image": "nginx",
                                                          "memory": 128}])["taskDefinition"]
        subnet, sg = a.network()
        service = ecs.create_service(
            cluster="c", serviceName="web", taskDefinition="web:1", desiredCount=0, tags=kv,
            networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet],
                                                          "securityGroups": [sg]}})["service"]

        def types(*filters: str) -> set[str]:
            return set(listed(a, ResourceTypeFilters=list(filters)))

        group = log_group_arn(a, "/g")
        self.assertEqual(types("logs:log-group"), {group})
        self.assertEqual(types("logs"), {group})
        self.assertEqual(types("logs:loggroup"), set(), "moto's name for the type is not AWS's")
        self.assertEqual(types("servicediscovery:namespace"), {ns_arn})
        self.assertEqual(types("servicediscovery:service"), {svc})
        self.assertEqual(types("servicediscovery"), {ns_arn, svc})
        self.assertEqual(types("ecs:cluster"), {cluster})
        self.assertEqual(types("ecs:task-definition"), {td["taskDefinitionArn"]})
        self.assertEqual(types("ecs:service"), {service["serviceArn"]})
        self.assertEqual(types("logs:log-group", "ecs:cluster"), {group, cluster})
        self.assertEqual(types(), {group, ns_arn, svc, cluster, td["taskDefinitionArn"],
                                   service["serviceArn"]})

    def test_tag_filters_and_across_keys_or_across_values_any_value_without_values(self) -> None:
        a = self.server.account()
        logs = a.client("logs")
        for name, tags in {"/a": {"app": "shop", "env": "prod"}, "/b": {"app": "shop", "env": "dev"},
                           "/c": {"app": "blog", "env": "prod"}, "/d": {"app": "shop"},
                           "/e": {"env": ""}}.items():
            logs.create_log_group(logGroupName=name, tags=tags)

        def names(*filters: dict[str, Any]) -> set[str]:
            return {arn.rsplit(":", 1)[1] for arn in listed(a, TagFilters=list(filters))}

        self.assertEqual(names({"Key": "app", "Values": ["shop"]}), {"/a", "/b", "/d"})
        self.assertEqual(names({"Key": "app", "Values": ["shop"]}, {"Key": "env", "Values": ["prod"]}),
                         {"/a"})
        self.assertEqual(names({"Key": "env", "Values": ["prod", "dev"]}), {"/a", "/b", "/c"})
        self.assertEqual(names({"Key": "env"}), {"/a", "/b", "/c", "/e"})
        self.assertEqual(names({"Key": "env", "Values": []}), {"/a", "/b", "/c", "/e"})
        self.assertEqual(names({"Key": "app", "Values": ["shop"]}, {"Key": "env"}), {"/a", "/b"})
        self.assertEqual(names({"Key": "nope"}), set())

    def test_untagged_resources_are_not_listed(self) -> None:
        a = self.server.account()
        logs = a.client("logs")
        logs.create_log_group(logGroupName="/bare")
        logs.create_log_group(logGroupName="/was-tagged", tags={"k": "v"})
        logs.untag_resource(resourceArn=log_group_arn(a, "/was-tagged"), tagKeys=["k"])
        a.client("ecs").create_cluster(clusterName="bare")
        self.assertEqual(listed(a), {})

    def test_pages_at_aws_size_of_100_with_an_empty_last_token(self) -> None:
        a = self.server.account()
        logs = a.client("logs")
        for i in range(101):
            logs.create_log_group(logGroupName=f"/g/{i:03}", tags={"k": "v"})
        got = pages(a, TagFilters=[{"Key": "k"}])
        self.assertEqual([len(p["ResourceTagMappingList"]) for p in got], [100, 1])
        self.assertNotEqual(got[0]["PaginationToken"], "")
        arns = [r["ResourceARN"] for p in got for r in p["ResourceTagMappingList"]]
        self.assertEqual(arns, sorted(log_group_arn(a, f"/g/{i:03}") for i in range(101)))
        got = pages(a, TagFilters=[{"Key": "k"}], ResourcesPerPage=40)
        self.assertEqual([len(p["ResourceTagMappingList"]) for p in got], [40, 40, 21])

    def test_tags_per_page_never_splits_a_resource(self) -> None:
        a = self.server.account()
        logs = a.client("logs")
        for i in range(5):
            logs.create_log_group(logGroupName=f"/t/{i}",
                                  tags={f"k{j}": "v" for j in range(40)})
        got = pages(a, TagsPerPage=100)
        self.assertEqual([len(p["ResourceTagMappingList"]) for p in got], [2, 2, 1])

    def test_page_a_write_between_pages_neither_repeats_nor_skips(self) -> None:
        a = self.server.account()
        logs, tagging = a.client("logs"), a.client("resourcegroupstaggingapi")
        for name in ("/p/1", "/p/2", "/p/4"):
            logs.create_log_group(logGroupName=name, tags={"k": "v"})
        first = tagging.get_resources(ResourcesPerPage=2)
        logs.delete_log_group(logGroupName="/p/1")
        logs.create_log_group(logGroupName="/p/3", tags={"k": "v"})
        rest = tagging.get_resources(ResourcesPerPage=2, PaginationToken=first["PaginationToken"])
        self.assertEqual([r["ResourceARN"] for r in first["ResourceTagMappingList"]],
                         [log_group_arn(a, "/p/1"), log_group_arn(a, "/p/2")])
        self.assertEqual([r["ResourceARN"] for r in rest["ResourceTagMappingList"]],
                         [log_group_arn(a, "/p/3"), log_group_arn(a, "/p/4")])
        self.assertEqual(rest["PaginationToken"], "")

    def test_invalid_parameters_are_invalid_parameter_exception(self) -> None:
        tagging = self.server.account().client("resourcegroupstaggingapi")
        cases = [
            (dict(ResourcesPerPage=0), "ResourcesPerPage must be between 1 and 100, not 0."),
            (dict(ResourcesPerPage=101), "ResourcesPerPage must be between 1 and 100, not 101."),
            (dict(TagsPerPage=99), "TagsPerPage must be between 100 and 500, not 99."),
            (dict(PaginationToken="not-a-token"), "The specified PaginationToken is not valid."),
            (dict(ResourceARNList=["arn:aws:logs:eu-west-1:123456789012:log-group:/g"],
                  TagFilters=[{"Key": "k"}]),
             "ResourceARNList cannot be combined with TagFilters, ResourceTypeFilters, "
             "ResourcesPerPage, TagsPerPage or PaginationToken."),
            (dict(TagFilters=[{"Key": f"k{i}"} for i in range(51)]),
             "TagFilters take at most 50 keys of at most 20 values each."),
        ]
        for request, message in cases:
            with self.subTest(request=request):
                self.assertEqual(error(lambda: tagging.get_resources(**request)),
                                 ("InvalidParameterException", message, 400))

    def test_resource_arn_list_selects_those_resources(self) -> None:
        a = self.server.account()
        logs = a.client("logs")
        logs.create_log_group(logGroupName="/x", tags={"k": "v"})
        logs.create_log_group(logGroupName="/y", tags={"k": "w"})
        got = listed(a, ResourceARNList=[log_group_arn(a, "/y"), log_group_arn(a, "/missing")])
        self.assertEqual(got, {log_group_arn(a, "/y"): {"k": "w"}})

    def test_other_accounts_and_regions_are_never_listed(self) -> None:
        a, b = self.server.account(), self.server.account()
        b.client("logs").create_log_group(logGroupName="/b", tags={"k": "v"})
        b.client("servicediscovery").create_http_namespace(Name="b", Tags=[{"Key": "k", "Value": "v"}])
        elsewhere = a.session.client("logs", region_name="us-east-1", endpoint_url=a.endpoint,
                                     config=NO_RETRY)
        elsewhere.create_log_group(logGroupName="/us", tags={"k": "v"})
        a.client("logs").create_log_group(logGroupName="/a", tags={"k": "v"})
        self.assertEqual(listed(a, TagFilters=[{"Key": "k"}]), {log_group_arn(a, "/a"): {"k": "v"}})
        us = a.session.client("resourcegroupstaggingapi", region_name="us-east-1",
                              endpoint_url=a.endpoint, config=NO_RETRY)
        self.assertEqual([r["ResourceARN"] for r in us.get_resources()["ResourceTagMappingList"]],
                         [log_group_arn(a, "/us", "us-east-1")])

    def test_recreated_log_group_does_not_inherit_the_deleted_ones_tags(self) -> None:
        a = self.server.account()
        logs = a.client("logs")
        logs.create_log_group(logGroupName="/again", tags={"old": "1"})
        logs.delete_log_group(logGroupName="/again")
        logs.create_log_group(logGroupName="/again")
        self.assertEqual(logs.list_tags_for_resource(resourceArn=log_group_arn(a, "/again"))["tags"], {})
        self.assertEqual(listed(a), {})


class Realistic(PrivateServerTest):
    """The suite's page size (2) and a lagging index."""

    SETTINGS = dict(ECSCTL_EMULATOR_MODE="realistic", ECSCTL_EMULATOR_PAGE_SIZE="2",
                    ECSCTL_EMULATOR_TAG_INDEX_MS=str(LAG_MS))

    def settles(self, a: Account, expected: dict[str, dict[str, str]]) -> None:
        eventually(lambda: listed(a) == expected, timeout=LAG + 5)

    def inside_window(self, since: float) -> None:
        self.assertLess(time.monotonic() - since, LAG, "the machine is too slow for this window")

    def test_pages_at_the_suite_size_of_two_even_when_asked_for_100(self) -> None:
        a = self.server.account()
        logs = a.client("logs")
        for i in range(5):
            logs.create_log_group(logGroupName=f"/two/{i}", tags=owned_tags("shop", "prod"))
        eventually(lambda: len(listed(a)) == 5, timeout=LAG + 5)
        got = pages(a, TagFilters=ownership("shop", "prod"), ResourceTypeFilters=ECSCTL_TYPES,
                    ResourcesPerPage=100)
        self.assertEqual([len(p["ResourceTagMappingList"]) for p in got], [2, 2, 1])
        self.assertEqual([p["PaginationToken"] == "" for p in got], [False, False, True])
        got = pages(a, ResourcesPerPage=1)
        self.assertEqual([len(p["ResourceTagMappingList"]) for p in got], [1] * 5)

    def test_new_tagged_log_group_is_absent_until_the_index_catches_up(self) -> None:
        a = self.server.account()
        since = time.monotonic()
        a.client("logs").create_log_group(logGroupName="/new", tags={"k": "v"})
        self.assertEqual(listed(a), {})
        self.inside_window(since)
        self.settles(a, {log_group_arn(a, "/new"): {"k": "v"}})

    def test_retag_shows_the_old_tags_then_the_new(self) -> None:
        a = self.server.account()
        logs = a.client("logs")
        arn = log_group_arn(a, "/retag")
        logs.create_log_group(logGroupName="/retag", tags={"env": "dev"})
        self.settles(a, {arn: {"env": "dev"}})
        since = time.monotonic()
        logs.tag_resource(resourceArn=arn, tags={"env": "prod", "team": "x"})
        self.assertEqual(listed(a), {arn: {"env": "dev"}})
        self.inside_window(since)
        self.settles(a, {arn: {"env": "prod", "team": "x"}})
        since = time.monotonic()
        logs.untag_log_group(logGroupName="/retag", tags=["team"])
        self.assertEqual(listed(a), {arn: {"env": "prod", "team": "x"}})
        self.inside_window(since)
        self.settles(a, {arn: {"env": "prod"}})

    def test_deleted_log_group_is_still_listed_with_its_last_tags_then_gone(self) -> None:
        a = self.server.account()
        logs = a.client("logs")
        arn = log_group_arn(a, "/gone")
        logs.create_log_group(logGroupName="/gone", tags={"k": "v"})
        self.settles(a, {arn: {"k": "v"}})
        since = time.monotonic()
        logs.delete_log_group(logGroupName="/gone")
        self.assertEqual(listed(a, TagFilters=[{"Key": "k", "Values": ["v"]}]), {arn: {"k": "v"}})
        self.inside_window(since)
        self.settles(a, {})

    def test_cloud_map_namespace_and_service_lag_in_both_directions(self) -> None:
        a = self.server.account()
        sd = a.client("servicediscovery")
        since = time.monotonic()
        op = sd.create_http_namespace(Name="ns", Tags=[{"Key": "k", "Value": "v"}])
        ns = sd.get_operation(OperationId=op["OperationId"])["Operation"]["Targets"]["NAMESPACE"]
        svc = sd.create_service(Name="s", NamespaceId=ns, Type="HTTP",
                                Tags=[{"Key": "k", "Value": "v"}])["Service"]
        self.assertEqual(listed(a), {})
        self.inside_window(since)
        ns_arn = sd.get_namespace(Id=ns)["Namespace"]["Arn"]
        both = {ns_arn: {"k": "v"}, svc["Arn"]: {"k": "v"}}
        self.settles(a, both)
        since = time.monotonic()
        sd.delete_service(Id=svc["Id"])
        sd.delete_namespace(Id=ns)
        self.assertEqual(listed(a), both)
        self.inside_window(since)
        self.settles(a, {})

    def test_recreated_within_the_window_shows_the_deleted_groups_tags(self) -> None:
        a = self.server.account()
        logs = a.client("logs")
        arn = log_group_arn(a, "/cycle")
        logs.create_log_group(logGroupName="/cycle", tags={"gen": "1"})
        self.settles(a, {arn: {"gen": "1"}})
        since = time.monotonic()
        logs.delete_log_group(logGroupName="/cycle")
        logs.create_log_group(logGroupName="/cycle", tags={"gen": "2"})
        self.assertEqual(listed(a), {arn: {"gen": "1"}})
        self.inside_window(since)
        self.settles(a, {arn: {"gen": "2"}})


if __name__ == "__main__":
    unittest.main()
