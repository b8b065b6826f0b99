//! Faults as AWS produces them under load, on a private emulator that injects them (seeded, so
//! the sequence is the same every run): 30 % of requests throttled or answered 500/503, and some
//! successful writes whose response is lost, so the SDK sends them again, and every new service
//! reads as MISSING for 2 s. apply must converge on its first run, with no duplicate resource or
//! task-definition revision.

use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::apply::example_project_in;
use crate::support::{Emulator, http};

fn faulty() -> &'static Emulator {
    static SERVER: OnceLock<Emulator> = OnceLock::new();
    SERVER.get_or_init(|| {
        Emulator::start(
            "faults",
            &[
                ("ECSCTL_EMULATOR_FAULT_RATE", "0.3"),
                ("ECSCTL_EMULATOR_DROP_RATE", "0.2"),
                ("ECSCTL_EMULATOR_FAULT_SEED", "20261128"),
                // A new service reads as MISSING for 2 s (ECS's eventual consistency).
                ("ECSCTL_EMULATOR_MISSING_MS", "2000"),
            ],
            // boto3 reads that verify the result retry like ecsctl does.
            10,
        )
    })
}

fn faults_injected(e: &Emulator) -> Value {
    let r = http::request(&e.endpoint, "GET", "/ecsctl-emulator/faults", &[], "")
        .expect("GET /ecsctl-emulator/faults");
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).expect("faults JSON")
}

#[test]
fn apply_converges_through_throttling_5xx_and_lost_responses_without_duplicates() {
    let server = faulty();
    let p = example_project_in(".", server.account());
    let before = faults_injected(server);

    // The SDK's own default (3 attempts) is not enough at this rate: the first read fails.
    let few = p.run(&["plan", "-e", "prod"], &[("AWS_MAX_ATTEMPTS", "1")]);
    assert_eq!(few.code, Some(1), "{}", few.all());

    let r = p.run(&["apply", "-e", "prod", "--yes", "--stats"], &[]);
    assert_eq!(r.code, Some(0), "apply under faults failed:\n{}", r.all());
    let plan = p.run(
        &["plan", "-e", "prod", "--detailed-exitcode", "--stats"],
        &[],
    );
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    assert!(plan.stdout.starts_with("No changes."), "{}", plan.stdout);
    assert_eq!(plan.mutating_calls(), Vec::<String>::new());

    // No duplicates: one ACTIVE revision per family, one service per spec service.
    let families = p.call(
        "ecs",
        "ListTaskDefinitionFamilies",
        json!({"status": "ACTIVE", "maxResults": 100}),
    );
    let families = families["families"].as_array().unwrap();
    assert!(!families.is_empty());
    for family in families {
        let revisions = p.call(
            "ecs",
            "ListTaskDefinitions",
            json!({"familyPrefix": family, "status": "ACTIVE", "maxResults": 100}),
        );
        assert_eq!(
            revisions["taskDefinitionArns"].as_array().unwrap().len(),
            1,
            "family {family}: {revisions}"
        );
    }
    let services = p.call(
        "ecs",
        "ListServices",
        json!({"cluster": "ohi-prod", "maxResults": 100}),
    );
    assert_eq!(services["serviceArns"].as_array().unwrap().len(), 11);

    // Faults really happened during this test's calls (the counters are server-wide).
    let after = faults_injected(server);
    for key in ["injected", "dropped"] {
        assert!(
            after[key].as_u64().unwrap() > before[key].as_u64().unwrap(),
            "no {key} faults: {before} -> {after}"
        );
    }
}
