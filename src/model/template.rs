//! Name templates: `{app}`, `{env}`, `{service}`, `{region}` and `{account_id}`.
//!
//! Owns expanding those placeholders in one string. `${VAR}` process-environment references are
//! left untouched for `spec::interpolate` (which runs after), and `$${` stays a literal. Must not
//! know where the string came from: the caller attaches the location to an error.

use std::fmt;

/// The values placeholders expand to. `account` None keeps `{account_id}` literally (offline
/// render without `account:`); `service` None means `{service}` makes no sense here.
#[derive(Clone, Copy, Debug)]
pub struct TemplateVars<'a> {
    pub app: &'a str,
    pub env: &'a str,
    pub region: &'a str,
    pub account: Option<&'a str>,
    pub service: Option<&'a str>,
}

pub const PLACEHOLDERS: [&str; 5] = ["app", "env", "service", "region", "account_id"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateError {
    /// `{svc}`: not a placeholder ecsctl knows; `suggestion` is the closest one.
    Unknown {
        name: String,
        suggestion: Option<&'static str>,
    },
    /// `{service}` in a name that belongs to no service (the cluster, the namespace).
    NotHere { name: String },
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Unknown { name, .. } => write!(f, "unknown placeholder `{{{name}}}`"),
            TemplateError::NotHere { name } => {
                write!(f, "placeholder `{{{name}}}` cannot be used here")
            }
        }
    }
}

impl TemplateError {
    pub fn hint(&self) -> String {
        match self {
            TemplateError::Unknown {
                suggestion: Some(s),
                ..
            } => {
                format!("did you mean `{{{s}}}`? placeholders are {}", known_list())
            }
            TemplateError::Unknown { .. } => format!("placeholders are {}", known_list()),
            TemplateError::NotHere { .. } => "this name is not per service".to_string(),
        }
    }
}

