//! The catalogue against the code: every SDK operation `src/aws/` sends has a row, and every
//! `Call` row is an operation something sends.
//!
//! How: the test reads the source of every non-test file in `src/aws/` and finds the request
//! builders on the clients, `clients.<client>.<operation>()` (rustfmt may split the chain over
//! lines; the SDK names each builder after its operation in snake case). Every call in
//! `src/aws/` goes through an `AwsClients` named `clients` (the one place SDK types live), so a
//! new operation cannot hide from this scan; a client field this test does not know fails it
//! too. Test modules (`#[cfg(test)]` files and `mod tests`) are skipped: their calls never run
//! in a command.

use std::collections::BTreeSet;
use std::path::Path;

use super::catalogue::{CATALOGUE, Origin};

/// `AwsClients` fields that are not SDK clients (`caller` caches GetCallerIdentity's answer).
const NOT_CLIENTS: &[&str] = &["caller", "calls", "region", "max_attempts"];

/// `AwsClients` field → IAM service prefix.
fn prefix(field: &str) -> Option<&'static str> {
    Some(match field {
        "ecs" => "ecs",
        "iam" => "iam",
        "logs" => "logs",
        "ssm" => "ssm",
        "sts" => "sts",
        "scheduler" => "scheduler",
        "discovery" => "servicediscovery",
        "autoscaling" => "application-autoscaling",
        "tagging" => "tag",
        "ec2" => "ec2",
        "elbv2" => "elasticloadbalancing",
        "secrets" => "secretsmanager",
        "kms" => "kms",
        "efs" => "elasticfilesystem",
        "ecr" => "ecr",
        "cloudwatch" => "cloudwatch",
        "pricing" => "pricing",
        _ => return None,
    })
}

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn ident(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// `(field, operation)` for each `clients.<field>.<operation>(` in `source`.
fn builder_calls(source: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (at, _) in source.match_indices("clients") {
        let before = source[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = source[at + "clients".len()..].trim_start();
        let Some(rest) = rest.strip_prefix('.') else {
            continue;
        };
        let (field, rest) = ident(rest.trim_start());
        let Some(rest) = rest.trim_start().strip_prefix('.') else {
            continue;
        };
        let (op, rest) = ident(rest.trim_start());
        if rest.starts_with('(') && !op.is_empty() {
            out.push((field.to_string(), op.to_string()));
        }
    }
    out
}

/// Files `src/aws/mod.rs` declares under `#[cfg(test)]`.
fn test_only_modules(mod_rs: &str) -> BTreeSet<String> {
    let lines: Vec<&str> = mod_rs.lines().map(str::trim).collect();
    lines
        .windows(2)
        .filter(|w| w[0] == "#[cfg(test)]")
        .filter_map(|w| w[1].trim_end_matches(';').rsplit(' ').next())
        .map(|m| format!("{m}.rs"))
        .collect()
}

/// Every `service:Operation` the non-test code of `src/aws/` sends.
fn sent_operations() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/aws");
    let skip = test_only_modules(&std::fs::read_to_string(dir.join("mod.rs")).unwrap());
    let mut ops = BTreeSet::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".rs") || name.ends_with("_tests.rs") || skip.contains(&name) {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        for (field, op) in builder_calls(code) {
            if NOT_CLIENTS.contains(&field.as_str()) {
                continue;
            }
            let service = prefix(&field).unwrap_or_else(|| {
                panic!("{name}: unknown client `clients.{field}`: add it to `prefix` here")
            });
            ops.insert(format!("{service}:{}", pascal(&op)));
        }
    }
    assert!(files > 20, "read only {files} files in {}", dir.display());
    ops
}

#[test]
fn every_sdk_operation_in_src_aws_has_a_catalogue_row() {
    let rows: BTreeSet<&str> = CATALOGUE.iter().map(|e| e.action).collect();
    let missing: Vec<String> = sent_operations()
        .into_iter()
        .filter(|op| !rows.contains(op.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "src/aws/ sends operations the permissions catalogue lacks (add a row to \
         src/permissions/catalogue.rs, scoped per the Service Authorization Reference): {missing:?}"
    );
}

#[test]
fn every_call_row_is_an_operation_src_aws_sends() {
    let sent = sent_operations();
    let stale: Vec<&str> = CATALOGUE
        .iter()
        .filter(|e| e.origin == Origin::Call && !sent.contains(e.action))
        .map(|e| e.action)
        .collect();
    assert!(
        stale.is_empty(),
        "catalogue rows marked `Call` that nothing in src/aws/ sends: {stale:?}"
    );
}

#[test]
fn the_scan_finds_chains_split_over_lines_and_ignores_other_receivers() {
    let src = "let r = clients\n        .ecs\n        .describe_clusters()\n;\n\
               clients.ssm.get_parameter().name(n);\n\
               my_clients.ecs.list_tasks();\n\
               clients.ecs.clone();\n\
               t.ecs.unwrap();";
    assert_eq!(
        builder_calls(src),
        vec![
            ("ecs".to_string(), "describe_clusters".to_string()),
            ("ssm".to_string(), "get_parameter".to_string()),
            ("ecs".to_string(), "clone".to_string()),
        ]
    );
    assert_eq!(pascal("list_tags_for_resource"), "ListTagsForResource");
    assert_eq!(
        test_only_modules(
            "#[cfg(test)]\npub(crate) mod fixtures;\npub mod ecs;\n#[cfg(test)]\nmod replay;"
        ),
        BTreeSet::from(["fixtures.rs".to_string(), "replay.rs".to_string()])
    );
}
