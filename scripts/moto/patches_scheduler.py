"""EventBridge Scheduler realism: asynchronous group deletion, conflicts, and the role check
(docs/emulator.md, "Realistic mode", "IAM, Application Auto Scaling, Scheduler, faults and
paging").

State is evaluated lazily: a deleted group carries `realism.mark(group, "deleted")` and a public
`state = "DELETING"` (so the snapshot sees the delete); every Scheduler request first drops the
groups whose DELETING window (`group_delete`) has passed. No background thread.
"""

from __future__ import annotations

from typing import Any, Callable

import realism
from patches_iam import SCHEDULER_ROLE, find_role, role_settling, trusts
from patchset import PatchSet


SCHEDULER_PRINCIPAL = "scheduler.amazonaws.com"


PATCHES = PatchSet()
_patch = PATCHES.patch


def _deleting(group: Any) -> bool:
    return getattr(group, "state", "ACTIVE") == "DELETING"


def sweep(backend: Any) -> None:
    """Forget the groups whose DELETING window has passed. Touches only the backend's index, not
    the group record or its tags (dropped at DeleteScheduleGroup), so a read that sweeps leaves
    /ecsctl-emulator/snapshot unchanged ("plan is read-only" tests)."""
    for name, group in list(backend.schedule_groups.items()):
        if _deleting(group) and not realism.within(group, "deleted", "group_delete"):
            backend.schedule_groups.pop(name, None)


@_patch
def patch_scheduler_group_lifecycle() -> None:
    """Schedule groups delete asynchronously, and names conflict while they exist.

    AWS (Scheduler API reference): DeleteScheduleGroup "Deleting a schedule group results in
    EventBridge Scheduler deleting all schedules associated with the group. When you delete a
    group, it remains in a DELETING state until all of its associated schedules are deleted ...
    This operation is eventually consistent." GetScheduleGroup / ListScheduleGroups report
    `State: DELETING` meanwhile ("A schedule group has two possible states: ACTIVE and DELETING
    ... You can add schedules to an ACTIVE group", User Guide, Managing a schedule group);
    terraform-provider-aws internal/service/scheduler/wait.go `waitScheduleGroupDeleted` polls
    through `DELETING` until the group is gone. CreateScheduleGroup lists `ConflictException`
    (HTTP 409, "Updating or deleting the resource can cause an inconsistent state.") and
    CreateSchedule lists `ConflictException` and `ResourceNotFoundException` (HTTP 404).
    Exact messages: not found in any public source for the group conflict or for a schedule
    into a DELETING group; the texts below follow moto's wording for schedules (`Schedule NAME
    already exists.`, `Schedule group NAME does not exist.`), which is marked as such in
    docs/emulator.md.
    moto: DeleteScheduleGroup removes the group at once; CreateScheduleGroup on an existing name
    silently replaces it (its schedules are lost); CreateSchedule into a missing group is a
    `KeyError` (HTTP 500).
    Patch: DeleteScheduleGroup drops the group's schedules and leaves the group `DELETING` for
    `group_delete`, visible to Get/List; CreateScheduleGroup of an existing (ACTIVE or DELETING)
    name -> `ConflictException: Schedule group NAME already exists.`; CreateSchedule into a
    missing group -> `ResourceNotFoundException: Schedule group NAME does not exist.`, into a
    DELETING one -> `ConflictException: Schedule group NAME is being deleted.`; Update/Delete/Get of
    a schedule in a DELETING group -> ResourceNotFoundException (its schedules are gone).
    """
    from moto.core.utils import unix_time
    from moto.scheduler.exceptions import ScheduleGroupNotFound
    from moto.core.exceptions import JsonRESTError
    from moto.scheduler.models import EventBridgeSchedulerBackend, ScheduleGroup

    class Conflict(JsonRESTError):
        code = 409

        def __init__(self, message: str) -> None:
            super().__init__("ConflictException", message)

    original_to_dict = ScheduleGroup.to_dict

    def to_dict(self: Any) -> dict[str, Any]:
        d = original_to_dict(self)
        d["State"] = getattr(self, "state", "ACTIVE")
        return d

    ScheduleGroup.to_dict = to_dict

    def delete_schedule_group(self: Any, name: str | None) -> None:
        sweep(self)
        group = self.schedule_groups.get(name or "default")
        if group is None or _deleting(group):
            raise ScheduleGroupNotFound(name or "default")
        group.schedules.clear()
        self.tagger.delete_all_tags_for_resource(group.arn)
        group.state = "DELETING"
        group.last_modified = unix_time()
        realism.mark(group, "deleted")
        sweep(self)

    original_create_group = EventBridgeSchedulerBackend.create_schedule_group

    def create_schedule_group(self: Any, name: str, tags: list[dict[str, str]]) -> Any:
        sweep(self)
        if name in self.schedule_groups:
            raise Conflict(f"Schedule group {name} already exists.")
        return original_create_group(self, name, tags)

    original_get_group = EventBridgeSchedulerBackend.get_schedule_group

    def get_schedule_group(self: Any, group_name: str | None) -> Any:
        sweep(self)
        return original_get_group(self, group_name)

    original_create = EventBridgeSchedulerBackend.create_schedule

    def create_schedule(self: Any, *args: Any, **kw: Any) -> Any:
        sweep(self)
        name = kw.get("group_name") or "default"
        group = self.schedule_groups.get(name)
        if group is None:
            raise ScheduleGroupNotFound(name)
        if _deleting(group):
            raise Conflict(f"Schedule group {name} is being deleted.")
        return original_create(self, *args, **kw)

    original_list_groups = EventBridgeSchedulerBackend.list_schedule_groups
    original_list = EventBridgeSchedulerBackend.list_schedules

    def list_schedule_groups(self: Any, *args: Any, **kw: Any) -> Any:
        sweep(self)
        return original_list_groups(self, *args, **kw)

    def list_schedules(self: Any, *args: Any, **kw: Any) -> Any:
        sweep(self)
        return original_list(self, *args, **kw)

    EventBridgeSchedulerBackend.delete_schedule_group = delete_schedule_group
    EventBridgeSchedulerBackend.create_schedule_group = create_schedule_group
    EventBridgeSchedulerBackend.get_schedule_group = get_schedule_group
    EventBridgeSchedulerBackend.create_schedule = create_schedule
    EventBridgeSchedulerBackend.list_schedule_groups = list_schedule_groups
    EventBridgeSchedulerBackend.list_schedules = list_schedules


