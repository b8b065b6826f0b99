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


apply_all = PATCHES.apply_all
