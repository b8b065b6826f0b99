"""ECS Exec as `ecsctl exec` relies on it: ExecuteCommand, and DescribeTasks' `enableExecuteCommand`
per task and `runtimeId` / `managedAgents` (ExecuteCommandAgent) per running container
(docs/emulator.md, "ECS Exec").

Owns only these patches; must not change a task's lifecycle (patches.py owns it). Wraps
patches.py's `_new_task` and `_task_running`, so it is applied after patches.py.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import patches
from patchset import PatchSet

PATCHES = PatchSet()
_patch = PATCHES.patch

# The message as AWS sends it (aws ecs execute-command on a task without ECS Exec, quoted in
# keidarcy/e1s#206, 2024-05-02; the curly apostrophe is AWS's).
MSG_NOT_ENABLED = (
    "The execute command failed because execute command was not enabled when the task was run "
    "or the execute command agent isn\u2019t running. Wait and try again or run a new task with "
    "execute command enabled and try again."
)
AGENT = "ExecuteCommandAgent"


@_patch
def patch_ecs_task_exec_fields() -> None:
    """DescribeTasks reports `enableExecuteCommand` and, on running containers of such a task,
    `runtimeId` and `managedAgents: [{name: ExecuteCommandAgent, lastStatus: RUNNING}]`.

    AWS: Task.enableExecuteCommand "Determines whether execute command functionality is turned on
    for this task"; a service's tasks take the service's `enableExecuteCommand` when they start
    (UpdateService: "tasks started before need a new deployment"); Container.runtimeId and
    Container.managedAgents (ManagedAgent name `ExecuteCommandAgent`, lastStatus) (ECS API
    reference, Task, Container and ManagedAgent data types). moto: none of these fields.
    Patch: service tasks record the service's flag at launch; tasks from RunTask its
    `enableExecuteCommand` parameter is not modelled (false); containers of an exec-enabled task
    get a runtime id and a RUNNING agent when they run.
    """
    new_task, task_running, start_service_task = (
        patches._new_task, patches._task_running, patches._start_service_task)

    def _new_task(*args: Any, **kwargs: Any) -> Any:
        task = new_task(*args, **kwargs)
        task.enable_execute_command = False
        return task

    def _start_service_task(backend: Any, service: Any, dep: Any, when: float) -> Any:
        task = start_service_task(backend, service, dep, when)
        task.enable_execute_command = bool(getattr(service, "enable_execute_command", False))
        return task

    def _task_running(task: Any, when: float) -> None:
        task_running(task, when)
        if not getattr(task, "enable_execute_command", False):
            return
        for n, c in enumerate(task.containers):
            c.runtime_id = f"{task.id}-{hashlib.sha1(f'{task.id}{n}'.encode()).hexdigest()[:10]}"
            c.managed_agents = [{"name": AGENT, "lastStatus": "RUNNING",
                                 "lastStartedAt": task.started_at}]

    patches._new_task = _new_task
    patches._start_service_task = _start_service_task
    patches._task_running = _task_running


@_patch
def patch_ecs_execute_command() -> None:
    """ExecuteCommand: a session for a running container of a task with ECS Exec.

    AWS (ECS API reference, ExecuteCommand): request `cluster`, `container` (required when the
    task has several containers), `command`, `interactive` (only `true` is supported), `task`;
    response `clusterArn`, `containerArn`, `containerName`, `interactive`, `session
    {sessionId, streamUrl, tokenValue}`, `taskArn`. A task without ECS Exec, or whose agent is
    not running, is `InvalidParameterException` with MSG_NOT_ENABLED; an unknown task is
    `InvalidParameterException` "The specified task was not found." is not documented verbatim:
    we answer moto's own task-not-found error. moto: no ExecuteCommand at all (404).
    Patch: the operation, with a session whose streamUrl points at ssmmessages as the SSM
    StartSession reference documents (`wss://ssmmessages.REGION.amazonaws.com/v1/data-channel/
    SESSION-ID?role=publish_subscribe`); nothing connects to it.
    """
    from moto.core.responses import ActionResult
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.responses import EC2ContainerServiceResponse

    def execute_command(self: Any) -> Any:
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster", "default"))
        if self._get_param("interactive") is not True:
            raise InvalidParameterException("Interactive is the only mode supported currently.")
        wanted = self._get_param("task") or ""
        tasks = backend.tasks.get(cluster.name, {}).values()
        task = next((t for t in tasks if t.task_arn == wanted or t.id == wanted.split("/")[-1]),
                    None)
        if task is None:
            raise InvalidParameterException("The specified task was not found.")
        name = self._get_param("container")
        containers = task.containers
        if name is None and len(containers) > 1:
            raise InvalidParameterException(
                "The container name must be specified when the task has more than one container.")
        container = next((c for c in containers if name in (None, c.name)), None)
        if container is None:
            raise InvalidParameterException("The specified container was not found.")
        agents = getattr(container, "managed_agents", None) or []
        running = any(a["name"] == AGENT and a["lastStatus"] == "RUNNING" for a in agents)
        if not getattr(task, "enable_execute_command", False) or not running \
                or task._ecsctl_phase != "RUNNING":
            raise InvalidParameterException(MSG_NOT_ENABLED)
        session = f"ecs-execute-command-{uuid.uuid4().hex[:17]}"
        return ActionResult({
            "clusterArn": cluster.arn,
            "containerArn": container.container_arn,
            "containerName": container.name,
            "interactive": True,
            "session": {
                "sessionId": session,
                "streamUrl": f"wss://ssmmessages.{self.region}.amazonaws.com/v1/data-channel/"
                             f"{session}?role=publish_subscribe&cell-number=AAEAAQ",
                "tokenValue": uuid.uuid4().hex * 4,
            },
            "taskArn": task.task_arn,
        })

    EC2ContainerServiceResponse.execute_command = execute_command


apply_all = PATCHES.apply_all