@_patch
def patch_scheduler_role_check() -> None:
    """CreateSchedule / UpdateSchedule refuse a target role Scheduler cannot assume yet.

    AWS: Scheduler assumes `Target.RoleArn` when the schedule is written and answers
    `ValidationException: The execution role you provide must allow AWS EventBridge Scheduler to
    assume the role.` when it cannot - a missing role, a trust policy without
    `scheduler.amazonaws.com`, or a role (or trust policy) changed moments before: IAM has not
    propagated it. terraform-provider-aws internal/service/scheduler/retry.go
    `retryWhenIAMNotPropagated` retries exactly this message for 2 minutes
    (`iamPropagationTimeout`) around CreateSchedule and UpdateSchedule.
    moto: accepts any RoleArn.
    Patch: wrap both response handlers: the role must exist, trust `scheduler.amazonaws.com`
    with sts:AssumeRole, and be older than `iam_propagation` since it was created or its trust
    policy changed; else AWS's ValidationException.
    """
    from moto.scheduler.exceptions import ValidationException
    from moto.scheduler.responses import EventBridgeSchedulerResponse

    def checked(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def handler(self: Any) -> Any:
            target = self._get_param("Target") or {}
            arn = target.get("RoleArn")
            if arn:
                role = find_role(arn)
                if (role is None or not trusts(role, SCHEDULER_PRINCIPAL)
                        or role_settling(role, "created", "trust_changed")):
                    raise ValidationException(SCHEDULER_ROLE)
            return original(self)

        return handler

    EventBridgeSchedulerResponse.create_schedule = checked(EventBridgeSchedulerResponse.create_schedule)
    EventBridgeSchedulerResponse.update_schedule = checked(EventBridgeSchedulerResponse.update_schedule)


apply_all = PATCHES.apply_all
