"""The Resource Groups Tagging API's GetResources for the resources ecsctl owns: CloudWatch Logs
log groups, Cloud Map namespaces and services, ECS clusters, services, task definitions and
tasks, with AWS's filters, paging and lagging index (docs/emulator.md, "Resource Groups Tagging
API").

Owns the GetResources response handler and a per-account journal of tag changes to log groups
and Cloud Map resources; must not change what the Logs, Cloud Map or ECS backends store (it
wraps their writes only to note when tags changed), and answers no other tagging operation.

AWS sources (GetResources, Resource Groups Tagging API reference,
https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html):
- TagFilters: "If you specify more than one filter in a single request, the response returns
  only those resources that satisfy all filters"; "more than one value for a key ... any of the
  specified values"; "If you don't specify a value for a key, the response returns all resources
  that are tagged with that key, with any or no value". Up to 50 keys, 20 values each.
- ResourceTypeFilters: `service[:resourceType]`, "the same as that embedded in a resource's
  Amazon Resource Name (ARN)": `logs:log-group`, `servicediscovery:namespace`,
  `servicediscovery:service`, `ecs:cluster`, `ecs:service`, `ecs:task-definition`; `logs`
  alone selects every Logs type. Up to 100 items.
- "GetResources does not return untagged resources." A log group's ARN is the one without
  `:*` (Service Authorization Reference, CloudWatch Logs resource type `log-group`:
  `arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}`; cloud-custodian PR
  #9722 strips DescribeLogGroups' `:*` to match the tagging API's ARNs).
- ResourcesPerPage "a minimum of 1 and a maximum value of 100" (the default is not documented:
  100 is assumed); TagsPerPage 100..500 ("A resource with no tags is counted as having one tag";
  a resource is never split across pages). Errors listed: InvalidParameterException ("A
  provided string parameter is malformed", "An provided parameter value is out of range") and
  PaginationTokenExpiredException ("valid for a maximum of 15 minutes"). A token that is not one
  of ours is malformed, so InvalidParameterException; tokens here do not expire. The messages
  are ours (AWS's texts are not documented). The last page's PaginationToken is "" (the
  reference: "until you recieve a null value"; the AWS CLI and SDKs stop on an empty token).
- The index lags: GetResources "Returns all the tagged or previously tagged resources"; AWS
  explains that services are onboarded to "an internal tag management service" and "sometimes
  we get stale resources as part of the response" (aws/aws-sdk#302); deleted resources are
  still listed for a while (aws/aws-cli#4173: "This seems like it's just eventual consistency",
  the reporter still saw them after 20 minutes; aws/aws-sdk#676). AWS publishes no figure;
  `ECSCTL_EMULATOR_TAG_INDEX_MS` (realism.py) sets the lag.

moto 5.2.1 (resourcegroupstaggingapi/models.py): serves ECS and Logs only (no Cloud Map), names
the log-group type `logs:loggroup`, lists untagged ECS resources when no TagFilters are sent, its
range checks can never fail (`1 >= n >= 50`), the default page is 50, the last page's token is
null, and pages live in a server-side generator (a token replays a generator that ignores later
writes). moto's CloudWatch Logs keeps a deleted log group's tags, so a log group created again
under the same name inherited them.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any, Callable

import patches
import realism
from patchset import PatchSet

PATCHES = PatchSet()
_patch = PATCHES.patch

Tags = dict[str, str]
# ARN -> tags (an empty dict: the resource exists, untagged).
State = dict[str, Tags]

# (account, region) -> ARN -> [(time, tags before or None, tags after or None)], oldest first:
# the changes the index has not caught up with yet (older ones are dropped on the next read).
_JOURNAL: dict[tuple[str, str], dict[str, list[tuple[float, Tags | None, Tags | None]]]] = {}
# Re-entrant: moto's CreateLogGroup calls the (also wrapped) tag_resource.
_LOCK = threading.RLock()
_DEPTH = threading.local()

AWS_PAGE = 100
MAX_TAG_FILTERS = 50
MAX_TAG_VALUES = 20
MAX_TYPE_FILTERS = 100


# ---------------------------------------------------------------------------------------------
# What each service holds now


def _logs_state(backend: Any) -> State:
    return {g.arn: dict(backend.tagger.get_tag_dict_for_resource(g.arn))
            for g in list(backend.groups.values())}


def _servicediscovery_state(backend: Any) -> State:
    items = list(backend.namespaces.values()) + list(backend.services.values())
    return {x.arn: dict(backend.tagger.get_tag_dict_for_resource(x.arn)) for x in items}


def _ecs_state(backend: Any) -> State:
    def tags(obj: Any) -> Tags:
        return {t["key"]: t["value"] for t in (getattr(obj, "tags", None) or [])}

    state: State = {}
    for service in list(backend.services.values()):
        state[service.physical_resource_id] = tags(service)
    for cluster in list(backend.clusters.values()):
        state[cluster.arn] = tags(cluster)
    for revisions in list(backend.task_definitions.values()):
        for td in list(revisions.values()):
            state[td.arn] = tags(td)
    for per_cluster in list(backend.tasks.values()):
        for task in list(per_cluster.values()):
            state[task.task_arn] = tags(task)
    return state


# ---------------------------------------------------------------------------------------------
# The journal


def _record(account: str, region: str, before: State, after: State) -> None:
    at = realism.now()
    changed = {arn for arn in before.keys() | after.keys() if before.get(arn) != after.get(arn)}
    if not changed:
        return
    cutoff = at - realism.window("tag_index")
    journal = _JOURNAL.setdefault((account, region), {})
    for arn in changed:
        # Changes the index has caught up with need no entry (also bounds an unread journal).
        entries = [e for e in journal.get(arn, []) if e[0] > cutoff]
        if cutoff < at:
            entries.append((at, before.get(arn), after.get(arn)))
        if entries:
            journal[arn] = entries
        else:
            journal.pop(arn, None)


def _journaled(original: Callable[..., Any], state: Callable[[Any], State]) -> Callable[..., Any]:
    """`original` (a backend write), noting every tag state it changed and when."""

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            depth = getattr(_DEPTH, "n", 0)
            if depth:  # inside another journaled write: the outer one records the net change
                return original(self, *args, **kwargs)
            before = state(self)
            _DEPTH.n = 1
            try:
                return original(self, *args, **kwargs)
            finally:
                _DEPTH.n = 0
                _record(self.account_id, self.region_name, before, state(self))

    method.__name__ = original.__name__
    return method


def indexed(account: str, region: str, live: State) -> State:
    """What the tagging index shows now: `live` as it was `TAG_INDEX_MS` ago. A change younger
    than the window is not visible yet: the ARN shows the state before its oldest such change
    (absent when it did not exist then). Drops changes the index has caught up with."""
    cutoff = realism.now() - realism.window("tag_index")
    view = dict(live)
    with _LOCK:
        journal = _JOURNAL.get((account, region), {})
        for arn in list(journal):
            pending = [e for e in journal[arn] if e[0] > cutoff]
            if not pending:
                del journal[arn]
                continue
            journal[arn] = pending
            before = pending[0][1]
            if before is None:
                view.pop(arn, None)
            else:
                view[arn] = before
    return view


# ---------------------------------------------------------------------------------------------
# Filters


def resource_type(arn: str) -> tuple[str, str]:
    """(service, resource type) as embedded in the ARN: `arn:aws:logs:R:A:log-group:NAME` ->
    ("logs", "log-group"), `arn:aws:ecs:R:A:task-definition/web:1` -> ("ecs", "task-definition")."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return "", ""
    return parts[2], re.split(r"[/:]", parts[5], maxsplit=1)[0]


