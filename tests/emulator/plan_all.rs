//! `ecsctl plan --all` against the emulator: two environments applied, one then changed in the
//! spec; one report shows the change in one and "No changes." in the other, with one read per
//! environment and no write (`--stats`), exit 2 with `--detailed-exitcode`, a JSON document a
//! CI can split, an environment pinned to another account failing alone while the others plan,
//! and an environment in another region read with its own clients.

use std::path::Path;

use serde_json::Value;

use crate::support::{self, Run, TestAccount};

const ECSCTL_YAML: &str = "app: every\nregion: eu-west-1\nlogs:\n  retentionDays: 7\n\
services:\n  web:\n    image: nginx:1.27\n    cpu: 256\n    memory: 512\n    ports: [8080]\n";
/// An environment file; plans alone need no network, so made-up ids do unless applied.
const ENV_YAML: &str = "network:\n  subnets: [subnet-0a1b2c3d4e5f60101]\n  securityGroups: [sg-0a1b2c3d4e5f60111]\ndiscovery:\n  enabled: false\n";

/// `dev` and `prod`, each `env_yaml`.
fn project(env_yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("environments")).unwrap();
    std::fs::write(dir.path().join("ecsctl.yaml"), ECSCTL_YAML).unwrap();
    for env in ["dev", "prod"] {
        let path = dir.path().join(format!("environments/{env}.yaml"));
        std::fs::write(path, env_yaml).unwrap();
    }
    dir
}

fn run(acct: &TestAccount, dir: &Path, args: &[&str]) -> Run {
    acct.ecsctl()
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("run ecsctl")
        .into()
}

/// The `--stats` lines: (`dev` / `prod` / "" for the total, calls per operation).
fn stats(r: &Run) -> Vec<(String, Vec<(String, u32)>)> {
    r.stderr
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("note: ")?;
            let (scope, rest) = match rest.strip_prefix('`') {
                Some(scoped) => {
                    let (env, rest) = scoped.split_once("`: ")?;
                    (env.to_string(), rest)
                }
                None => (String::new(), rest),
            };
            let ops = rest.strip_prefix("aws calls: ")?.split_once(": ")?.1;
            let ops = ops
                .split_whitespace()
                .map(|w| {
                    let (op, n) = w.split_once('=').unwrap();
                    (op.to_string(), n.parse().unwrap())
                })
                .collect();
            Some((scope, ops))
        })
        .collect()
}

fn assert_read_only_once_each(r: &Run, envs: &[&str]) {
    let lines = stats(r);
    let scopes: Vec<&str> = lines.iter().map(|(s, _)| s.as_str()).collect();
    let mut want: Vec<&str> = envs.to_vec();
    want.push("");
    assert_eq!(scopes, want, "{}", r.all());
    let reads = ["Describe", "List", "Get"];
    let mut total = std::collections::BTreeMap::new();
    for (scope, ops) in &lines {
        for (op, n) in ops {
            let name = op.rsplit(':').next().unwrap();
            assert!(
                reads.iter().any(|r| name.starts_with(r)),
                "{scope}: a write {op}\n{}",
                r.all()
            );
            if !scope.is_empty() {
                *total.entry(op.clone()).or_insert(0) += n;
            }
        }
        // one live read: one STS call, one cluster read per environment
        if !scope.is_empty() {
            let count = |op: &str| ops.iter().find(|(o, _)| o == op).map(|(_, n)| *n);
            assert_eq!(count("sts:GetCallerIdentity"), Some(1), "{scope}");
            assert_eq!(count("ecs:DescribeClusters"), Some(1), "{scope}");
        }
    }
    let overall: std::collections::BTreeMap<String, u32> =
        lines.last().unwrap().1.iter().cloned().collect();
    assert_eq!(overall, total, "the total adds up the environments");
}

fn section<'a>(stdout: &'a str, env: &str, next: Option<&str>) -> &'a str {
    let start = stdout
        .find(&format!("=== {env} ===\n"))
        .unwrap_or_else(|| panic!("no {env} section:\n{stdout}"));
    let end = match next {
        Some(n) => stdout.find(&format!("=== {n} ===\n")).unwrap(),
        None => stdout.find("Environments:\n").unwrap(),
    };
    &stdout[start..end]
}

