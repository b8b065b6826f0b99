//! AWS naming rules, checked on final names (after templates), so a bad template is caught
//! before any API call.
//!
//! Owns the length and character rules of each kind of name ecsctl creates. Must not know where
//! a name came from: each check returns the problem's wording, the caller adds the location.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    Cluster,
    Service,
    Family,
    Role,
    LogGroup,
    DiscoveryService,
    Namespace,
    Schedule,
}

impl NameKind {
    pub fn label(self) -> &'static str {
        match self {
            NameKind::Cluster => "cluster name",
            NameKind::Service => "service name",
            NameKind::Family => "task definition family",
            NameKind::Role => "IAM role name",
            NameKind::LogGroup => "log group name",
            NameKind::DiscoveryService => "discovery service name",
            NameKind::Namespace => "namespace name",
            NameKind::Schedule => "schedule name",
        }
    }

    fn max_len(self) -> usize {
        match self {
            NameKind::Cluster | NameKind::Service | NameKind::Family => 255,
            NameKind::Role | NameKind::Schedule => 64,
            NameKind::LogGroup => 512,
            NameKind::DiscoveryService => 63,
            NameKind::Namespace => 253,
        }
    }

    /// What the characters may be, in words for the hint.
    fn allowed(self) -> &'static str {
        match self {
            NameKind::Cluster | NameKind::Service | NameKind::Family => {
                "letters, digits, `-` and `_`"
            }
            NameKind::Role => "letters, digits and `+=,.@_-`",
            NameKind::LogGroup => "letters, digits and `._-/#`",
            NameKind::DiscoveryService => {
                "lowercase letters, digits and `-`, not starting or ending with `-`"
            }
            NameKind::Namespace => {
                "DNS labels of lowercase letters, digits and `-`, separated by dots"
            }
            NameKind::Schedule => "letters, digits and `._-`",
        }
    }

    fn char_ok(self, c: char) -> bool {
        let alnum = c.is_ascii_alphanumeric();
        match self {
            NameKind::Cluster | NameKind::Service | NameKind::Family => {
                alnum || c == '-' || c == '_'
            }
            NameKind::Role => alnum || "+=,.@_-".contains(c),
            NameKind::LogGroup => alnum || "._-/#".contains(c),
            NameKind::Schedule => alnum || "._-".contains(c),
            NameKind::DiscoveryService | NameKind::Namespace => true,
        }
    }
}

/// The problem with `name` as a `kind`, with a hint, or None when it is valid.
pub fn check(kind: NameKind, name: &str) -> Option<(String, String)> {
    let label = kind.label();
    if name.is_empty() {
        return Some((
            format!("{label} is empty"),
            format!("use {}", kind.allowed()),
        ));
    }
    if name.len() > kind.max_len() {
        let message = format!(
            "{label} `{name}` is {} characters long; the limit is {}",
            name.len(),
            kind.max_len()
        );
        return Some((
            message,
            "shorten the template or the names it uses".to_string(),
        ));
    }
    let shape_ok = match kind {
        NameKind::DiscoveryService => is_dns_label(name),
        NameKind::Namespace => name.split('.').all(is_dns_label),
        _ => name.chars().all(|c| kind.char_ok(c)),
    };
    if shape_ok {
        return None;
    }
    Some((
        format!("{label} `{name}` has characters AWS does not allow"),
        format!("use {}", kind.allowed()),
    ))
}

/// A DNS label: 1 to 63 lowercase letters, digits and hyphens, not starting or ending with `-`.
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The app name rule: lowercase letters, digits and hyphens, 1 to 32 characters, starting with
/// a letter (it starts every resource name).
pub fn check_app(name: &str) -> Option<String> {
    let chars_ok = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let starts_ok = name.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
    if !chars_ok || !starts_ok || name.len() > 32 {
        return Some(format!(
            "app name `{name}` must be 1 to 32 lowercase letters, digits and hyphens, starting with a letter"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_of_name_rules() {
        let long = "a".repeat(65);
        let cases: &[(NameKind, &str, Option<&str>)] = &[
            (NameKind::Service, "shop-prod-api_1", None),
            (
                NameKind::Service,
                "shop.prod",
                Some("service name `shop.prod` has characters AWS does not allow"),
            ),
            (NameKind::Role, "shop-prod-api-exec", None),
            (NameKind::Role, "a+b=c,d.e@f_g-h", None),
            (
                NameKind::Role,
                &long,
                Some(
                    "IAM role name `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa` is 65 characters long; the limit is 64",
                ),
            ),
            (NameKind::LogGroup, "/ecs/shop-prod/api#1", None),
            (
                NameKind::LogGroup,
                "/ecs/shop prod",
                Some("log group name `/ecs/shop prod` has characters AWS does not allow"),
            ),
            (NameKind::DiscoveryService, "api", None),
            (
                NameKind::DiscoveryService,
                "Api",
                Some("discovery service name `Api` has characters AWS does not allow"),
            ),
            (
                NameKind::DiscoveryService,
                "-api",
                Some("discovery service name `-api` has characters AWS does not allow"),
            ),
            (NameKind::Namespace, "shop-prod.local", None),
            (
                NameKind::Namespace,
                "shop..local",
                Some("namespace name `shop..local` has characters AWS does not allow"),
            ),
            (NameKind::Cluster, "", Some("cluster name is empty")),
        ];
        for (kind, name, want) in cases {
            assert_eq!(
                check(*kind, name).map(|(m, _)| m).as_deref(),
                *want,
                "{kind:?} {name}"
            );
        }
    }

    #[test]
    fn app_names() {
        for (name, ok) in [
            ("shop", true),
            ("shop-2", true),
            ("Shop", false),
            ("2shop", false),
            ("", false),
            (&"a".repeat(33) as &str, false),
        ] {
            assert_eq!(check_app(name).is_none(), ok, "{name}");
        }
    }
}
