//! What a spec references outside ecsctl, made real in a test account before ecsctl runs: the
//! account a team runs ecsctl against already has its target groups, EFS file systems, ECR
//! images and secrets, and apply's pre-flight checks them (as AWS refuses what is missing).
//!
//! Owns rewriting a project's placeholder ARNs and IDs to the test account's (the examples name
//! account 123456789012 and their own regions; moto cannot create chosen IDs) and creating the
//! resources, through aws-oob.py (boto3), never through ecsctl. Shared by the emulator tests and
//! the benchmark (`#[path]`).

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::{Value, json};

use super::{Network, TestAccount};

/// The account and region the example projects write into their ARNs.
const PLACEHOLDER_ACCOUNT: &str = ":123456789012:";
const PLACEHOLDER_REGIONS: [&str; 2] = [":us-east-1:", ":ap-southeast-2:"];
const REGION: &str = "eu-west-1";

/// Binds the project in `dir` to `acct`: the project and its ARNs in the test account and
/// region, real target groups and EFS, and the images, secrets and parameters its environments
/// use.
pub fn bind(acct: &TestAccount, net: &Network, dir: &Path) {
    let files = files(dir);
    for path in &files {
        let mut text = std::fs::read_to_string(path).unwrap();
        text = text.replace(PLACEHOLDER_ACCOUNT, &format!(":{}:", acct.id));
        for region in PLACEHOLDER_REGIONS {
            text = text.replace(region, &format!(":{REGION}:"));
            // The account's network is in REGION: moto validates subnets per region.
            let name = region.trim_matches(':');
            text = text.replace(&format!("region: {name}"), &format!("region: {REGION}"));
        }
        std::fs::write(path, text).unwrap();
    }
    target_groups(acct, net, &files);
    listener_rules(acct, &files);
    efs(acct, &files);
    let strings = rendered(acct, net, dir, None);
    images(acct, &strings);
    secrets(acct, &strings);
}

/// Pushes the ECR images of every environment with `IMAGE_TAG=tag` (a pipeline's new build).
pub fn push_tag(acct: &TestAccount, net: &Network, dir: &Path, tag: &str) {
    images(acct, &rendered(acct, net, dir, Some(tag)));
}

/// ecsctl.yaml, then every environment file.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files = vec![dir.join("ecsctl.yaml")];
    let mut envs: Vec<PathBuf> = std::fs::read_dir(dir.join("environments"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    envs.sort();
    files.extend(envs);
    files
}

/// Every `NEEDLE...` token in the files (up to a quote or whitespace), in first-seen order.
fn tokens(files: &[PathBuf], needle: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(path).unwrap();
        for (at, _) in text.match_indices(needle) {
            let end = text[at..]
                .find(|c: char| c == '"' || c == '\'' || c == ',' || c == ']' || c.is_whitespace())
                .map_or(text.len(), |e| at + e);
            let token = text[at..end].to_string();
            if !out.contains(&token) {
                out.push(token);
            }
        }
    }
    out
}

/// aws-oob's `{"placeholder": "real"}` answer as replacement pairs.
fn placeholders(real: &Value) -> Vec<(String, String)> {
    real.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

fn replace_all(files: &[PathBuf], pairs: &[(String, String)]) {
    for path in files {
        let mut text = std::fs::read_to_string(path).unwrap();
        for (from, to) in pairs {
            text = text.replace(from.as_str(), to);
        }
        std::fs::write(path, text).unwrap();
    }
}

/// One real `ip` target group per placeholder ARN, forwarded to by a load balancer.
fn target_groups(acct: &TestAccount, net: &Network, files: &[PathBuf]) {
    let arns: Vec<String> = tokens(files, "arn:aws:elasticloadbalancing:")
        .into_iter()
        .filter(|a| a.contains(":targetgroup/"))
        .collect();
    if arns.is_empty() {
        return;
    }
    let name = |arn: &str| arn.split('/').nth(1).unwrap_or_default().to_string();
    let names: Vec<String> = arns.iter().map(|a| name(a)).collect();
    let spec = json!({"VpcId": net.vpc_id, "SubnetIds": net.subnet_ids, "Names": names});
    let real = acct
        .oob(&["target-groups", &spec.to_string()])
        .expect("target group fixtures");
    let pairs: Vec<(String, String)> = arns
        .iter()
        .map(|a| (a.clone(), real[name(a)].as_str().unwrap().to_string()))
        .collect();
    replace_all(files, &pairs);
}

/// A blue/green load balancer's listener rules: per `productionListenerRule` (and
/// `testListenerRule`) placeholder, a real rule forwarding 100/0 to the item's target group and
/// alternate (already real, `target_groups` ran first), on that group's load balancer.
fn listener_rules(acct: &TestAccount, files: &[PathBuf]) {
    let value = |line: &str| {
        line.split_once(':')
            .map(|(_, v)| v.trim().trim_matches('"').trim_matches('\'').to_string())
            .unwrap_or_default()
    };
    let mut pairs: Vec<Value> = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(path).unwrap();
        let mut current = serde_json::Map::new();
        let flush = |current: &mut serde_json::Map<String, Value>, pairs: &mut Vec<Value>| {
            if current.contains_key("Production") {
                pairs.push(Value::Object(std::mem::take(current)));
            }
            current.clear();
        };
        for line in text.lines() {
            let key = line.trim().trim_start_matches("- ");
            let field = match key.split(':').next().unwrap_or_default() {
                "targetGroupArn" => {
                    flush(&mut current, &mut pairs);
                    "TargetGroupArn"
                }
                "alternateTargetGroupArn" => "AlternateTargetGroupArn",
                "productionListenerRule" => "Production",
                "testListenerRule" => "Test",
                _ => continue,
            };
            current.insert(field.to_string(), json!(value(key)));
        }
        flush(&mut current, &mut pairs);
    }
    if pairs.is_empty() {
        return;
    }
    let real = acct
        .oob(&["listener-rules", &Value::Array(pairs).to_string()])
        .expect("listener rule fixtures");
    replace_all(files, &placeholders(&real));
}