#[test]
fn plan_all_shows_the_change_in_one_environment_and_no_changes_in_the_other() {
    let acct = support::account();
    let net = acct.network();
    let env_yaml = format!(
        "network:\n  subnets: [{}]\n  securityGroups: [{}]\ndiscovery:\n  enabled: false\n",
        net.subnet_ids[0], net.security_group_id
    );
    let dir = project(&env_yaml);
    for env in ["dev", "prod"] {
        let applied = run(&acct, dir.path(), &["apply", "-e", env, "--yes"]);
        assert_eq!(applied.code, Some(0), "apply {env}: {}", applied.all());
    }
    let converged = run(
        &acct,
        dir.path(),
        &["plan", "--all", "--detailed-exitcode", "--stats"],
    );
    assert_eq!(converged.code, Some(0), "{}", converged.all());
    assert_read_only_once_each(&converged, &["dev", "prod"]);
    assert!(
        converged.stdout.ends_with(
            "Environments:\n  dev   no changes\n  prod  no changes\nTotal: no changes in 2 environments.\n"
        ),
        "{}",
        converged.all()
    );

    // prod's spec changes: its task definition gets a new revision
    std::fs::write(
        dir.path().join("environments/prod.yaml"),
        format!("{env_yaml}services:\n  web:\n    env:\n      DEBUG: \"1\"\n"),
    )
    .unwrap();
    let changed = run(
        &acct,
        dir.path(),
        &["plan", "--all", "--detailed-exitcode", "--stats"],
    );
    assert_eq!(changed.code, Some(2), "{}", changed.all());
    assert_read_only_once_each(&changed, &["dev", "prod"]);
    assert_eq!(
        section(&changed.stdout, "dev", Some("prod")),
        "=== dev ===\n\nNo changes. Your infrastructure matches the spec.\n\n"
    );
    let prod = section(&changed.stdout, "prod", None);
    assert!(
        prod.contains("  # task_definition.every-prod-web will get a new revision\n"),
        "{prod}"
    );
    assert!(
        prod.contains("      + containerDefinitions.web.environment = {\"DEBUG\":\"1\"}\n"),
        "{prod}"
    );
    assert!(
        changed.stdout.ends_with(
            "Environments:\n  dev   no changes\n  prod  0 to add, 2 to change, 0 to destroy\n\
Total: 0 to add, 2 to change, 0 to destroy in 2 environments.\n"
        ),
        "{}",
        changed.all()
    );
    // without --detailed-exitcode, changes exit 0
    let plain = run(&acct, dir.path(), &["plan", "--all"]);
    assert_eq!(plain.code, Some(0), "{}", plain.all());

    // JSON: one document; each environment's plan is its `plan -e` document
    let json = run(&acct, dir.path(), &["plan", "--all", "--output", "json"]);
    assert_eq!(json.code, Some(0), "{}", json.all());
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["kind"], "ecsctl-plan-all");
    assert_eq!(doc["summary"]["hasChanges"], true);
    assert_eq!(doc["summary"]["failed"], 0);
    let envs = doc["environments"].as_array().unwrap();
    assert_eq!(envs.len(), 2);
    for (entry, (env, has_changes)) in envs.iter().zip([("dev", false), ("prod", true)]) {
        assert_eq!(entry["env"], env);
        assert_eq!(entry["status"], "planned");
        let plan = &entry["plan"];
        assert_eq!(plan["formatVersion"], "1.5");
        assert_eq!(plan["env"], env);
        assert_eq!(plan["accountId"], acct.id.as_str());
        assert_eq!(plan["summary"]["hasChanges"], has_changes, "{env}");
        let single = run(&acct, dir.path(), &["plan", "-e", env, "--output", "json"]);
        let single: Value = serde_json::from_str(&single.stdout).unwrap();
        assert_eq!(plan["resourceChanges"], single["resourceChanges"], "{env}");
        assert_eq!(plan["fingerprint"], single["fingerprint"], "{env}");
    }
    // a saved plan split out of it is one `apply PLANFILE` takes
    let split = dir.path().join("prod.plan.json");
    std::fs::write(
        &split,
        serde_json::to_string_pretty(&envs[1]["plan"]).unwrap(),
    )
    .unwrap();
    let split_s = split.to_str().unwrap();
    let applied = run(&acct, dir.path(), &["apply", split_s, "--yes"]);
    assert_eq!(applied.code, Some(0), "{}", applied.all());
    let after = run(&acct, dir.path(), &["plan", "--all", "--detailed-exitcode"]);
    assert_eq!(after.code, Some(0), "{}", after.all());
}

/// An environment pinned to another account fails as `plan -e` fails, reported as its own
/// error; the others are still planned, and the run exits 1.
#[test]
fn plan_all_reports_an_environment_of_another_account_and_plans_the_others() {
    let acct = support::account();
    let dir = project(ENV_YAML);
    std::fs::write(
        dir.path().join("environments/other.yaml"),
        format!("account: \"111111111111\"\n{ENV_YAML}"),
    )
    .unwrap();
    let r = run(
        &acct,
        dir.path(),
        &[
            "plan",
            "--all",
            "--output",
            "json",
            "--detailed-exitcode",
            "--stats",
        ],
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
    let error = format!(
        "the spec pins account `111111111111` but the credentials are for account `{}`; nothing was read\n  \
hint: switch credentials (AWS_PROFILE) or change `account:` in ecsctl.yaml",
        acct.id
    );
    assert!(
        r.stderr.contains(&format!("error: `other`: {error}\n")),
        "{}",
        r.all()
    );
    assert!(
        r.stderr.ends_with(
            "error: 1 of 3 environments could not be planned: `other`\n  \
hint: each one's error is above; `ecsctl plan -e ENV` plans one alone\n"
        ),
        "{}",
        r.all()
    );
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let statuses: Vec<(&str, &str)> = doc["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["env"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [("dev", "planned"), ("other", "failed"), ("prod", "planned")]
    );
    assert_eq!(doc["environments"][1]["error"], error.as_str());
    assert_eq!(doc["summary"]["failed"], 1);
    // `other` read nothing beyond who the caller is, so it has no stats line
    let scopes: Vec<String> = stats(&r).into_iter().map(|(s, _)| s).collect();
    assert_eq!(scopes, ["dev", "prod", ""]);
}

/// Without AWS_REGION, each environment's clients talk to its own spec's region.
#[test]
fn plan_all_reads_each_environment_in_its_own_region() {
    let acct = support::account();
    let dir = project(ENV_YAML);
    std::fs::write(
        dir.path().join("environments/east.yaml"),
        format!("region: us-east-1\n{ENV_YAML}"),
    )
    .unwrap();
    let out: Run = acct
        .ecsctl()
        .env_remove("AWS_REGION")
        .arg("-C")
        .arg(dir.path())
        .args(["plan", "--all", "--output", "json"])
        .output()
        .unwrap()
        .into();
    assert_eq!(out.code, Some(0), "{}", out.all());
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let regions: Vec<(&str, &str)> = doc["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["env"].as_str().unwrap(),
                e["plan"]["region"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        regions,
        [
            ("dev", "eu-west-1"),
            ("east", "us-east-1"),
            ("prod", "eu-west-1")
        ]
    );
}
