"""The realistic mode's settings: how long AWS takes to do what moto does at once.

Real AWS is eventually consistent and asynchronous (IAM propagation, ECS's MISSING window,
rollouts, draining, Cloud Map deregistration, Scheduler's DELETING groups), throttles, and pages
every list. The patches that reproduce each behaviour read their window here, so one table in
docs/emulator.md ("Realistic mode") documents every variable.

Mode: `ECSCTL_EMULATOR_MODE=realistic` (the default: tests and the demo) or `instant` (every
window 0, lists paged at AWS's own sizes, no faults: for benchmarks that want to time ecsctl alone). A window set
explicitly in the environment wins in either mode.

State changes are evaluated lazily against the wall clock when something reads the resource,
so the server needs no background thread and a test that reads at time T sees what AWS would
show at T. Owns no moto patch itself.
"""

from __future__ import annotations

import os
import time
from typing import Any

MODE_ENV = "ECSCTL_EMULATOR_MODE"

# name -> (environment variable, default in realistic mode, unit). Defaults are "demo scale":
# long enough that every behaviour shows, short enough that the demo takes seconds. AWS's own
# magnitudes (seconds to minutes) are in docs/emulator.md; the test harness sets shorter ones.
WINDOWS: dict[str, tuple[str, float]] = {
    # IAM: a new role (or a changed policy) is not usable by ECS/Scheduler for this long.
    "iam_propagation": ("ECSCTL_EMULATOR_IAM_PROPAGATION_MS", 2000),
    # The ECS service-linked role exists only after CreateServiceLinkedRole + this long.
    "slr_propagation": ("ECSCTL_EMULATOR_SLR_PROPAGATION_MS", 2000),
    # DescribeServices answers MISSING for a service created less than this long ago.
    "missing": ("ECSCTL_EMULATOR_MISSING_MS", 1000),
    # DescribeServices still shows the pre-update deployments this long after UpdateService.
    "stale": ("ECSCTL_EMULATOR_STALE_MS", 1000),
    # A deployment is IN_PROGRESS (PRIMARY beside the old ACTIVE one) this long.
    "rollout": ("ECSCTL_EMULATOR_ROLLOUT_MS", 3000),
    # A deleted service is DRAINING this long before it is INACTIVE.
    "drain": ("ECSCTL_EMULATOR_DRAIN_MS", 2000),
    # Application Auto Scaling does not see an ECS service created less than this long ago.
    "aas_lag": ("ECSCTL_EMULATOR_AAS_LAG_MS", 1000),
    # A stopped task's Cloud Map instance is deregistered this long after the task stops.
    "deregister": ("ECSCTL_EMULATOR_DEREGISTER_MS", 1500),
    # A deleted Scheduler schedule group stays DELETING this long.
    "group_delete": ("ECSCTL_EMULATOR_GROUP_DELETE_MS", 1000),
    # A task started by RunTask runs this long (PROVISIONING/PENDING included) before it stops.
    "task_run": ("ECSCTL_EMULATOR_TASK_RUN_MS", 2000),
    # One minute of a blue/green, linear or canary deployment's bake or step time lasts this
    # long (patches_strategies.py): a 10-minute bake takes 1 s in the demo.
    "bake_minute": ("ECSCTL_EMULATOR_BAKE_MINUTE_MS", 100),
    # tag:GetResources answers from the services' state this long ago (patches_tagging.py).
    "tag_index": ("ECSCTL_EMULATOR_TAG_INDEX_MS", 2000),
}

# Lists page at min(AWS's own page size, this). 0: AWS's page sizes exactly.
PAGE_SIZE_ENV = "ECSCTL_EMULATOR_PAGE_SIZE"
PAGE_SIZE_DEFAULT = 2
# Faults (off by default): the fraction of requests answered with a throttling error or a
# 500/503, and the fraction of successful writes whose response is lost (the write happened;
# the client sees a 5xx and retries). Seeded, so a run is reproducible.
FAULT_RATE_ENV = "ECSCTL_EMULATOR_FAULT_RATE"
DROP_RATE_ENV = "ECSCTL_EMULATOR_DROP_RATE"
FAULT_SEED_ENV = "ECSCTL_EMULATOR_FAULT_SEED"


def mode() -> str:
    value = os.environ.get(MODE_ENV, "realistic").strip().lower() or "realistic"
    if value not in ("realistic", "instant"):
        raise SystemExit(f"{MODE_ENV} must be `realistic` or `instant`, not `{value}`")
    return value


def realistic() -> bool:
    return mode() == "realistic"


def _number(env: str, default: float) -> float:
    raw = os.environ.get(env)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"{env} must be a number, not `{raw}`") from None
    if value < 0:
        raise SystemExit(f"{env} must not be negative, not `{raw}`")
    return value


def window(name: str) -> float:
    """The window `name` in seconds (0 in instant mode unless set explicitly)."""
    env, default = WINDOWS[name]
    return _number(env, default if realistic() else 0.0) / 1000.0


def page_size(aws_default: int) -> int:
    """The page size a list answers with when the caller sent no (or a larger) max."""
    size = int(_number(PAGE_SIZE_ENV, PAGE_SIZE_DEFAULT if realistic() else 0))
    return min(aws_default, size) if size > 0 else aws_default


def fault_rate() -> float:
    return min(_number(FAULT_RATE_ENV, 0.0), 1.0)


def drop_rate() -> float:
    return min(_number(DROP_RATE_ENV, 0.0), 1.0)


def fault_seed() -> int:
    return int(_number(FAULT_SEED_ENV, 1))


def now() -> float:
    """Monotonic seconds, for windows (never the wall clock, which may step)."""
    return time.monotonic()


def mark(obj: Any, event: str) -> None:
    """Records when `event` happened to a moto object (e.g. "created", "deleted")."""
    setattr(obj, f"_ecsctl_at_{event}", now())


def age(obj: Any, event: str) -> float | None:
    """Seconds since `event` was marked on `obj`; None when it never was."""
    at = getattr(obj, f"_ecsctl_at_{event}", None)
    return None if at is None else now() - at


def within(obj: Any, event: str, window_name: str) -> bool:
    """True while `event` on `obj` is younger than the window."""
    a = age(obj, event)
    return a is not None and a < window(window_name)


def describe() -> str:
    """One line for the startup log: the mode and every window."""
    parts = [f"mode={mode()}"]
    parts += [f"{name}={window(name):g}s" for name in WINDOWS]
    parts.append(f"page_size={page_size(1000) if page_size(1000) < 1000 else 'aws'}")
    parts.append(f"fault_rate={fault_rate():g} drop_rate={drop_rate():g} seed={fault_seed()}")
    return " ".join(parts)