/// One real file system per placeholder `fs-…`, one access point per `fsap-…` (on the file
/// system written before it in the same file, as a volume names both).
fn efs(acct: &TestAccount, files: &[PathBuf]) {
    let mut systems: Vec<String> = Vec::new();
    let mut points: Vec<(String, String)> = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(path).unwrap();
        let mut last_fs = String::new();
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
            if word.starts_with("fs-") && word.len() > 8 {
                last_fs = word.to_string();
                if !systems.contains(&last_fs) {
                    systems.push(last_fs.clone());
                }
            } else if word.starts_with("fsap-") && !points.iter().any(|(p, _)| p == word) {
                points.push((word.to_string(), last_fs.clone()));
            }
        }
    }
    if systems.is_empty() {
        return;
    }
    let spec = json!({"FileSystems": systems, "AccessPoints": points});
    let real = acct.oob(&["efs", &spec.to_string()]).expect("EFS fixtures");
    replace_all(files, &placeholders(&real));
}

/// The strings of every environment's `ecsctl render --output json` (offline), `{account_id}`
/// resolved, with `IMAGE_TAG` unset or `tag`.
fn rendered(acct: &TestAccount, net: &Network, dir: &Path, tag: Option<&str>) -> Vec<String> {
    let mut strings: Vec<String> = Vec::new();
    for path in files(dir).iter().skip(1) {
        let env = path.file_stem().unwrap().to_string_lossy().to_string();
        let mut cmd = acct.ecsctl();
        match tag {
            Some(t) => cmd.env("IMAGE_TAG", t),
            None => cmd.env_remove("IMAGE_TAG"),
        };
        let out = cmd
            .arg("-C")
            .arg(dir)
            .args(["render", "-e", &env, "--output", "json"])
            .env("SUBNET_A", &net.subnet_ids[0])
            .env("SUBNET_B", &net.subnet_ids[1])
            .env("SG", &net.security_group_id)
            .env("VPC", &net.vpc_id)
            .stdin(Stdio::null())
            .output()
            .expect("run ecsctl render");
        if !out.status.success() {
            continue;
        }
        let text = String::from_utf8_lossy(&out.stdout).replace("{account_id}", &acct.id);
        strings.extend(text.split('"').map(str::to_string));
    }
    strings
}

/// The ECR images among `strings`, pushed.
fn images(acct: &TestAccount, strings: &[String]) {
    let mut images: Vec<String> = strings
        .iter()
        .filter(|s| s.contains(".dkr.ecr."))
        .cloned()
        .collect();
    images.sort();
    images.dedup();
    if !images.is_empty() {
        let list = serde_json::to_string(&images).unwrap();
        acct.oob(&["push-images", &list]).expect("push images");
    }
}

/// The secrets and parameters among `strings`, created.
fn secrets(acct: &TestAccount, strings: &[String]) {
    let mut secrets: Vec<String> = strings
        .iter()
        .filter_map(|s| s.split_once(":secret:").map(|(_, n)| n))
        .map(|n| n.split(':').next().unwrap_or_default().to_string())
        .collect();
    secrets.sort();
    secrets.dedup();
    for name in secrets.iter().filter(|n| !n.is_empty()) {
        made(acct.call(
            "secretsmanager",
            "CreateSecret",
            json!({"Name": name, "SecretString": "fixture"}),
        ));
    }
    let mut parameters: Vec<String> = strings
        .iter()
        .filter(|s| s.starts_with("arn:") && s.contains(":ssm:"))
        .filter_map(|s| s.split_once(":parameter/").map(|(_, n)| format!("/{n}")))
        .collect();
    parameters.sort();
    parameters.dedup();
    for name in parameters {
        made(acct.call(
            "ssm",
            "PutParameter",
            json!({"Name": name, "Value": "fixture", "Type": "SecureString"}),
        ));
    }
}

/// A fixture made by an earlier bind of the same account is there already.
fn made(result: Result<Value, super::AwsError>) {
    if let Err(e) = result {
        let again = ["ResourceExistsException", "ParameterAlreadyExists"];
        assert!(again.contains(&e.code.as_str()), "fixture: {e:?}");
    }
}
