//! `ecsctl output` before the environment exists: exit 0, every value `null` and its address
//! in `missing`, a note on stderr, nothing written; after apply, the same addresses resolve.

use serde_json::{Value, json};

use crate::apply::Project;

#[test]
fn before_apply_everything_is_missing_and_after_it_everything_is_aws() {
    let p = Project::new("tests/fixtures/apply-basic");
    let before = p.run(
        &["output", "-e", "test", "--output", "json", "--stats"],
        &[],
    );
    assert_eq!(before.code, Some(0), "{}", before.all());
    before.assert_no_writes("output");
    let doc: Value = serde_json::from_str(&before.stdout).unwrap();
    assert_eq!(doc["cluster"], json!({"name": "ap-test", "arn": null}));
    assert_eq!(doc["services"][0]["arn"], Value::Null);
    assert_eq!(doc["services"][0]["dnsName"], "web.ap-test.local");
    let missing: Vec<&str> = doc["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    for address in [
        "cluster.ap-test",
        "service.web",
        "service.worker",
        "iam_role.ap-test-web-exec",
    ] {
        assert!(missing.contains(&address), "{address}: {missing:?}");
    }
    assert!(
        before
            .stderr
            .contains("of `test` not in AWS yet (null in the output): cluster.ap-test"),
        "{}",
        before.stderr
    );

    p.apply_ok(&[], &[]);
    let after = p.run(&["output", "-e", "test"], &[]);
    assert_eq!(after.code, Some(0), "{}", after.all());
    assert!(!after.stdout.contains("Not in AWS yet"), "{}", after.stdout);
    let web = p.service("ap-test-web");
    assert!(
        after.stdout.contains(&format!(
            "  arn              {}\n",
            web["serviceArn"].as_str().unwrap()
        )),
        "{}",
        after.stdout
    );
    assert!(
        after
            .stdout
            .contains("  dns name         web.ap-test.local\n"),
        "{}",
        after.stdout
    );
}
