//! Nested field lines: table of the shapes a plan hands over, each with its exact text.

use serde_json::{Value, json};

use super::*;
use crate::plan::Effect;

fn f(before: Option<Value>, after: Option<Value>) -> FieldChange {
    FieldChange {
        path: "p".into(),
        before,
        after,
        after_unknown: false,
        effect: Effect::InPlace,
    }
}

/// The lines as the human view lays them out, without its six-space margin.
fn text(f: &FieldChange) -> String {
    field_lines(f)
        .iter()
        .map(|l| format!("{}{} {}\n", "    ".repeat(l.depth), l.sym.as_str(), l.text))
        .collect()
}

fn statement(sid: &str, actions: &[&str], resource: &str) -> Value {
    json!({"Action": actions, "Effect": "Allow", "Resource": [resource], "Sid": sid})
}

/// Regression: an IAM policy change printed the whole `Statement` list as one JSON line on
/// each side (up to 765 characters, issue 11). Now one action added to one statement is one
/// `+` line inside that statement, with the statement's other keys as context; the other
/// statement is counted.
#[test]
fn a_policy_change_is_one_line_per_changed_element() {
    let logs = statement(
        "Logs",
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/ohi-prod/api:*",
    );
    let before = statement(
        "Pull",
        &[
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
        ],
        "arn:aws:ecr:eu-west-1:123456789012:repository/ohi-api",
    );
    let after = statement(
        "Pull",
        &[
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
        ],
        "arn:aws:ecr:eu-west-1:123456789012:repository/ohi-api",
    );
    let change = f(
        Some(json!([logs.clone(), before])),
        Some(json!([logs, after])),
    );
    assert_eq!(
        text(&change),
        r#"~ p = [
      # (1 unchanged element hidden)
    ~ {
        ~ Action = [
              # (1 unchanged element hidden)
            + "ecr:BatchGetImage",
              # (1 unchanged element hidden)
          ]
          Effect = "Allow"
          Resource = ["arn:aws:ecr:eu-west-1:123456789012:repository/ohi-api"]
          Sid = "Pull"
      },
  ]
"#
    );
}

#[test]
fn a_statement_added_and_one_removed() {
    let a = statement("A", &["s3:GetObject"], "arn:aws:s3:::bucket-a/*");
    let b = statement("B", &["s3:PutObject"], "arn:aws:s3:::bucket-b/*");
    let change = f(Some(json!([a.clone()])), Some(json!([a, b])));
    assert_eq!(
        text(&change),
        r#"~ p = [
      # (1 unchanged element hidden)
    + {
        + Action = ["s3:PutObject"]
        + Effect = "Allow"
        + Resource = ["arn:aws:s3:::bucket-b/*"]
        + Sid = "B"
      },
  ]
"#
    );
}

/// A health-check command is a list of strings: the changed word is `-` and `+`, not two
/// whole lists.
#[test]
fn a_health_check_command_changes_word_by_word() {
    let change = f(
        Some(json!([
            "CMD-SHELL",
            "curl -f http://localhost:8000/health || exit 1"
        ])),
        Some(json!([
            "CMD-SHELL",
            "curl -f http://localhost:8000/ready || exit 1"
        ])),
    );
    assert_eq!(
        text(&change),
        r#"~ p = [
      # (1 unchanged element hidden)
    - "curl -f http://localhost:8000/health || exit 1",
    + "curl -f http://localhost:8000/ready || exit 1",
  ]
"#
    );
}

#[test]
fn objects_by_key_with_quoted_keys() {
    let change = f(
        Some(json!({"a": 1, "ecsctl:env": "dev", "gone": true, "same": "x"})),
        Some(json!({"a": 2, "ecsctl:env": "dev", "new": [1, 2], "same": "x"})),
    );
    assert_eq!(
        text(&change),
        r#"~ p = {
    ~ a = 1 -> 2
    + new = [1,2]
    - gone = true
      # (2 unchanged attributes hidden)
  }
"#
    );
}

/// A short list or object added or removed whole stays on one line, as before; a long one
/// (a whole policy on a create) is expanded under its symbol, except a list of one element
/// (two bracket lines around the same text would gain nothing).
#[test]
fn whole_values_inline_when_short_expanded_when_long() {
    let short = f(None, Some(json!(["CMD", "true"])));
    assert_eq!(text(&short), "+ p = [\"CMD\",\"true\"]\n");
    let removed = f(Some(json!({"API_TOKEN": "(sensitive value)"})), None);
    assert_eq!(
        text(&removed),
        "- p = {\"API_TOKEN\":\"(sensitive value)\"}\n"
    );
    let long = f(
        None,
        Some(json!([
            statement(
                "Logs",
                &["logs:CreateLogStream", "logs:PutLogEvents"],
                "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/ohi-prod/api:*"
            ),
            json!({"Action": ["secretsmanager:GetSecretValue"], "Effect": "Allow", "Resource": [
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ohi/prod/database-??????",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ohi/prod/redis-??????",
            ]}),
        ])),
    );
    assert_eq!(
        text(&long),
        r#"+ p = [
    + {
        + Action = ["logs:CreateLogStream","logs:PutLogEvents"]
        + Effect = "Allow"
        + Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/ohi-prod/api:*"]
        + Sid = "Logs"
      },
    + {
        + Action = ["secretsmanager:GetSecretValue"]
        + Effect = "Allow"
        + Resource = [
            + "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ohi/prod/database-??????",
            + "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ohi/prod/redis-??????",
          ]
      },
  ]
"#
    );
}

#[test]
fn scalars_and_unknowns_stay_on_one_line() {
    assert_eq!(text(&f(Some(json!(1)), Some(json!(2)))), "~ p = 1 -> 2\n");
    assert_eq!(
        text(&f(Some(json!("a")), Some(json!(["a"])))),
        "~ p = \"a\" -> [\"a\"]\n"
    );
    let unknown = FieldChange {
        after_unknown: true,
        ..f(Some(json!("f:3")), None)
    };
    assert_eq!(text(&unknown), "~ p = \"f:3\" -> (known after apply)\n");
}

#[test]
fn alignment_keeps_the_longest_common_run() {
    let v = |s: &[i64]| s.iter().map(|n| json!(n)).collect::<Vec<_>>();
    assert_eq!(
        align(&v(&[1, 2, 3]), &v(&[1, 3, 4])),
        [Op::Keep, Op::Remove(1), Op::Keep, Op::Add(2)]
    );
}

/// A change whose two sides read the same once masked (`(sensitive value)` in a list) must
/// still show as a change, not as a block of hidden elements.
#[test]
fn a_change_that_looks_equal_stays_visible() {
    let masked = json!(["(sensitive value)"]);
    assert_eq!(
        text(&f(Some(masked.clone()), Some(masked))),
        "~ p = [\"(sensitive value)\"] -> [\"(sensitive value)\"]\n"
    );
}
