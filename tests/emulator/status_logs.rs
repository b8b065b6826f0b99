//! `ecsctl status` and `ecsctl logs` against the emulator (issue 13 items 2 and 3): both read
//! only (`--stats` shows no write), status after apply and before it, logs interleaved in time
//! order from events written out of band (boto3), `--filter`, `--container`, `--since`, JSON
//! lines, and `--follow` printing events written after it started until SIGINT.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::apply::Project;

const FIXTURE: &str = "tests/fixtures/apply-basic";
/// The model's log group and awslogs stream prefix for `web` (`/ecs/{app}-{env}/{service}`,
/// prefix `ecs`).
const GROUP: &str = "/ecs/ap-test/web";

#[test]
fn status_before_apply_shows_services_not_created_and_exits_3() {
    let p = Project::new(FIXTURE);
    let r = p.run(&["status", "-e", "test", "--stats"], &[]);
    assert_eq!(r.code, Some(3), "{}", r.all());
    assert!(
        r.stdout
            .contains("service web (ap-test-web): not created\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("service worker (ap-test-worker): not created\n"),
        "{}",
        r.stdout
    );
    r.assert_no_writes("status");

    let unknown = p.run(&["status", "-e", "test", "web", "nope"], &[]);
    assert_eq!(unknown.code, Some(1), "{}", unknown.all());
    assert!(
        unknown
            .stderr
            .contains("no service `nope` in environment `test`\n  hint: services: `web`, `worker`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn status_after_apply_shows_counts_revision_image_rollout_and_events() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    let r = p.run(&["status", "-e", "test", "--stats"], &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    for want in [
        "service web (ap-test-web): healthy\n  desired 1, running 1, pending 0\n",
        "  PRIMARY ap-test-web:1 running 1/1, COMPLETED",
        "    web: nginx:1.27\n",
        "has reached a steady state",
        "service worker (ap-test-worker): healthy\n",
        "    worker: busybox:1.36\n",
    ] {
        assert!(
            r.stdout.contains(want),
            "missing {want:?} in:\n{}",
            r.stdout
        );
    }
    r.assert_no_writes("status");

    let j = p.run(&["status", "-e", "test", "web", "--output", "json"], &[]);
    assert_eq!(j.code, Some(0), "{}", j.all());
    let doc: Value = serde_json::from_str(&j.stdout).expect("one JSON document");
    assert_eq!(doc["formatVersion"], 1);
    assert_eq!(doc["cluster"], "ap-test");
    let services = doc["services"].as_array().unwrap();
    assert_eq!(services.len(), 1, "only the service named: {doc}");
    let web = &services[0];
    assert_eq!(
        (
            web["key"].clone(),
            web["status"].clone(),
            web["healthy"].clone()
        ),
        (json!("web"), json!("ACTIVE"), json!(true))
    );
    assert_eq!(
        (web["desired"].clone(), web["running"].clone()),
        (json!(1), json!(1))
    );
    let d = &web["deployments"][0];
    assert_eq!(d["status"], "PRIMARY");
    assert_eq!(d["rolloutState"], "COMPLETED");
    assert!(
        d["taskDefinition"]
            .as_str()
            .unwrap()
            .ends_with("task-definition/ap-test-web:1")
    );
    assert_eq!(
        d["images"],
        json!([{"container": "web", "image": "nginx:1.27"}])
    );
    assert!(!web["events"].as_array().unwrap().is_empty(), "{doc}");
    assert_eq!(
        doc["jobs"],
        json!([]),
        "naming services leaves the jobs out"
    );
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Writes `events` (timestamp, message) into `stream` of the web service's group, creating it.
fn put(p: &Project, stream: &str, events: &[(i64, &str)]) {
    let _ = p
        .acct
        .call("logs", "CreateLogGroup", json!({"logGroupName": GROUP}));
    p.call(
        "logs",
        "CreateLogStream",
        json!({"logGroupName": GROUP, "logStreamName": stream}),
    );
    let events: Vec<Value> = events
        .iter()
        .map(|(t, m)| json!({"timestamp": t, "message": m}))
        .collect();
    p.call(
        "logs",
        "PutLogEvents",
        json!({"logGroupName": GROUP, "logStreamName": stream, "logEvents": events}),
    );
}

#[test]
fn logs_interleave_tasks_in_time_order_with_filter_container_since_and_json() {
    let p = Project::new(FIXTURE);
    // Whole seconds, so `--since` (whole seconds) falls between two events.
    let t = now_ms() / 1000 * 1000 - 120_000;
    put(
        &p,
        "ecs/web/aaaa1111aaaa1111",
        &[
            (t, "boot a"),
            (t + 2_000, "GET / 200"),
            (t + 4_000, "ERROR db down"),
        ],
    );
    put(
        &p,
        "ecs/web/bbbb2222bbbb2222",
        &[(t + 1_000, "boot b"), (t + 3_000, "ERROR timeout")],
    );
    // Another container's stream in the same group, and one whose name only starts like web's.
    put(&p, "ecs/envoy/cccc3333cccc3333", &[(t + 500, "envoy up")]);
    put(&p, "ecs/webhook/dddd4444dddd4444", &[(t + 600, "hook")]);

    let r = p.run(&["logs", "-e", "test", "web", "--stats"], &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert_eq!(
        r.stdout,
        "aaaa1111 web | boot a\nbbbb2222 web | boot b\naaaa1111 web | GET / 200\n\
bbbb2222 web | ERROR timeout\naaaa1111 web | ERROR db down\n"
    );
    r.assert_no_writes("logs");

    let f = p.run(&["logs", "-e", "test", "web", "--filter", "ERROR"], &[]);
    assert_eq!(
        f.stdout,
        "bbbb2222 web | ERROR timeout\naaaa1111 web | ERROR db down\n",
        "{}",
        f.all()
    );

    let since = rfc3339(t / 1000 + 3);
    let s = p.run(&["logs", "-e", "test", "web", "--since", &since], &[]);
    assert_eq!(
        s.stdout,
        "bbbb2222 web | ERROR timeout\naaaa1111 web | ERROR db down\n",
        "--since {since}: {}",
        s.all()
    );
    let old = p.run(&["logs", "-e", "test", "web", "--since", "1m"], &[]);
    assert_eq!(old.stdout, "", "{}", old.all());

    let c = p.run(&["logs", "-e", "test", "web", "--container", "web"], &[]);
    assert_eq!(c.stdout, r.stdout, "{}", c.all());
    let bad = p.run(&["logs", "-e", "test", "web", "--container", "envoy"], &[]);
    assert_eq!(bad.code, Some(1), "{}", bad.all());
    assert!(
        bad.stderr
            .contains("`web` has no container `envoy`\n  hint: containers: `web`"),
        "{}",
        bad.stderr
    );
    let unknown = p.run(&["logs", "-e", "test", "nope"], &[]);
    assert_eq!(unknown.code, Some(1), "{}", unknown.all());
    assert!(
        unknown.stderr.contains(
            "no service or scheduled task `nope` in environment `test`\n  hint: services and jobs: `web`, `worker`"
        ),
        "{}",
        unknown.stderr
    );

    let j = p.run(&["logs", "-e", "test", "web", "--output", "json"], &[]);
    let lines: Vec<Value> = j
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    assert_eq!(lines.len(), 5, "{}", j.all());
    assert_eq!(lines[0]["task"], "aaaa1111aaaa1111");
    assert_eq!(lines[0]["container"], "web");
    assert_eq!(lines[0]["message"], "boot a");
    assert_eq!(lines[0]["timestamp"], t);
}

/// `YYYY-MM-DDTHH:MM:SSZ` of epoch seconds (UTC), for `--since`.
fn rfc3339(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[test]
fn logs_follow_prints_events_written_after_it_started_once_and_stops_on_sigint() {
    let p = Project::new(FIXTURE);
    let t = now_ms() - 5_000;
    put(&p, "ecs/web/aaaa1111aaaa1111", &[(t, "before")]);
    let mut child = p
        .cmd(
            &["logs", "-e", "test", "web", "--follow", "--since", "1m"],
            &[],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ecsctl logs --follow");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let next = |what: &str| {
        rx.recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no line for {what}"))
    };
    assert_eq!(next("the event before"), "aaaa1111 web | before");
    // Written after it started, into the same stream and into a new task's.
    let after = now_ms();
    p.call(
        "logs",
        "PutLogEvents",
        json!({"logGroupName": GROUP, "logStreamName": "ecs/web/aaaa1111aaaa1111",
               "logEvents": [{"timestamp": after, "message": "after"}]}),
    );
    put(&p, "ecs/web/bbbb2222bbbb2222", &[(after + 1, "new task")]);
    assert_eq!(next("the first new event"), "aaaa1111 web | after");
    assert_eq!(next("the second new event"), "bbbb2222 web | new task");
    // Polls look back 30 s, so they fetch the events above again: the next line printed
    // must be the next event written, not one of those twice.
    p.call(
        "logs",
        "PutLogEvents",
        json!({"logGroupName": GROUP, "logStreamName": "ecs/web/aaaa1111aaaa1111",
               "logEvents": [{"timestamp": now_ms(), "message": "last"}]}),
    );
    assert_eq!(next("the last event"), "aaaa1111 web | last");

    let status = interrupt(&mut child);
    assert_eq!(status.code(), Some(0), "Ctrl-C ends a follow with 0");
    // The emulator serves no StartLiveTail: its `stream-` host does not resolve, as on a
    // network without the stream-logs endpoint, so the follow said so once and polled.
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let note = "polling FilterLogEvents every 2 s instead";
    assert_eq!(stderr.matches(note).count(), 1, "{stderr}");
    assert!(
        stderr.contains("note: live tail is not available (StartLiveTail failed: "),
        "{stderr}"
    );
}

/// Sends SIGINT (Ctrl-C) and waits (10 s at most) for the process to end.
fn interrupt(child: &mut std::process::Child) -> std::process::ExitStatus {
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(Instant::now() < deadline, "ecsctl did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Without a terminal, `--watch` prints one document per refresh (JSON lines) and Ctrl-C ends
/// it with 0, the calls made printed by `--stats`, none a write.
#[test]
fn status_watch_prints_snapshots_until_sigint() {
    let p = Project::new(FIXTURE);
    let mut child = p
        .cmd(
            &[
                "status",
                "-e",
                "test",
                "--watch",
                "--interval",
                "1s",
                "--output",
                "json",
                "--stats",
            ],
            &[],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ecsctl status --watch");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    for n in 0..2 {
        let line = lines.next().expect("a snapshot").unwrap();
        let doc: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(doc["formatVersion"], 1, "snapshot {n}");
        assert_eq!(doc["services"][0]["status"], "MISSING", "snapshot {n}");
    }
    let status = interrupt(&mut child);
    assert_eq!(status.code(), Some(0));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let run = crate::support::Run {
        code: status.code(),
        stdout: String::new(),
        stderr,
    };
    run.assert_no_writes("status --watch");
    assert!(
        run.stderr.contains("ecs:DescribeServices="),
        "{}",
        run.stderr
    );
}

/// Per scheduled job: the schedule as Scheduler holds it, then the last run once `ecsctl run`
/// started one (the newest task of its family; the emulator stops it with exit code 3).
#[test]
fn status_shows_each_jobs_schedule_and_its_last_run() {
    let p = Project::new(FIXTURE);
    let manifest = p.dir.path().join("ecsctl.yaml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str(
        "\nscheduledTasks:\n  report:\n    image: \"busybox:1.36\"\n    command: [echo, report]\n    \
schedule: cron(0 3 * * ? *)\n    timezone: Europe/Paris\n    cpu: 256\n    memory: 512\n    \
env:\n      ECSCTL_EMULATOR_EXIT_CODE: \"3\"\n",
    );
    std::fs::write(&manifest, text).unwrap();
    p.apply_ok(&[], &[]);

    let before = p.run(&["status", "-e", "test"], &[]);
    assert_eq!(before.code, Some(0), "{}", before.all());
    assert!(
        before.stdout.contains(
            "scheduled jobs:\n  report: cron(0 3 * * ? *) (Europe/Paris) ENABLED, no run in the last hour, next run "
        ),
        "{}",
        before.stdout
    );

    let run = p.run(
        &["run", "-e", "test", "report", "--wait", "--timeout", "60s"],
        &[],
    );
    assert_eq!(run.code, Some(3), "{}", run.all());
    let task = run.stdout.trim().to_string();

    let after = p.run(
        &["status", "-e", "test", "--output", "json", "--stats"],
        &[],
    );
    assert_eq!(after.code, Some(0), "{}", after.all());
    after.assert_no_writes("status");
    let doc: Value = serde_json::from_str(&after.stdout).unwrap();
    let job = &doc["jobs"][0];
    assert_eq!(job["key"], "report");
    let live = &job["live"];
    assert_eq!(
        (&live["expression"], &live["timezone"], &live["state"]),
        (
            &json!("cron(0 3 * * ? *)"),
            &json!("Europe/Paris"),
            &json!("ENABLED")
        )
    );
    // The next run is the next 03:00 in Paris, within a day from now.
    let next: jiff::Timestamp = live["nextRun"].as_str().unwrap().parse().unwrap();
    let now = jiff::Timestamp::now();
    assert!(
        next > now && next <= now + jiff::SignedDuration::from_hours(24),
        "{next}"
    );
    let paris = next.to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap());
    assert_eq!(
        (paris.hour(), paris.minute(), paris.second()),
        (3, 0, 0),
        "{paris}"
    );
    let last = &job["lastRun"];
    assert_eq!(last["taskArn"], task.as_str(), "{doc}");
    assert_eq!(last["lastStatus"], "STOPPED");
    assert_eq!(last["exitCode"], 3);
    assert_eq!(last["startedBy"], "ecsctl run");
}

/// On a terminal, `--watch` redraws in place (cursor home, clear screen, then the snapshot)
/// every interval, and Ctrl-C ends it with 0.
#[test]
fn status_watch_redraws_on_a_terminal_until_ctrl_c() {
    use crate::pty::{Pty, Stdout};
    const REDRAW: &str = "\x1b[H\x1b[2J";
    let p = Project::new(FIXTURE);
    let mut cmd = p.cmd(
        &["status", "-e", "test", "--watch", "--interval", "1s"],
        &[],
    );
    cmd.env("TERM", "xterm-256color");
    let mut pty = Pty::spawn(cmd, 100, 40, Stdout::Terminal);
    pty.wait_for(
        "service web (ap-test-web): not created",
        Duration::from_secs(60),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while pty.terminal().matches(REDRAW).count() < 2 {
        assert!(
            Instant::now() < deadline,
            "no second redraw:\n{}",
            pty.terminal()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    pty.interrupt();
    let done = pty.finish(Duration::from_secs(10));
    assert_eq!(done.status.code(), Some(0), "{}", done.terminal);
    assert!(done.terminal.starts_with(REDRAW), "{:?}", done.terminal);
}
