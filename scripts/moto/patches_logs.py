"""CloudWatch Logs FilterLogEvents as `ecsctl logs` uses it: `logStreamNamePrefix` limits the
search to the streams whose names start with it (docs/emulator.md, "CloudWatch Logs").

moto 5 ignores the parameter and searches every stream of the group, more lenient than AWS: a
`ecsctl logs --container C` that sent the wrong prefix would still pass. Owns only this patch;
must not change what moto stores for a log group or a stream.
"""

from __future__ import annotations

import json
from typing import Any

from patchset import PatchSet

PATCHES = PatchSet()
_patch = PATCHES.patch


@_patch
def patch_logs_filter_log_events_stream_prefix() -> None:
    """FilterLogEvents with `logStreamNamePrefix` searches only the streams with that prefix.

    AWS (FilterLogEvents API reference, Request Parameters): "logStreamNamePrefix: Filters the
    results to include only events from log streams that have names starting with this prefix."
    https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
    The same page makes the prefix and `logStreamNames` together an InvalidParameterException;
    ecsctl never sends both, and AWS's message for it is not published, so that case is left to
    moto (which ignores the prefix then).
    """
    from moto.logs.responses import LogsResponse

    original = LogsResponse.filter_log_events

    def filter_log_events(self: Any) -> str:
        prefix = self._get_param("logStreamNamePrefix")
        if prefix is None or self._get_param("logStreamNames"):
            return original(self)
        group_name = self._get_param("logGroupName")
        group = self.logs_backend.groups.get(group_name)
        names = [n for n in (group.streams if group else {}) if n.startswith(prefix)]
        if group is not None and not names:
            # moto reads an empty list of names as "every stream"; AWS finds nothing.
            return json.dumps({"events": [], "searchedLogStreams": []})
        events, next_token, searched = self.logs_backend.filter_log_events(
            group_name,
            names,
            self._get_param("startTime"),
            self._get_param("endTime"),
            self._get_param("limit"),
            self._get_param("nextToken"),
            self._get_param("filterPattern"),
            self._get_param("interleaved", False),
        )
        return json.dumps(
            {"events": events, "nextToken": next_token, "searchedLogStreams": searched}
        )

    LogsResponse.filter_log_events = filter_log_events


LOG_ENV = "ECSCTL_EMULATOR_LOG"


@_patch
def patch_ecs_task_output_to_awslogs() -> None:
    """A Fargate task started by RunTask writes its main container's output to its awslogs
    stream before it stops, as the awslogs driver delivers a container's stdout.

    AWS: with the `awslogs` log driver, a container's stdout and stderr go to the log group
    `awslogs-group`, in the stream `awslogs-stream-prefix/container-name/ecs-task-id`
    (Amazon ECS developer guide, "Send Amazon ECS logs to CloudWatch": "the log stream name
    format is prefix-name/container-name/ecs-task-id").
    moto: runs no container, so no task ever logs, and a test of what ecsctl shows from a
    job's output (apply's `beforeDeploy` failure report) has nothing to read.
    Patch: the container "prints" the lines of env var `ECSCTL_EMULATOR_LOG` (the main
    container's override, else its task definition; lines separated by `\n`): when the task
    stops after running (patches.py's `_act_task_exit`), they are written to that stream, one
    event each, at the (wall-clock) stop time. Tasks without the variable log nothing, as before.
    """
    import patches

    original = patches._act_task_exit

    def _act_task_exit(when: float, backend: Any, task: Any) -> None:
        ran = task._ecsctl_phase != "STOPPED" and task._ecsctl_exit != "start-failed"
        original(when, backend, task)
        if ran:
            _write_output(backend, task, when)

    patches._act_task_exit = _act_task_exit


def _write_output(backend: Any, task: Any, when: float) -> None:
    from moto.logs.models import logs_backends

    td = backend.describe_task_definition(task.task_definition_arn)
    main = td.container_definitions[0] if td.container_definitions else {}
    text = _env(main, LOG_ENV)
    for o in (getattr(task, "overrides", None) or {}).get("containerOverrides", []) or []:
        if o.get("name") == main.get("name"):
            text = _env(o, LOG_ENV) or text
    options = (main.get("logConfiguration") or {}).get("options") or {}
    group, prefix = options.get("awslogs-group"), options.get("awslogs-stream-prefix")
    if not text or not group or not prefix:
        return
    logs = logs_backends[backend.account_id][backend.region_name]
    if group not in logs.groups:
        return  # the driver cannot deliver to a missing group (the task logs nothing)
    stream = f"{prefix}/{main.get('name')}/{task.task_arn.rsplit('/', 1)[-1]}"
    if stream not in logs.groups[group].streams:
        logs.create_log_stream(group, stream)
    import time

    # `when` is the emulator's clock (monotonic); log events carry wall-clock milliseconds.
    at = int(time.time() * 1000)
    events = [{"timestamp": at + i, "message": line} for i, line in enumerate(text.split("\n"))]
    logs.put_log_events(group, stream, events)


def _env(container: dict[str, Any], name: str) -> str | None:
    for e in container.get("environment", []) or []:
        if e.get("name") == name:
            return str(e.get("value", ""))
    return None


apply_all = PATCHES.apply_all
