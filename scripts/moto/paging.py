"""Paging of the IAM, CloudWatch Logs, Application Auto Scaling and Scheduler lists ecsctl reads
(docs/emulator.md, "Realistic mode", "IAM, Application Auto Scaling, Scheduler, faults and
paging").

AWS pages every list; a client that reads only the first page misses resources. moto pages some
of these lists, with bugs, and not others. Each list here answers pages of
`realism.page_size(AWS's default)` items (2 in the realistic mode's default, AWS's own size with
`ECSCTL_EMULATOR_PAGE_SIZE=0` or in instant mode), or the client's own maximum when it sends one
(AWS honours any value up to the list's documented maximum; the page-size setting still caps
it), with a token that resumes where the page ended.

| list | AWS default page (API reference) | moto 5.2.1 |
| --- | --- | --- |
| iam:ListRoles, ListRolePolicies, ListAttachedRolePolicies, ListRoleTags | MaxItems 100 ("If you do not include this parameter, the number of items defaults to 100"); `Marker` + `IsTruncated` | ListRolePolicies unpaged; ListAttachedRolePolicies returns a Marker to an empty page when the last page is exactly full |
| iam:GetAccountAuthorizationDetails | MaxItems 100 by default, 1 to 1,000 (API reference: "If you do not include this parameter, the number of items defaults to 100"); `Marker` + `IsTruncated`, across users, groups, roles and policies together | unpaged: everything in one answer, `IsTruncated` always false |
| logs:DescribeLogGroups | limit 50 ("the default is up to 50 items"); `nextToken` | paged (kept: same filters) |
| application-autoscaling:DescribeScalableTargets | MaxResults 50; `NextToken` | token is relative to the page (`str(len(page) - 1)`), so the third page repeats the second forever |
| application-autoscaling:DescribeScalingPolicies | MaxResults 10 ("The default value is 10") | paged by offset, default 100 |
| scheduler:ListSchedules, ListScheduleGroups | MaxResults 1..100, default not documented (100 assumed) | paged (default 50) |

ListTagsLogGroup / logs:ListTagsForResource have no paging in AWS (no token in the API), so none
here. Tokens are opaque (`base64` of an offset); AWS's are opaque too and clients must only pass
back what they received. A token that is not one of ours is answered with the service's
validation error; that message is ours (AWS's is not documented).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Callable

import realism
from patchset import PatchSet

ALL = 10**9


PATCHES = PatchSet()
_patch = PATCHES.patch


class BadToken(Exception):
    pass


class TooLarge(Exception):
    """A page size above the list's documented maximum: AWS refuses it with a validation error
    ("1 validation error detected: Value 'N' at 'maxResults' failed to satisfy constraint: Member
    must have value less than or equal to MAX", the shape of AWS's constraint errors)."""

    def __init__(self, value: int, field: str, maximum: int) -> None:
        super().__init__(
            f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
            f"constraint: Member must have value less than or equal to {maximum}")


def encode(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"ecsctl-emulator-offset": offset}).encode()).decode()


