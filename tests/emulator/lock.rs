//! The environment lock against the emulator (docs/apply.md, "Lock"): a lock someone else holds
//! refuses destroy with its holder and age and changes nothing but the lock's own attempt;
//! `--lock-timeout` waits for it; `ecsctl unlock` removes only the lock it names; every exit path
//! of destroy and run releases the lock. The lock parameter is read and written out of band with
//! boto3 (scripts/aws-oob.py), never through ecsctl's own calls.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use ecsctl::lock::clock::format_rfc3339;

use serde_json::{Value, json};

use crate::prune::Project;
use crate::support::{Run, TestAccount};

const PARAMETER: &str = "/ecsctl/locks/pr/dev";
const THEIRS: &str = "0123456789abcdef0123";

/// prune-basic's `dev` (app `pr`), applied.
fn applied() -> Project {
    let p = Project::new();
    p.ok(&["apply", "-e", "dev", "--yes"]);
    p
}

/// Someone else's lock, taken three minutes ago by a CI job, written out of band.
fn lock_as_someone_else(p: &Project) {
    put_foreign_lock(&p.acct, PARAMETER, 180);
}

fn service_status(p: &Project, name: &str) -> Option<String> {
    let v = p.acct.call(
        "ecs",
        "DescribeServices",
        json!({"cluster": "pr-dev", "services": [name]}),
    );
    v.ok()?["services"][0]["status"]
        .as_str()
        .map(str::to_string)
}

/// Writes a lock record as another ecsctl run would (same JSON), `age_secs` old.
pub fn put_foreign_lock(acct: &TestAccount, parameter: &str, age_secs: u64) {
    let when = SystemTime::now() - Duration::from_secs(age_secs);
    let record = json!({
        "id": THEIRS,
        "command": "apply",
        "who": "arn:aws:sts::123456789012:assumed-role/ci/gha-7 (user ci)",
        "where": "runner-12 (https://github.com/acme/shop/actions/runs/42)",
        "when": format_rfc3339(when),
    });
    acct.call(
        "ssm",
        "PutParameter",
        json!({"Name": parameter, "Value": record.to_string(), "Type": "String"}),
    )
    .unwrap_or_else(|e| panic!("ssm:PutParameter {parameter}: {e:?}"));
}

pub fn lock_value(acct: &TestAccount, parameter: &str) -> Option<String> {
    match acct.call("ssm", "GetParameter", json!({"Name": parameter})) {
        Ok(v) => v["Parameter"]["Value"].as_str().map(str::to_string),
        Err(e) if e.code == "ParameterNotFound" => None,
        Err(e) => panic!("ssm:GetParameter {parameter}: {e:?}"),
    }
}

