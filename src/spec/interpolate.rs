//! `${VAR}` interpolation: string values that read the process environment.
//!
//! Owns the syntax (`${VAR}`, `${VAR:-default}`, `$${` for a literal `${`) and its errors. CI
//! injects image tags this way (`image: repo/api:${IMAGE_TAG}`). Must not touch name templates:
//! `{app}`, `{env}` and friends carry no `$` and pass through for the model to resolve. Must not
//! read the environment itself: callers pass the lookup, so tests and `render` stay pure.

use thiserror::Error;

use super::node::{Node, child_path};
use super::span::{Loc, Sp};
use crate::diagnostic::{Diagnostic, Diagnostics};

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum InterpolateError {
    #[error("environment variable `{name}` is not set")]
    Unset { name: String, offset: usize },
    #[error("`${{` is never closed")]
    Unclosed { offset: usize },
    #[error("`{text}` is not a valid variable reference")]
    BadReference { text: String, offset: usize },
}

impl InterpolateError {
    /// Where in the value (in characters) the offending `${` starts.
    pub fn offset(&self) -> usize {
        match self {
            InterpolateError::Unset { offset, .. }
            | InterpolateError::Unclosed { offset }
            | InterpolateError::BadReference { offset, .. } => *offset,
        }
    }

    pub fn hint(&self) -> String {
        match self {
            InterpolateError::Unset { name, .. } => {
                format!("set `{name}`, or give a default: `${{{name}:-value}}`")
            }
            InterpolateError::Unclosed { .. } => "close it with `}`, or write `$${` for a literal `${`".to_string(),
            // IAM policy variables look like ours; they are the common reason for this error.
            InterpolateError::BadReference { text, .. } if text.contains(':') && !text.contains(":-") => {
                format!("for an IAM policy variable, write `${text}` so ecsctl passes it through")
            }
            InterpolateError::BadReference { .. } => {
                "write `${NAME}` or `${NAME:-default}`: a name is letters, digits and `_`, not starting with a digit; \
                 write `$${` for a literal `${`"
                    .to_string()
            }
        }
    }
}