fn known_list() -> String {
    PLACEHOLDERS
        .iter()
        .map(|p| format!("`{{{p}}}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Expands every placeholder in `text`. A `{` not followed by `name}` is kept as written.
pub fn expand(text: &str, vars: &TemplateVars) -> Result<String, TemplateError> {
    expand_with(text, vars, false)
}

/// Expands the known placeholders in free text (env values) and keeps any other brace text as
/// written: `{"level": "info"}` or `{user}` in a value is the user's, not a typo of ours.
/// `{service}` where no service applies stays literal too.
pub fn expand_known(text: &str, vars: &TemplateVars) -> String {
    expand_with(text, vars, true).unwrap_or_else(|_| text.to_string())
}

fn expand_with(text: &str, vars: &TemplateVars, lenient: bool) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['$', '{']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(body) = rest.strip_prefix("${")
            && let Some(end) = crate::spec::interpolate::closing_brace(body)
        {
            // A `${VAR:-default}` reference stays for interpolation, but placeholders in its
            // default expand now: `${IMAGE_TAG:-{env}}` falls back to the environment's name.
            match body[..end].split_once(":-") {
                Some((name, default)) => {
                    out.push_str("${");
                    out.push_str(name);
                    out.push_str(":-");
                    out.push_str(&expand_with(default, vars, lenient)?);
                    out.push('}');
                }
                None => out.push_str(&rest[..end + 3]),
            }
            rest = &body[end + 1..];
            continue;
        }
        if let Some(skip) = interpolation_len(rest) {
            out.push_str(&rest[..skip]);
            rest = &rest[skip..];
            continue;
        }
        match placeholder(rest) {
            Some(name) => {
                match value_of(name, vars) {
                    Ok(value) => out.push_str(&value),
                    Err(_) if lenient => out.push_str(&rest[..name.len() + 2]),
                    Err(e) => return Err(e),
                }
                rest = &rest[name.len() + 2..];
            }
            None => {
                out.push_str(&rest[..1]);
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Length of a `$$` escape, a `${…}` reference or an escaped `$${…}` at the start of `s`, all
/// left for interpolation (so `$${app}` stays the literal `${app}`).
fn interpolation_len(s: &str) -> Option<usize> {
    if s.starts_with("${") || s.starts_with("$${") {
        return Some(s.find('}').map_or(s.len(), |end| end + 1));
    }
    if s.starts_with("$$") {
        return Some(2);
    }
    if s.starts_with('$') {
        return Some(1);
    }
    None
}

/// `{name}` at the start of `s`, where name is lowercase letters, digits and `_`.
fn placeholder(s: &str) -> Option<&str> {
    let end = s.find('}')?;
    let name = &s[1..end];
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    ok.then_some(name)
}

fn value_of(name: &str, vars: &TemplateVars) -> Result<String, TemplateError> {
    match name {
        "app" => Ok(vars.app.to_string()),
        "env" => Ok(vars.env.to_string()),
        "region" => Ok(vars.region.to_string()),
        "account_id" => Ok(vars.account.unwrap_or("{account_id}").to_string()),
        "service" => vars
            .service
            .map(str::to_string)
            .ok_or(TemplateError::NotHere {
                name: name.to_string(),
            }),
        _ => Err(TemplateError::Unknown {
            name: name.to_string(),
            suggestion: closest(name),
        }),
    }
}

fn closest(name: &str) -> Option<&'static str> {
    PLACEHOLDERS
        .iter()
        .map(|p| {
            (
                strsim::jaro_winkler(name, p).max(if is_subsequence(name, p) { 0.9 } else { 0.0 }),
                *p,
            )
        })
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, p)| p)
}

/// `svc` in `service`: an abbreviation.
fn is_subsequence(short: &str, long: &str) -> bool {
    let mut chars = long.chars();
    short.chars().all(|c| chars.any(|l| l == c))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VARS: TemplateVars = TemplateVars {
        app: "shop",
        env: "prod",
        region: "eu-west-1",
        account: None,
        service: Some("api"),
    };

    #[test]
    fn expands_placeholders() {
        let cases = [
            ("{app}-{env}-{service}", "shop-prod-api"),
            ("/ecs/{app}-{env}/{service}", "/ecs/shop-prod/api"),
            (
                "{account_id}.dkr.ecr.{region}.amazonaws.com/api:${TAG}",
                "{account_id}.dkr.ecr.eu-west-1.amazonaws.com/api:${TAG}",
            ),
            ("${APP:-{app}}", "${APP:-shop}"),
            ("${APP}-{env}", "${APP}-prod"),
            ("$${app}", "$${app}"),
            ("price $5 {not a placeholder", "price $5 {not a placeholder"),
            ("{\"json\": 1}", "{\"json\": 1}"),
        ];
        for (text, want) in cases {
            assert_eq!(expand(text, &VARS).unwrap(), want, "{text}");
        }
    }

    #[test]
    fn free_text_expands_known_placeholders_only() {
        let cases = [
            (
                "http://backend.{env}.local:8000",
                "http://backend.prod.local:8000",
            ),
            ("{app}/{service}@{region}", "shop/api@eu-west-1"),
            ("{account_id}", "{account_id}"),
            ("{\"a\":1,\"env\":\"{env}\"}", "{\"a\":1,\"env\":\"prod\"}"),
            ("{user} {svc} {}", "{user} {svc} {}"),
            ("$${env}", "$${env}"),
            ("${TAG:-{env}}", "${TAG:-prod}"),
            ("{env", "{env"),
        ];
        for (text, want) in cases {
            assert_eq!(expand_known(text, &VARS), want, "{text}");
        }
        let no_service = TemplateVars {
            service: None,
            ..VARS
        };
        assert_eq!(
            expand_known("{service}-{env}", &no_service),
            "{service}-prod"
        );
    }

    #[test]
    fn account_when_known() {
        let vars = TemplateVars {
            account: Some("123456789012"),
            ..VARS
        };
        assert_eq!(expand("{account_id}", &vars).unwrap(), "123456789012");
    }

    #[test]
    fn errors() {
        let err = expand("{app}-{svc}", &VARS).unwrap_err();
        assert_eq!(err.to_string(), "unknown placeholder `{svc}`");
        assert!(
            err.hint().starts_with("did you mean `{service}`?"),
            "{}",
            err.hint()
        );
        let vars = TemplateVars {
            service: None,
            ..VARS
        };
        let err = expand("{app}-{service}", &vars).unwrap_err();
        assert_eq!(
            err.to_string(),
            "placeholder `{service}` cannot be used here"
        );
    }
}