def decode(token: str | None) -> int:
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["ecsctl-emulator-offset"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise BadToken(token) from None
    if not isinstance(offset, int) or offset < 0:
        raise BadToken(token)
    return offset


def size(requested: Any, aws_default: int, aws_max: int, field: str) -> int:
    """The page size: the client's maximum when it sends one (AWS honours any value up to the
    list's documented maximum `aws_max` and refuses a larger one: `TooLarge`), else AWS's
    default; either capped by `ECSCTL_EMULATOR_PAGE_SIZE` (the suite's 2), as
    scripts/moto/patches.py pages ECS and Cloud Map lists."""
    if requested is not None and int(requested) > 0:
        if int(requested) > aws_max:
            raise TooLarge(int(requested), field, aws_max)
        return min(int(requested), realism.page_size(10**9))
    return realism.page_size(aws_default)


def page(items: list[Any], requested: Any, token: str | None, aws_default: int, aws_max: int,
         field: str) -> tuple[list[Any], str | None]:
    """One page of `items` from `token`; the next token, or None on the last page."""
    start = decode(token)
    end = start + size(requested, aws_default, aws_max, field)
    return items[start:end], (encode(end) if end < len(items) else None)


# ---------------------------------------------------------------------------------------------
# IAM (query protocol: Marker / IsTruncated)


@_patch
def patch_iam_role_lists_paged() -> None:
    """ListRoles, ListRolePolicies, ListAttachedRolePolicies, ListRoleTags and
    GetAccountAuthorizationDetails page by MaxItems.

    AWS (IAM API reference, each of the four): `MaxItems` "If you do not include this parameter,
    the number of items defaults to 100 ... IAM might return fewer results, even when there are
    more results available. In that case, the IsTruncated response element returns true, and
    Marker contains a value to include in the subsequent call".
    moto: ListRolePolicies and GetAccountAuthorizationDetails ignore MaxItems/Marker (the latter
    answers the whole account with IsTruncated false); ListAttachedRolePolicies answers a full
    last page with a Marker to an empty page; the others page by offset.
    Patch: the four response handlers list everything through moto's backend (same filters and
    order) and page it here. Invalid Marker: `ValidationError` (message ours).
    """
    from moto.core.responses import ActionResult
    from moto.iam.exceptions import ValidationError
    from moto.iam.responses import IamResponse

    def paged(self: Any, items: list[Any]) -> tuple[list[Any], dict[str, Any]]:
        # MaxItems 1 to 1,000 in each of these lists (IAM API reference).
        try:
            items, marker = page(items, self._get_int_param("MaxItems"), self._get_param("Marker"),
                                 100, 1000, "maxItems")
        except BadToken:
            raise ValidationError("Invalid Marker.") from None
        except TooLarge as e:
            raise ValidationError(str(e)) from None
        return items, {"IsTruncated": marker is not None, "Marker": marker}

    def list_roles(self: Any) -> Any:
        roles, _ = self.backend.list_roles(self._get_param("PathPrefix", "/"), None, ALL)
        roles, more = paged(self, list(roles))
        return ActionResult({"Roles": roles, **more})

    def list_role_policies(self: Any) -> Any:
        names, more = paged(self, list(self.backend.list_role_policies(self._get_param("RoleName"))))
        return ActionResult({"PolicyNames": names, **more})

    def list_attached_role_policies(self: Any) -> Any:
        policies, _ = self.backend.list_attached_role_policies(
            self._get_param("RoleName"), marker=None, max_items=ALL,
            path_prefix=self._get_param("PathPrefix", "/"))
        policies, more = paged(self, list(policies))
        return ActionResult({
            "AttachedPolicies": [{"PolicyName": p.name, "PolicyArn": p.arn} for p in policies],
            **more,
        })

    def list_role_tags(self: Any) -> Any:
        tags, _ = self.backend.list_role_tags(self._get_param("RoleName"), None, ALL)
        tags, more = paged(self, list(tags))
        return ActionResult({"Tags": tags, **more})

    def get_account_authorization_details(self: Any) -> Any:
        details = self.backend.get_account_authorization_details(self._get_param("Filter", []))
        keyed = [
            (key, item)
            for key, name in (("UserDetailList", "users"), ("GroupDetailList", "groups"),
                              ("RoleDetailList", "roles"), ("Policies", "managed_policies"))
            for item in details[name]
        ]
        keyed, more = paged(self, keyed)
        body: dict[str, Any] = {k: [] for k in ("UserDetailList", "GroupDetailList",
                                                 "RoleDetailList", "Policies")}
        for key, item in keyed:
            body[key].append(item)
        return ActionResult({**body, **more})

    IamResponse.list_roles = list_roles
    IamResponse.get_account_authorization_details = get_account_authorization_details
    IamResponse.list_role_policies = list_role_policies
    IamResponse.list_attached_role_policies = list_attached_role_policies
    IamResponse.list_role_tags = list_role_tags


# ---------------------------------------------------------------------------------------------
# CloudWatch Logs


@_patch
def patch_logs_describe_log_groups_paged() -> None:
    """DescribeLogGroups pages at 50 (or the client's smaller `limit`).

    AWS (CloudWatch Logs API reference, DescribeLogGroups): `limit` "The maximum number of items
    returned. If you don't specify a value, the default is up to 50 items." Valid range 1..50.
    moto: pages at 50 with its own token (kept behaviour otherwise: same prefix filter, same
    `limit > 50` InvalidParameterException).
    Patch: list every match through moto's backend and page it here. Invalid token:
    InvalidParameterException (message ours).
    """
    from moto.logs.exceptions import InvalidParameterException
    from moto.logs.responses import LogsResponse

    def describe_log_groups(self: Any) -> str:
        limit = self._get_param("limit")
        if limit is not None and int(limit) > 50:
            raise InvalidParameterException(
                constraint="Member must have value less than or equal to 50",
                parameter="limit", value=limit)
        groups, _ = self.logs_backend.describe_log_groups(
            limit=ALL, log_group_name_prefix=self._get_param("logGroupNamePrefix"), next_token=None)
        try:
            groups, token = page(list(groups), limit, self._get_param("nextToken"), 50, 50, "limit")
        except BadToken:
            raise InvalidParameterException("The specified nextToken is not valid.") from None
        result: dict[str, Any] = {"logGroups": [g.to_describe_dict() for g in groups]}
        if token:
            result["nextToken"] = token
        return json.dumps(result)

    LogsResponse.describe_log_groups = describe_log_groups


# ---------------------------------------------------------------------------------------------
# Application Auto Scaling


@_patch
def patch_aas_describe_paged() -> None:
    """DescribeScalableTargets pages at 50, DescribeScalingPolicies at 10, DescribeScheduledActions
    at 50.

    AWS (Application Auto Scaling API reference): DescribeScalableTargets `MaxResults` "This value
    can be between 1 and 50. The default value is 50."; DescribeScalingPolicies `MaxResults` "This
    value can be between 1 and 10. The default value is 10."
    moto: DescribeScalableTargets' NextToken is `str(len(page) - 1)`, relative to the page, so
    from the third page on it repeats the second forever; DescribeScalingPolicies pages by
    offset with a default of 100.
    Patch: DescribeScalableTargets lists every match through moto's backend and pages it here
    (invalid token: ValidationException, message ours). DescribeScalingPolicies keeps the
    handler already installed (patches.py's exact filters; its backend pages by offset
    correctly) and only lowers the `MaxResults` that handler reads to the page size, so its own
    NextToken (an offset) stays valid.
    """
    from moto.applicationautoscaling.exceptions import AWSValidationException
    from moto.applicationautoscaling.responses import (
        ApplicationAutoScalingResponse,
        _build_scheduled_action,
        _build_target,
    )

    def answer(key: str, items: list[Any], requested: Any, token: str | None) -> str:
        """One page of 50 at most (both lists' default and maximum) as JSON, with NextToken."""
        try:
            items, token = page(items, requested, token, 50, 50, "maxResults")
        except BadToken:
            raise AWSValidationException("Invalid NextToken.") from None
        except TooLarge as e:
            raise AWSValidationException(str(e)) from None
        result: dict[str, Any] = {key: items}
        if token:
            result["NextToken"] = token
        return json.dumps(result)

    def describe_scalable_targets(self: Any) -> str:
        self._validate_params()
        targets = self.applicationautoscaling_backend.describe_scalable_targets(
            self._get_param("ServiceNamespace"), self._get_param("ResourceIds"),
            self._get_param("ScalableDimension"))
        return answer("ScalableTargets", [_build_target(t) for t in targets],
                      self._get_int_param("MaxResults"), self._get_param("NextToken"))

    ApplicationAutoScalingResponse.describe_scalable_targets = describe_scalable_targets

    original_policies = ApplicationAutoScalingResponse.describe_scaling_policies

    def describe_scaling_policies(self: Any) -> Any:
        try:
            n = size(self._get_int_param("MaxResults"), 10, 10, "maxResults")
        except TooLarge as e:
            raise AWSValidationException(str(e)) from None
        read = self._get_param

        def _get_param(name: str, if_none: Any = None) -> Any:
            return n if name == "MaxResults" else read(name, if_none)

        self._get_param = _get_param  # this response object serves one request only
        return original_policies(self)

    ApplicationAutoScalingResponse.describe_scaling_policies = describe_scaling_policies

    def describe_scheduled_actions(self: Any) -> str:
        # DescribeScheduledActions `MaxResults`: "This value can be between 1 and 50. The
        # default value is 50." (API reference); moto: "Pagination is not yet implemented".
        params = json.loads(self.body or "{}")
        actions = self.applicationautoscaling_backend.describe_scheduled_actions(
            scheduled_action_names=params.get("ScheduledActionNames"),
            service_namespace=params.get("ServiceNamespace"),
            resource_id=params.get("ResourceId"),
            scalable_dimension=params.get("ScalableDimension"))
        return answer("ScheduledActions", [_build_scheduled_action(a) for a in actions],
                      params.get("MaxResults"), params.get("NextToken"))

    ApplicationAutoScalingResponse.describe_scheduled_actions = describe_scheduled_actions


# ---------------------------------------------------------------------------------------------
# Scheduler


@_patch
def patch_scheduler_lists_paged() -> None:
    """ListSchedules and ListScheduleGroups page by MaxResults.

    AWS (Scheduler API reference): `MaxResults` 1..100 "If specified, limits the number of results
    returned by this operation. The operation also returns a NextToken"; the default page size is
    not documented (100, the maximum, is used here; the realistic default page size of 2 is
    smaller anyway).
    moto: pages by its own token at 50 (its docstring says MaxResults/NextToken are not
    implemented).
    Patch: both response handlers list every match through moto's backend (same filters and
    order; patches_scheduler's DELETING sweep runs inside) and page it here. Invalid token:
    ValidationException (message ours).
    """
    from moto.scheduler.exceptions import ValidationException
    from moto.scheduler.responses import EventBridgeSchedulerResponse

    def paged(self: Any, items: list[Any]) -> tuple[list[Any], str | None]:
        try:
            return page(items, self._get_int_param("MaxResults"), self._get_param("NextToken"),
                        100, 100, "maxResults")
        except BadToken:
            raise ValidationException("Invalid NextToken.") from None
        except TooLarge as e:
            raise ValidationException(str(e)) from None

    def list_schedules(self: Any) -> str:
        schedules, _ = self.scheduler_backend.list_schedules(
            self.querystring.get("ScheduleGroup"), self._get_param("State"),
            self._get_param("NamePrefix"), max_results=ALL, next_token=None)
        schedules, token = paged(self, list(schedules))
        result: dict[str, Any] = {"Schedules": [s.to_dict(short=True) for s in schedules]}
        if token:
            result["NextToken"] = token
        return json.dumps(result)

    def list_schedule_groups(self: Any) -> str:
        groups, _ = self.scheduler_backend.list_schedule_groups(
            self._get_param("NamePrefix"), max_results=ALL, next_token=None)
        groups, token = paged(self, list(groups))
        result: dict[str, Any] = {"ScheduleGroups": [g.to_dict() for g in groups]}
        if token:
            result["NextToken"] = token
        return json.dumps(result)

    EventBridgeSchedulerResponse.list_schedules = list_schedules
    EventBridgeSchedulerResponse.list_schedule_groups = list_schedule_groups


apply_all = PATCHES.apply_all
