//! `ecsctl prices update` against a local server that answers as the AWS Price List Query API
//! does, with a recorded `GetProducts` answer (tests/fixtures/pricing; the emulator has no
//! Pricing API); then `ecsctl cost` prices with the cache and says so.

use std::sync::{Arc, Mutex};

use crate::support::{ecsctl, fixture, http_server};

/// Serves every request with `body` and records the request bodies.
fn price_list_server(body: String) -> (u16, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let port = http_server(move |_method, _path, request| {
        log.lock()
            .unwrap()
            .push(String::from_utf8_lossy(request).to_string());
        (200, "application/x-amz-json-1.1", body.clone().into_bytes())
    });
    (port, seen)
}

#[test]
fn prices_update_caches_what_the_price_list_answers_and_cost_uses_it() {
    let recorded =
        std::fs::read_to_string(fixture("pricing").join("get-products-us-east-1.json")).unwrap();
    let (port, seen) = price_list_server(recorded);
    let cache = tempfile::tempdir().unwrap();
    let with_aws = |args: &[&str]| {
        ecsctl()
            .args(args.iter().copied())
            .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
            .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .env("AWS_REGION", "eu-west-1")
            .env("ECSCTL_CACHE_DIR", cache.path())
            .run()
    };
    let r = with_aws(&[
        "prices",
        "update",
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--stats",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    for line in [
        "ok: us-east-1: prices published 2022-11-21T18:21:30Z\n",
        "warning: eu-west-1: the Price List has no Fargate Linux prices for it; its entry is left as it was\n",
        "pricing:GetProducts=2",
    ] {
        assert!(r.stderr.contains(line), "{line}:\n{}", r.stderr);
    }
    let bodies = seen.lock().unwrap().clone();
    let first: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(first["ServiceCode"], "AmazonECS");
    assert!(
        bodies.iter().any(
            |b| b.contains("\"Field\":\"regionCode\"") && b.contains("\"Value\":\"us-east-1\"")
        ),
        "{bodies:?}"
    );
    let text = std::fs::read_to_string(cache.path().join("prices.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["regions"]["us-east-1"]["x86VcpuHour"], "0.04048");
    assert_eq!(v["regions"].as_object().unwrap().len(), 1, "{text}");

    // `cost` of a project in us-east-1 now says its prices are the cached ones.
    let project = tempfile::tempdir().unwrap();
    std::fs::create_dir(project.path().join("environments")).unwrap();
    std::fs::write(
        project.path().join("ecsctl.yaml"),
        "app: shop\nregion: us-east-1\nnetwork:\n  subnets: [subnet-0a1b2c3d]\n  securityGroups: [sg-0a1b2c3d]\nservices:\n  web:\n    image: nginx\n    cpu: 1024\n    memory: 2048\n",
    )
    .unwrap();
    std::fs::write(project.path().join("environments/prod.yaml"), "").unwrap();
    let cost = ecsctl()
        .current_dir(project.path())
        .args(["cost", "-e", "prod"])
        .env("ECSCTL_CACHE_DIR", cache.path())
        .run();
    assert_eq!(cost.code, Some(0), "{}", cost.stderr);
    let today = &v["regions"]["us-east-1"]["fetched"].as_str().unwrap()[..10];
    assert!(
        cost.stdout.contains(&format!(
            "prices of 2022-11-21 from the AWS Price List API, fetched {today} (`ecsctl prices update`)"
        )),
        "{}",
        cost.stdout
    );
    // 1 vCPU and 2 GB at $0.04048 + 2 × $0.004445, 730 hours.
    assert!(
        cost.stdout
            .contains("  web      1 vCPU, 2 GB  1      $36.04\n"),
        "{}",
        cost.stdout
    );
}
