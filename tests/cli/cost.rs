//! `ecsctl cost`: the exact estimate of the small project, its JSON document, the examples and
//! the root project priced in every environment, and "no price data" where the table has none.

use crate::support::{ecsctl, fixture};

/// Checked by hand from eu-west-1's prices ($0.04048 per vCPU-hour, $0.004445 per GB-hour):
/// web 0.25 vCPU + 0.5 GB = $0.0123425 an hour × 730 × 2 tasks = $18.02 (× 6 = $54.06);
/// worker 0.5 vCPU + 1 GB = $0.024685 × 730 × 30 % (Spot) = $5.41.
#[test]
fn the_small_projects_prod_costs_what_hand_arithmetic_says() {
    ecsctl()
        .current_dir(fixture("small"))
        .args(["cost", "-e", "prod"])
        .run()
        .assert(
            0,
            "Monthly Fargate compute of `prod` in eu-west-1 (730 hours a month; prices of 2025-06-05 from AWS's Fargate price feed (the AmazonECS offer's Price List SKUs); Spot 70 % off; a job run lasts 10 minutes unless its `runMinutes` says):

  SERVICE  TASK               COUNT    MONTHLY
  web      0.25 vCPU, 0.5 GB  2        $18.02 ($18.02–$54.06 for 2–6 tasks)
  worker   0.5 vCPU, 1 GB     1, Spot  $5.41

Total: $23.43 (autoscaling: $23.43–$59.47)
Not counted: load balancers, data transfer, NAT gateways, public IPv4 addresses, CloudWatch Logs, EBS volumes, and Savings Plans or other discounts.
",
            "",
        );
}

#[test]
fn the_spot_discount_is_the_users_to_set() {
    let run = ecsctl()
        .current_dir(fixture("small"))
        .args([
            "cost",
            "-e",
            "prod",
            "--output",
            "json",
            "--spot-discount",
            "50",
        ])
        .run();
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["assumptions"]["spotDiscountPercent"], 50);
    // $0.024685 × 730 × 50 % = $9.01.
    assert_eq!(v["services"][1]["monthly"], "9.01");
    assert_eq!(v["prices"]["date"], "2025-06-05");
    let refused = ecsctl()
        .current_dir(fixture("small"))
        .args(["cost", "-e", "prod", "--spot-discount", "120"])
        .run();
    refused.assert(
        1,
        "",
        "error: --spot-discount `120` is not a percentage from 0 to 100\n",
    );
}

#[test]
fn every_example_and_the_root_project_are_priced_in_every_environment() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut projects = vec![root.to_path_buf()];
    for ex in ["aldeia", "cryptotracker", "durableai", "omc"] {
        projects.push(root.join("examples").join(ex));
    }
    for dir in projects {
        for entry in std::fs::read_dir(dir.join("environments")).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            let env = name.trim_end_matches(".yaml");
            let run = ecsctl()
                .current_dir(&dir)
                .args(["cost", "-e", env, "--output", "json"])
                .env("IMAGE_TAG", "test")
                .run();
            assert_eq!(run.code, Some(0), "{} {env}: {}", dir.display(), run.stderr);
            let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
            let total: f64 = v["monthly"].as_str().unwrap().parse().unwrap();
            assert!(total > 0.0, "{} {env}: {v}", dir.display());
        }
    }
}

#[test]
fn a_region_without_prices_says_so_and_guesses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("environments")).unwrap();
    std::fs::write(
        dir.path().join("ecsctl.yaml"),
        "app: shop\nregion: cn-north-1\nnetwork:\n  subnets: [subnet-0a1b2c3d]\n  securityGroups: [sg-0a1b2c3d]\nservices:\n  web:\n    image: nginx\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("environments/prod.yaml"), "").unwrap();
    ecsctl()
        .current_dir(dir.path())
        .args(["cost", "-e", "prod"])
        .run()
        .assert(
            1,
            "",
            "error: no price data for region `cn-north-1`\n  hint: AWS prices its China regions in CNY (\"Amazon Web Services in China is priced and billed in local currency\"); ecsctl has no CNY prices\n",
        );
}