#[test]
fn destroy_under_someone_elses_lock_fails_naming_the_holder_and_unlock_removes_only_that_lock() {
    let p = applied();
    lock_as_someone_else(&p);
    let held = lock_value(&p.acct, PARAMETER).unwrap();

    // Refused at once, naming who, what, where, since when and how to get out; the only write is
    // the lock's own failed create (by name), and the lock is untouched.
    let r = p.run(&["destroy", "-e", "dev", "--yes", "--stats"]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    let expected = format!(
        "error: environment `dev` of `pr` is locked by `arn:aws:sts::123456789012:assumed-role/ci/gha-7` (user ci) running `apply` on `runner-12 (https://github.com/acme/shop/actions/runs/42)` since {} (3 min ago); lock id {THEIRS}; nothing was changed\n  \
hint: wait for it, pass `--lock-timeout 5m` to wait, or if that run is gone: `ecsctl unlock -e dev {THEIRS}`\n",
        format_rfc3339(SystemTime::now() - Duration::from_secs(180))
    );
    // The `when` in the message is the record's; compare without its seconds-exact text.
    let got = r.stderr.lines().skip_while(|l| !l.starts_with("error:"));
    let got: Vec<&str> = got.collect();
    assert!(
        got.first().is_some_and(|l| l.contains("is locked by `arn:aws:sts::123456789012:assumed-role/ci/gha-7` (user ci) running `apply` on `runner-12 (https://github.com/acme/shop/actions/runs/42)` since ")
            && l.ends_with(&format!("(3 min ago); lock id {THEIRS}; nothing was changed"))),
        "expected like:\n{expected}\n{}",
        r.all()
    );
    assert_eq!(
        got.get(1).copied(),
        Some(
            format!("  hint: wait for it, pass `--lock-timeout 5m` to wait, or if that run is gone: `ecsctl unlock -e dev {THEIRS}`").as_str()
        ),
        "{}",
        r.all()
    );
    r.assert_no_writes("a destroy refused by the lock");
    assert_eq!(r.lock_writes(), ["ssm:PutParameter"], "{}", r.all());
    assert_eq!(
        lock_value(&p.acct, PARAMETER).as_deref(),
        Some(held.as_str())
    );
    assert_eq!(service_status(&p, "pr-dev-web").as_deref(), Some("ACTIVE"));

    // unlock with another id refuses, naming the holder and the real id; the right id removes it.
    let wrong = p.run(&["unlock", "-e", "dev", "ffffffffffffffffffff"]);
    assert_eq!(wrong.code, Some(1), "{}", wrong.all());
    assert!(
        wrong.stderr.contains(&format!(
            "lock id {THEIRS}, not ffffffffffffffffffff; nothing was changed"
        )),
        "{}",
        wrong.all()
    );
    assert_eq!(
        lock_value(&p.acct, PARAMETER).as_deref(),
        Some(held.as_str())
    );
    let right = p.ok(&["unlock", "-e", "dev", THEIRS]);
    // At the start of a line (the first one, now that the SDK's warnings are not shown).
    assert!(
        format!("\n{}", right.stderr).contains(&format!("\nok: removed lock {THEIRS} of `dev` (`pr`), held by `arn:aws:sts::123456789012:assumed-role/ci/gha-7` (user ci) running `apply` on ")),
        "{}",
        right.all()
    );
    assert_eq!(lock_value(&p.acct, PARAMETER), None);
    let again = p.ok(&["unlock", "-e", "dev", THEIRS]);
    assert!(
        format!("\n{}", again.stderr).ends_with(&format!(
            "\nok: environment `dev` of `pr` is not locked (lock {THEIRS} is gone already); nothing was changed\n"
        )),
        "{}",
        again.all()
    );

    // A destroy that fails half-way releases its lock too.
    let failed = p
        .cmd(&["destroy", "-e", "dev", "--yes", "--stats"])
        .env("ECSCTL_FAIL_AT", "ecs:DeleteService")
        .output()
        .expect("run ecsctl");
    let failed = Run::from(failed);
    assert_eq!(failed.code, Some(1), "{}", failed.all());
    assert_eq!(
        failed.lock_writes(),
        ["ssm:DeleteParameter", "ssm:PutParameter"],
        "{}",
        failed.all()
    );
    assert_eq!(lock_value(&p.acct, PARAMETER), None, "{}", failed.all());
}

#[test]
fn destroy_with_lock_timeout_waits_for_the_holder_then_destroys_and_releases() {
    let p = applied();
    lock_as_someone_else(&p);
    let mut child = p
        .cmd(&[
            "destroy",
            "-e",
            "dev",
            "--yes",
            "--lock-timeout",
            "60s",
            "--stats",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ecsctl");
    // Release "their" lock once ecsctl says it waits for it (not before: then nothing waited).
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            panic!("ecsctl ended without waiting for the lock:\n{seen}");
        }
        seen.push_str(&line);
        if line.starts_with("note: waiting for the lock of `dev` held by `arn:aws:sts::123456789012:assumed-role/ci/gha-7` (user ci) running `apply` on ") {
            break;
        }
    }
    p.acct
        .call("ssm", "DeleteParameter", json!({"Name": PARAMETER}))
        .expect("release their lock");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = child.wait().unwrap();
    let r = Run {
        code: status.code(),
        stdout: String::new(),
        stderr: seen + &rest,
    };
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(r.stderr.contains("ok: destroyed `dev`: "), "{}", r.all());
    assert_eq!(
        r.lock_writes(),
        ["ssm:DeleteParameter", "ssm:PutParameter"],
        "{}",
        r.all()
    );
    assert!(
        matches!(
            service_status(&p, "pr-dev-web").as_deref(),
            None | Some("INACTIVE") | Some("DRAINING")
        ),
        "{}",
        r.all()
    );
    // Released: the parameter is gone.
    assert_eq!(lock_value(&p.acct, PARAMETER), None);
}

/// The record ecsctl writes while it holds the lock, read out of band: `ECSCTL_KILL_AFTER`
/// stops destroy right after its PutParameter (as a SIGKILL would), leaving the lock behind as
/// a stale one for `unlock`.
#[test]
fn a_killed_destroy_leaves_a_stale_lock_that_names_it_and_unlock_removes() {
    let p = applied();
    let killed = p
        .cmd(&["destroy", "-e", "dev", "--yes"])
        .env("ECSCTL_KILL_AFTER", "ssm:PutParameter")
        .env("USER", "alice")
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/shop")
        .env("GITHUB_RUN_ID", "42")
        .output()
        .expect("run ecsctl");
    assert_ne!(killed.status.code(), Some(0));
    let value: Value =
        serde_json::from_str(&lock_value(&p.acct, PARAMETER).expect("a stale lock")).unwrap();
    let id = value["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 20, "{value}");
    assert_eq!(value["command"], "destroy");
    assert_eq!(
        value["who"],
        format!(
            "arn:aws:sts::{}:assumed-role/ecsctl-test/ecsctl-test (user alice)",
            p.acct.id
        )
    );
    assert!(
        value["where"]
            .as_str()
            .unwrap()
            .ends_with(" (https://github.com/acme/shop/actions/runs/42)"),
        "{value}"
    );
    let tags = p
        .acct
        .call(
            "ssm",
            "ListTagsForResource",
            json!({"ResourceType": "Parameter", "ResourceId": PARAMETER}),
        )
        .unwrap();
    assert_eq!(
        tags["TagList"],
        json!([
            {"Key": "ecsctl:app", "Value": "pr"},
            {"Key": "ecsctl:env", "Value": "dev"},
            {"Key": "ecsctl:managed-by", "Value": "ecsctl"}
        ])
    );
    let stale = p.run(&["destroy", "-e", "dev", "--yes"]);
    assert_eq!(stale.code, Some(1), "{}", stale.all());
    assert!(
        stale.stderr.contains("(user alice) running `destroy` on "),
        "{}",
        stale.all()
    );
    assert!(
        stale
            .stderr
            .contains(&format!("`ecsctl unlock -e dev {id}`")),
        "{}",
        stale.all()
    );
    p.ok(&["unlock", "-e", "dev", &id]);
    p.ok(&["destroy", "-e", "dev", "--yes"]);
    assert_eq!(lock_value(&p.acct, PARAMETER), None);
}
