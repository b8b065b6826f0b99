"""ecsctl's local AWS: moto's werkzeug app on 127.0.0.1, patched (patches.py) before it serves.

Prints `http://127.0.0.1:PORT` as the first line of stdout once `/moto-api/data.json` answers,
then serves until SIGTERM/SIGINT, or until its parent dies when `--watch-parent` is given (so a
killed test binary never leaves an orphan server behind). Logs go to stderr.

Run it through `scripts/emulator`, which uses the project venv; see docs/emulator.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
import urllib.parse
import urllib.request

# Settings moto reads from the environment; they must be set before moto is imported.
# AmazonECSTaskExecutionRolePolicy (and every other AWS managed policy) must be attachable.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
# ecsctl never needs moto's ~1165 default AMIs, which cost ~0.1 s per account at EC2 init.
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
# Long ARNs (`service/<cluster>/<name>`) as AWS uses today; moto's default, pinned explicitly.
os.environ.setdefault("MOTO_ECS_NEW_ARN", "true")
# Service rollout is modelled by patches.patch_ecs_service_rollout, not by this knob.
os.environ.pop("MOTO_ECS_SERVICE_RUNNING", None)
# The server-wide account override would defeat per-test accounts.
os.environ.pop("MOTO_ACCOUNT_ID", None)

from werkzeug.serving import make_server  # noqa: E402

from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    create_backend_app,
)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faults  # noqa: E402
import paging  # noqa: E402
import patches  # noqa: E402
import patches_aas  # noqa: E402
import patches_alarms  # noqa: E402
import patches_auth  # noqa: E402
import patches_elb  # noqa: E402
import patches_firelens  # noqa: E402
import patches_exec  # noqa: E402
import patches_iam  # noqa: E402
import patches_logs  # noqa: E402
import patches_scheduler  # noqa: E402
import patches_service_connect  # noqa: E402
import patches_ssm  # noqa: E402
import patches_strategies  # noqa: E402
import patches_tagging  # noqa: E402
import patches_volumes  # noqa: E402
import realism  # noqa: E402
import rpcv2  # noqa: E402
import throttle  # noqa: E402


def log(message: str) -> None:
    print(f"emulator: {message}", file=sys.stderr, flush=True)


def wait_ready(endpoint: str, deadline_s: float = 30.0) -> None:
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"emulator: {endpoint}/moto-api/data.json did not answer in time")
        time.sleep(0.02)


# Services whose state ecsctl reads or writes; the snapshot ignores the rest.
SNAPSHOT_SERVICES = {
    "applicationautoscaling", "ec2", "ecs", "events", "iam", "logs", "scheduler",
    "servicediscovery",
}
# Models that hold moto's built-in catalogue (thousands of AMIs and AWS managed policies): not
# account state, and serialising them is what makes /moto-api/data.json take seconds.
SNAPSHOT_SKIP_MODELS = {
    "Ami", "Snapshot", "Volume", "AWSManagedPolicy", "ManagedPrefixList", "EC2Backend", "WindowsBackend",
}


def _builtin(service: str, model: str, record: dict) -> bool:
    """Records every account has before anyone writes: Scheduler's `default` schedule group
    (it exists in every AWS account; moto creates it when an account's scheduler backend is
    first touched, by a read as much as a write)."""
    return service == "scheduler" and model == "ScheduleGroup" and record.get("name") == "default"


def tagging_services(account: str) -> dict:
    """The tags moto keeps outside its models: every `TaggingService` on the account's backends
    of the services above (CloudWatch Logs, Cloud Map, Scheduler and EventBridge keep resource
    tags only there), as {service: {"REGION.ATTRIBUTE": {arn: {key: value}}}}. Read without
    creating a backend the account does not have yet."""
    from moto.backends import get_backend
    from moto.utilities.tagging_service import TaggingService

    result: dict = {}
    for service in sorted(SNAPSHOT_SERVICES):
        per_account = dict.get(get_backend(service), account)  # type: ignore[arg-type]
        if per_account is None:
            continue
        for region, backend in sorted(dict.items(per_account)):
            for attr, value in sorted(vars(backend).items()):
                if isinstance(value, TaggingService) and value.tags:
                    result.setdefault(service, {})[f"{region}.{attr}"] = {
                        arn: dict(tags) for arn, tags in value.tags.items() if tags}
    return result


def snapshot(account: str) -> dict:
    """Like /moto-api/data.json, restricted to records that mention `account` (ARNs, owner and
    account ids), for the services above, plus the account's tagging services under the model
    name `TaggingService` (tags written through logs:TagResource, servicediscovery:TagResource,
    scheduler:TagResource and the like live only there). /moto-api/data.json itself is global
    (every account) and takes ~4 s with the managed policies loaded."""
    from moto.core.model_instances import model_data

    result: dict = {}
    for service, tags in tagging_services(account).items():
        result.setdefault(service, {})["TaggingService"] = tags
    for service in sorted(SNAPSHOT_SERVICES & set(model_data)):
        models = model_data[service]
        for name in sorted(set(models) - SNAPSHOT_SKIP_MODELS):
            records = []
            for instance in models[name].instances_tracked:  # type: ignore[attr-defined]
                record = {}
                for attr in dir(instance):
                    if attr.startswith("_"):
                        continue
                    try:
                        value = getattr(instance, attr)
                        json.dumps(value)
                    except Exception:
                        continue
                    record[attr] = value
                if _builtin(service, name, record):
                    continue
                if account in json.dumps(record, default=str):
                    records.append(record)
            if records:
                result.setdefault(service, {})[name] = records
    return result


# Set by main(): plain moto has no timed actions to run.
NO_PATCHES = False


def with_snapshot_route(app):  # noqa: ANN001, ANN201
    """GET /ecsctl-emulator/snapshot?account=ID -> snapshot(ID) as JSON (read-only), after the
    account's due timed actions ran; the header `X-Ecsctl-Pending` says how many are still
    scheduled (0: nothing changes by time alone any more, so the snapshot is a stable "before")."""

    def wsgi(environ, start_response):  # noqa: ANN001, ANN202
        if environ.get("PATH_INFO") == "/ecsctl-emulator/snapshot":
            account = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("account", [""])[0]
            if not (account.isdigit() and len(account) == 12):
                start_response("400 Bad Request", [("Content-Type", "text/plain")])
                return [b"account must be 12 digits"]
            pending = patches.tick_account(account) if not NO_PATCHES else 0
            body = json.dumps(snapshot(account), sort_keys=True, default=str).encode()
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(body))),
                                      ("X-Ecsctl-Pending", str(pending))])
            return [body]
        return app(environ, start_response)

    return wsgi


def watch_parent(stop: threading.Event) -> None:
    """Stop when the process that started us is gone (we get re-parented)."""
    parent = os.getppid()
    while not stop.wait(0.25):
        if os.getppid() != parent:
            log(f"parent {parent} exited; stopping")
            stop.set()


def main() -> None:
    parser = argparse.ArgumentParser(prog="scripts/emulator")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: pick a free one)")
    parser.add_argument("--no-patches", action="store_true", help="serve moto unpatched (to compare)")
    parser.add_argument("--watch-parent", action="store_true", help="exit when the parent process exits")
    parser.add_argument("--quiet", action="store_true", help="no per-request log on stderr")
    args = parser.parse_args()

    started = time.monotonic()
    global NO_PATCHES
    NO_PATCHES = args.no_patches
    if args.no_patches:
        log("patches disabled (--no-patches)")
    else:
        # patches_volumes and patches_service_connect go first: their CreateService /
        # UpdateService handlers are the inner ones patches.py's rollout wraps, so a changed
        # volume or Service Connect configuration starts a deployment.
        applied = patches_volumes.apply_all()
        applied += patches_service_connect.apply_all()
        applied += patches.apply_all()
        # The realism modules (IAM/SLR, Scheduler, AAS, paging) go after patches.py: where both
        # touch one operation, these wrap what patches.py installed.
        for module in (
            patches_iam,
            patches_scheduler,
            patches_aas,
            patches_ssm,
            patches_logs,
            patches_auth,
            patches_exec,
            patches_elb,
            patches_firelens,
            patches_alarms,
            patches_strategies,
            paging,
            patches_tagging,
        ):
            applied += module.apply_all()
        log(f"{len(applied)} patches applied: {', '.join(applied)}")
        log(f"realism: {realism.describe()}")

    app = with_snapshot_route(DomainDispatcherApplication(create_backend_app))
    # Faults (and GET /ecsctl-emulator/faults) see every request that throttle.py lets through.
    app = faults.Faults(app)
    # Outermost: latency and rate limits (and GET /ecsctl-emulator/throttle), as AWS applies
    # them before any work is done.
    app = throttle.Throttle(app)
    log(app.describe())
    # Outside even that: an RPC v2 CBOR request (CloudWatch, from the Rust SDK) becomes the
    # JSON 1.0 request moto parses, so throttling and faults see it as they see the others.
    # Plain moto (--no-patches) cannot speak it, and the selfcheck says so.
    if not args.no_patches:
        app = rpcv2.RpcV2Cbor(app)
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    if args.quiet:
        import logging

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    endpoint = f"http://127.0.0.1:{server.server_port}"
    serving = threading.Thread(target=server.serve_forever, name="serve", daemon=True)
    serving.start()
    wait_ready(endpoint)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    if args.watch_parent:
        threading.Thread(target=watch_parent, args=(stop,), name="watchdog", daemon=True).start()

    print(endpoint, flush=True)
    log(f"serving {endpoint} (pid {os.getpid()}, moto {patches.MOTO_VERSION}, ready in {time.monotonic() - started:.2f} s)")
    while not stop.wait(1.0):
        pass
    server.shutdown()
    serving.join(timeout=5)
    log("stopped")


if __name__ == "__main__":
    main()