/// Replaces `${VAR}` and `${VAR:-default}` with values from `lookup`, and `$${` with `${`.
///
/// The default applies when the variable is unset *or empty*, as in POSIX shells: an empty
/// `IMAGE_TAG=` in CI should not yield the image `repo/api:`. A `$` not followed by `{` is kept.
pub fn interpolate(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, InterpolateError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        // Counted only for an error: counting at every `$` made a whole-file check quadratic
        // (the fast path of spec::load checks the file's text at once; bench/README.md).
        let offset = || text[..text.len() - rest.len() + at].chars().count();
        let after = &rest[at + 1..];
        if let Some(literal) = after.strip_prefix("${") {
            out.push_str("${");
            rest = literal;
        } else if let Some(body) = after.strip_prefix('{') {
            let end = closing_brace(body)
                .ok_or_else(|| InterpolateError::Unclosed { offset: offset() })?;
            out.push_str(&expand(&body[..end], &offset, lookup)?);
            rest = &body[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The index in `body` (the text after `${`) of the `}` that closes the reference, counting
/// nested braces so a default may hold a name template: `${IMAGE_TAG:-{env}}`.
pub fn closing_brace(body: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in body.bytes().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The value of one `${...}` body: `NAME` or `NAME:-default`.
fn expand(
    body: &str,
    offset: &dyn Fn() -> usize,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, InterpolateError> {
    let bad = || InterpolateError::BadReference {
        text: format!("${{{body}}}"),
        offset: offset(),
    };
    let (name, default) = match body.split_once(":-") {
        Some((name, default)) => (name, Some(default)),
        None => (body, None),
    };
    if !is_name(name) || default.is_some_and(|d| d.contains("${")) {
        return Err(bad());
    }
    match (lookup(name), default) {
        (Some(value), Some(default)) if value.is_empty() => Ok(default.to_string()),
        (Some(value), _) => Ok(value),
        (None, Some(default)) => Ok(default.to_string()),
        (None, None) => Err(InterpolateError::Unset {
            name: name.to_string(),
            offset: offset(),
        }),
    }
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Interpolates one spec value; an error becomes a diagnostic at the value's location.
pub fn interpolate_sp(
    value: &Sp<String>,
    path: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Sp<String>, Diagnostic> {
    match interpolate(&value.value, lookup) {
        Ok(text) => Ok(Sp::new(text, value.loc)),
        Err(e) => Err(Diagnostic::error(value.loc, path, e.to_string()).with_hint(e.hint())),
    }
}

/// Every interpolation problem in the string values of a YAML tree (keys are never
/// interpolated), so a spec with three unset variables reports all three at once. `source` is
/// the file's text: with it, a problem points at its `${` rather than at the start of the value.
pub fn check_tree(
    root: &Sp<Node>,
    source: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Diagnostics {
    let mut found = Diagnostics::default();
    walk(root, "", source, lookup, &mut found);
    found
}

fn walk(
    node: &Sp<Node>,
    path: &str,
    source: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    found: &mut Diagnostics,
) {
    match &node.value {
        Node::Str(text) if text.contains('$') => {
            if let Err(e) = interpolate(text, lookup) {
                let loc = Loc {
                    col: reference_column(source, node.loc, e.offset()).unwrap_or(node.loc.col),
                    ..node.loc
                };
                found.push(Diagnostic::error(loc, path, e.to_string()).with_hint(e.hint()));
            }
        }
        Node::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), source, lookup, found);
            }
        }
        Node::Map(entries) => {
            for (key, value) in entries {
                // Top-level `x-` blocks are ignored (spec::extensions); what an alias copies out
                // of them is checked where it is used.
                if path.is_empty() && super::extensions::is_extension(&key.value) {
                    continue;
                }
                walk(value, &child_path(path, &key.value), source, lookup, found);
            }
        }
        _ => {}
    }
}

/// The column of the `${` at `offset` in a value written at `loc`, when the source shows it
/// there: a plain or quoted scalar on one line. Block scalars and escapes fall back to `None`.
fn reference_column(source: &str, loc: Loc, offset: usize) -> Option<u32> {
    let line: Vec<char> = source
        .lines()
        .nth((loc.line as usize).checked_sub(1)?)?
        .chars()
        .collect();
    let start = (loc.col as usize).checked_sub(1)?;
    let quoted = matches!(line.get(start), Some('"' | '\''));
    let at = start + usize::from(quoted) + offset;
    (line.get(at..at + 2)? == ['$', '{']).then_some(at as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::node::parse;

    fn env(name: &str) -> Option<String> {
        match name {
            "TAG" => Some("v1.2".into()),
            "EMPTY" => Some(String::new()),
            "REGION" => Some("eu-west-1".into()),
            "_X9" => Some("x".into()),
            _ => None,
        }
    }

    #[test]
    fn table_of_interpolations() {
        let cases: &[(&str, &str)] = &[
            ("plain", "plain"),
            ("", ""),
            ("repo/api:${TAG}", "repo/api:v1.2"),
            ("${TAG}", "v1.2"),
            ("${TAG}-${REGION}", "v1.2-eu-west-1"),
            ("${_X9}", "x"),
            ("${MISSING:-latest}", "latest"),
            ("${EMPTY:-latest}", "latest"),
            ("${TAG:-latest}", "v1.2"),
            ("${MISSING:-}", ""),
            ("${MISSING:-a:b-c}", "a:b-c"),
            // A default may hold a name template; its braces nest.
            ("${MISSING:-{env}}", "{env}"),
            ("${MISSING:-{app}-{env}}-x", "{app}-{env}-x"),
            ("${EMPTY}", ""),
            ("$${TAG}", "${TAG}"),
            ("a$${b}c", "a${b}c"),
            // Scanned left to right: a `$` then the escape `$${`.
            ("$$${TAG}", "$${TAG}"),
            ("cost $5", "cost $5"),
            ("$TAG", "$TAG"),
            ("trailing $", "trailing $"),
            ("{app}-{env}-{service}", "{app}-{env}-{service}"),
            ("/ecs/{app}-${TAG}/{service}", "/ecs/{app}-v1.2/{service}"),
            (
                "{account_id}.dkr.ecr.{region}.amazonaws.com/api:${TAG:-dev}",
                "{account_id}.dkr.ecr.{region}.amazonaws.com/api:v1.2",
            ),
            ("ünï ${TAG}", "ünï v1.2"),
        ];
        for (input, want) in cases {
            assert_eq!(
                interpolate(input, &env).as_deref(),
                Ok(*want),
                "input `{input}`"
            );
        }
    }

    #[test]
    fn table_of_errors() {
        let unset = |name: &str, offset| InterpolateError::Unset {
            name: name.into(),
            offset,
        };
        let bad = |text: &str, offset| InterpolateError::BadReference {
            text: text.into(),
            offset,
        };
        let cases: Vec<(&str, InterpolateError)> = vec![
            ("${MISSING}", unset("MISSING", 0)),
            ("ü:${MISSING}", unset("MISSING", 2)),
            ("ok ${TAG} ${NOPE}", unset("NOPE", 10)),
            ("${TAG", InterpolateError::Unclosed { offset: 0 }),
            ("x ${", InterpolateError::Unclosed { offset: 2 }),
            ("${}", bad("${}", 0)),
            ("${1TAG}", bad("${1TAG}", 0)),
            ("${TAG NAME}", bad("${TAG NAME}", 0)),
            ("${TAG:default}", bad("${TAG:default}", 0)),
            ("${TAG-default}", bad("${TAG-default}", 0)),
            ("${A:-${B}}", bad("${A:-${B}}", 0)),
        ];
        for (input, want) in cases {
            assert_eq!(interpolate(input, &env), Err(want), "input `{input}`");
        }
    }

    #[test]
    fn error_wording() {
        let e = interpolate("${IMAGE_TAG}", &env).unwrap_err();
        assert_eq!(e.to_string(), "environment variable `IMAGE_TAG` is not set");
        assert_eq!(
            e.hint(),
            "set `IMAGE_TAG`, or give a default: `${IMAGE_TAG:-value}`"
        );
        assert_eq!(
            interpolate("${X", &env).unwrap_err().to_string(),
            "`${` is never closed"
        );
        assert_eq!(
            interpolate("${1}", &env).unwrap_err().to_string(),
            "`${1}` is not a valid variable reference"
        );
        let iam = interpolate("arn:aws:s3:::b/${aws:username}/*", &env).unwrap_err();
        assert_eq!(
            iam.hint(),
            "for an IAM policy variable, write `$${aws:username}` so ecsctl passes it through"
        );
        assert_eq!(
            interpolate("arn:aws:s3:::b/$${aws:username}/*", &env).as_deref(),
            Ok("arn:aws:s3:::b/${aws:username}/*")
        );
    }

    #[test]
    fn tree_reports_every_problem_with_its_path() {
        let text = "image: r:${TAG}\nenv:\n  A: x-${NOPE}\n  B: ${ALSO_NOPE:-ok}\n${KEY}: 1\nlist: [x, 'a${BAD']\nc: |\n  ${NOPE2}\n";
        let root = parse(text).unwrap();
        let got: Vec<String> = check_tree(&root, text, &env)
            .iter()
            .map(|d| format!("{}:{} {} | {}", d.loc.line, d.loc.col, d.path, d.message))
            .collect();
        assert_eq!(
            got,
            [
                "3:8 env.A | environment variable `NOPE` is not set",
                "6:13 list[1] | `${` is never closed",
                // serde-saphyr places a block scalar at its first content line.
                "8:3 c | environment variable `NOPE2` is not set",
            ]
        );
        // Without the source text, problems point at their value.
        let at: Vec<u32> = check_tree(&root, "", &env)
            .iter()
            .map(|d| d.loc.col)
            .collect();
        assert_eq!(at, [6, 11, 3]);
    }
}
