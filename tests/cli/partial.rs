//! `-s/--service` argument rules (issue 13, item 8), all decided before any AWS call: a saved
//! plan names its own services, destroy takes no `-s`, and an unknown name lists the known
//! services. The endpoint is a closed port, so a command that reached AWS would fail otherwise.

use crate::support::{ecsctl, fixture};

/// `ecsctl ARGS` in the `small` fixture (services `web` and `worker`) with AWS unreachable.
fn offline(args: &[&str]) -> crate::support::Run {
    ecsctl()
        .current_dir(fixture("small"))
        .args(args.iter().copied())
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .run()
}

#[test]
fn apply_planfile_with_s_is_refused_because_the_plan_names_its_services() {
    offline(&["apply", "web.plan.json", "-s", "web", "--yes"]).assert(
        1,
        "",
        "error: `-s` cannot be combined with a saved plan: `web.plan.json` applies exactly the environment, images and options it was made with; nothing was changed\n  \
hint: run `ecsctl apply web.plan.json` alone, or make a new plan with those options (`ecsctl plan -e ENV ... --out FILE`)\n",
    );
}

#[test]
fn destroy_with_s_is_refused_with_a_hint() {
    offline(&["destroy", "-e", "dev", "-s", "web", "--yes"]).assert(
        1,
        "",
        "error: `destroy` does not take `-s`: it removes the whole environment `dev`; nothing was changed\n  \
hint: to remove one service, delete it from the spec and run `ecsctl apply -e dev` (a full apply prunes it)\n",
    );
}

#[test]
fn an_unknown_service_is_an_error_listing_the_known_ones() {
    let expected = "error: `-s`: no service `wokrer` in environment `prod`; nothing was read or changed\n  \
hint: did you mean `worker`? services here: `web`, `worker`\n";
    offline(&["plan", "-e", "prod", "-s", "web", "-s", "wokrer"]).assert(1, "", expected);
    offline(&["apply", "-e", "prod", "--service", "wokrer", "--yes"]).assert(1, "", expected);
}

#[test]
fn s_needs_an_environment() {
    let r = offline(&["plan", "-s", "web"]);
    // Usage errors exit 1 (usage::usage_errors_exit_1_not_2).
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("--env <ENV>"), "{}", r.stderr);
}

/// A partial plan deletes no log group, so `--delete-logs` could only be ignored: refused.
#[test]
fn s_with_delete_logs_is_a_usage_error() {
    for command in ["plan", "apply"] {
        let r = offline(&[command, "-e", "dev", "-s", "web", "--delete-logs"]);
        assert_eq!(r.code, Some(1), "{command}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("the argument '--service <NAME>' cannot be used with '--delete-logs'"),
            "{command}: {}",
            r.stderr
        );
    }
}