def type_selected(arn: str, type_filters: list[str]) -> bool:
    if not type_filters:
        return True
    service, rtype = resource_type(arn)
    return any(f in (service, f"{service}:{rtype}") for f in type_filters)


def tags_match(tags: Tags, tag_filters: list[dict[str, Any]]) -> bool:
    """AND across filters, OR across one filter's Values; no Values: the key with any value."""
    for f in tag_filters:
        key, values = f.get("Key"), f.get("Values") or []
        if key not in tags or (values and tags[key] not in values):
            return False
    return True


# ---------------------------------------------------------------------------------------------
# Paging


def page(arns: list[str], per_page: int, tags_per_page: int | None, view: State,
         after: str | None) -> tuple[list[str], str | None]:
    """One page of the sorted ARNs after `after`: at most `per_page` resources and, with
    TagsPerPage, at most that many tags (an untagged resource counts as one; never fewer than one
    resource). Returns the page and the last ARN when more follow."""
    rest = [a for a in sorted(arns) if after is None or a > after]
    out: list[str] = []
    tags = 0
    for arn in rest:
        n = max(1, len(view[arn]))
        if len(out) == per_page or (out and tags_per_page is not None and tags + n > tags_per_page):
            return out, out[-1]
        out.append(arn)
        tags += n
    return out, None


@_patch
def patch_logs_delete_log_group_drops_tags() -> None:
    """DeleteLogGroup deletes the group's tags with it (declared first: the journal wraps it).

    AWS: a log group is a resource; deleting it deletes it, and a log group created later under
    the same name is a new resource with only the tags it is created or tagged with
    (CreateLogGroup `tags`, CloudWatch Logs API reference).
    moto 5.2.1: `LogsBackend.delete_log_group` removes the group but leaves its tags in the
    backend's tagger, so ListTagsForResource and GetResources show the old tags on a new group of
    that name.
    Patch: after moto's delete, drop the ARN's tags (inside the journaled write, so the index
    still lists the deleted group with its last tags for the window).
    """
    from moto.logs.models import LogsBackend

    original = LogsBackend.delete_log_group

    def delete_log_group(self: Any, log_group_name: str) -> None:
        group = self.groups.get(log_group_name)
        original(self, log_group_name)
        if group is not None:
            self.tagger.delete_all_tags_for_resource(group.arn)

    delete_log_group.__name__ = "delete_log_group"
    LogsBackend.delete_log_group = delete_log_group


