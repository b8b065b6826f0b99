"""CloudWatch Logs FilterLogEvents as `ecsctl logs` uses it (docs/emulator.md, "Patches";
scripts/moto/patches_logs.py): `logStreamNamePrefix` searches only the streams whose names start
with it, and a prefix no stream has finds nothing.
"""

from __future__ import annotations

import time
import unittest

from tests.emulator_py.support import InstantServerTest

GROUP = "/ecs/app-env/web"


class FilterLogEventsPrefix(InstantServerTest):
    def setUp(self) -> None:
        self.logs = self.server.account().client("logs")
        self.logs.create_log_group(logGroupName=GROUP)
        now = int(time.time() * 1000)
        for i, stream in enumerate(["ecs/web/t1", "ecs/webhook/t2", "ecs/envoy/t3"]):
            self.logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
            self.logs.put_log_events(logGroupName=GROUP, logStreamName=stream,
                                     logEvents=[{"timestamp": now + i, "message": stream}])

    def streams(self, **params: str) -> list[str]:
        events = self.logs.filter_log_events(logGroupName=GROUP, **params)["events"]
        return sorted(e["logStreamName"] for e in events)

    def test_the_prefix_limits_the_search_to_its_streams(self) -> None:
        self.assertEqual(self.streams(logStreamNamePrefix="ecs/web/"), ["ecs/web/t1"])
        self.assertEqual(self.streams(logStreamNamePrefix="ecs/web"),
                         ["ecs/web/t1", "ecs/webhook/t2"])

    def test_a_prefix_no_stream_has_finds_nothing_and_no_prefix_finds_all(self) -> None:
        self.assertEqual(self.streams(logStreamNamePrefix="ecs/worker/"), [])
        self.assertEqual(self.streams(), ["ecs/envoy/t3", "ecs/web/t1", "ecs/webhook/t2"])


if __name__ == "__main__":
    unittest.main()
