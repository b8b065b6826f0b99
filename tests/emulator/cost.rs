//! Issue 17's cost change in a plan, on the emulator: a size change shows the monthly Fargate
//! compute before and after, per service and in total, in the human, markdown and JSON plans;
//! a converged plan shows none.

use serde_json::Value;

use crate::apply::Project;

/// Checked by hand from eu-west-1's prices ($0.04048 per vCPU-hour, $0.004445 per GB-hour,
/// 730 hours, Spot 70 % off): `web` on Spot goes from 0.25 vCPU + 0.5 GB ($0.0123425 an hour,
/// $2.70 a month) to 0.5 vCPU + 1 GB ($0.024685, $5.41); `worker` (on-demand, 1 task) stays
/// at $9.01.
#[test]
fn a_size_change_shows_what_it_costs_a_month() {
    let p = Project::new("tests/fixtures/apply-basic");
    p.apply_ok(&[], &[]);
    p.assert_converged(&[]);
    p.set_env_overrides("services:\n  web:\n    cpu: 512\n    memory: 1024\n");
    let line = "Monthly Fargate compute of the services: $11.71 → $14.42 (+$2.71): `web` $2.70 → $5.41 (+$2.71) (prices of 2025-06-05; docs/cost.md).";
    let human = p.run(&["plan", "-e", "test"], &[]);
    assert_eq!(human.code, Some(0), "{}", human.all());
    assert!(
        human.stdout.starts_with(&format!("{line}\n")),
        "{}",
        human.stdout
    );
    let md = p.run(&["plan", "-e", "test", "--output", "markdown"], &[]);
    assert!(
        md.stdout.contains(&format!("\n- {line}\n")),
        "{}",
        md.stdout
    );
    let json = p.run(&["plan", "-e", "test", "--output", "json"], &[]);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        doc["cost"],
        serde_json::json!({"pricesDate": "2025-06-05", "beforeCents": 1171, "afterCents": 1442,
            "services": [{"key": "web", "beforeCents": 270, "afterCents": 541}]})
    );
}