@_patch
def patch_tagging_get_resources() -> None:
    """GetResources answers for log groups, Cloud Map namespaces and services and ECS resources
    as AWS does, from an index that lags `TAG_INDEX_MS` behind the services (module docstring).

    Patch: the response handler lists the caller's account and region from the Logs, Cloud Map
    and ECS backends, shifts log groups and Cloud Map resources back by the window through the
    journal that the wrapped writes keep, filters, and pages by last ARN (patches.py's opaque
    tokens: a page boundary survives writes between calls, which offsets would not). The
    journal records CreateLogGroup (with tags), DeleteLogGroup, TagResource / UntagResource and
    TagLogGroup / UntagLogGroup, Create{Http,PrivateDns,PublicDns}Namespace, CreateService,
    servicediscovery TagResource / UntagResource, DeleteService and DeleteNamespace. Cloud Map
    namespaces appear in the journal when the backend stores them (at the create request: the
    emulator completes CREATE_NAMESPACE at once). ECS resources are listed as they are now
    (moto's existing support, no lag modelled).
    """
    from moto.core.exceptions import JsonRESTError
    from moto.ecs.models import ecs_backends
    from moto.logs.models import LogsBackend, logs_backends
    from moto.resourcegroupstaggingapi.responses import ResourceGroupsTaggingAPIResponse
    from moto.servicediscovery.models import ServiceDiscoveryBackend, servicediscovery_backends

    for name in ("create_log_group", "delete_log_group", "tag_log_group", "untag_log_group",
                 "tag_resource", "untag_resource"):
        setattr(LogsBackend, name, _journaled(getattr(LogsBackend, name), _logs_state))
    for name in ("create_http_namespace", "create_private_dns_namespace",
                 "create_public_dns_namespace", "create_service", "tag_resource",
                 "untag_resource", "delete_service", "delete_namespace"):
        setattr(ServiceDiscoveryBackend, name,
                _journaled(getattr(ServiceDiscoveryBackend, name), _servicediscovery_state))

    def invalid(message: str) -> Exception:
        return JsonRESTError("InvalidParameterException", message)

    def int_param(handler: Any, name: str, low: int, high: int) -> int | None:
        value = handler._get_param(name)
        if value is None:
            return None
        if not isinstance(value, int) or not low <= value <= high:
            raise invalid(f"{name} must be between {low} and {high}, not {value}.")
        return value

    def get_resources(self: Any) -> str:
        tag_filters = self._get_param("TagFilters") or []
        type_filters = self._get_param("ResourceTypeFilters") or []
        arn_list = self._get_param("ResourceARNList")
        token = self._get_param("PaginationToken") or None
        per_page = int_param(self, "ResourcesPerPage", 1, AWS_PAGE)
        tags_per_page = int_param(self, "TagsPerPage", 100, 500)
        if arn_list is not None and (tag_filters or type_filters or token or per_page is not None
                                     or tags_per_page is not None):
            raise invalid("ResourceARNList cannot be combined with TagFilters, "
                          "ResourceTypeFilters, ResourcesPerPage, TagsPerPage or PaginationToken.")
        if len(tag_filters) > MAX_TAG_FILTERS or any(
                len(f.get("Values") or []) > MAX_TAG_VALUES for f in tag_filters):
            raise invalid(f"TagFilters take at most {MAX_TAG_FILTERS} keys of at most "
                          f"{MAX_TAG_VALUES} values each.")
        if len(type_filters) > MAX_TYPE_FILTERS:
            raise invalid(f"ResourceTypeFilters take at most {MAX_TYPE_FILTERS} items.")
        after = None
        if token:
            try:
                after = patches._decode_token(token)
            except patches._InvalidToken:
                raise invalid("The specified PaginationToken is not valid.") from None
            if not isinstance(after, str):
                raise invalid("The specified PaginationToken is not valid.")

        account, region = self.current_account, self.region
        ecs = ecs_backends[account][region]
        with patches._lock(account, region):  # as every ECS read: due timed actions first
            patches._tick(ecs)
            ecs_state = _ecs_state(ecs)
        with _LOCK:
            live = {**_logs_state(logs_backends[account][region]),
                    **_servicediscovery_state(servicediscovery_backends[account][region])}
            view = {**indexed(account, region, live), **ecs_state}
        wanted = set(arn_list) if arn_list is not None else None
        arns = [arn for arn, tags in view.items()
                if tags and (wanted is None or arn in wanted)
                and type_selected(arn, type_filters) and tags_match(tags, tag_filters)]
        if arn_list is not None:
            chosen, last = sorted(arns), None
        else:
            size = patches._page_limit(AWS_PAGE, per_page)
            chosen, last = page(arns, size, tags_per_page, view, after)
        return json.dumps({
            "ResourceTagMappingList": [
                {"ResourceARN": arn, "Tags": [{"Key": k, "Value": v} for k, v in view[arn].items()]}
                for arn in chosen],
            "PaginationToken": patches._encode_token(last) if last is not None else "",
        })

    ResourceGroupsTaggingAPIResponse.get_resources = get_resources


apply_all = PATCHES.apply_all
