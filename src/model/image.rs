//! Image references: `[registry/]repository[:tag][@digest]`, checked before ECS sees them.
//!
//! Owns the grammar of distribution/reference, which the OCI Distribution Spec's names follow
//! (<https://github.com/distribution/reference/blob/main/reference.go>,
//! <https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests>):
//! a repository is lowercase path components (`[a-z0-9]+` joined by `.`, `_`, `__` or dashes),
//! optionally after a registry host (it has a `.` or a `:port`, or is `localhost`); a tag is
//! `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`; a digest is `ALGORITHM:HEX` (32 hex digits or more). A
//! newline, quote or space, an uppercase repository or an empty tag in `image` otherwise reaches
//! RegisterTaskDefinition, or a task that never pulls. Must not check that the image exists.

/// Why `image` is not a reference, in words that finish "image `…` is not valid: …".
pub fn problem(image: &str) -> Option<&'static str> {
    if image.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it contains a space, tab or line break");
    }
    if image.contains(['"', '\'', '`']) {
        return Some("it contains a quote");
    }
    let (rest, digest) = match image.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (image, None),
    };
    if let Some(digest) = digest
        && !is_digest(digest)
    {
        return Some(
            "the digest after `@` is not `ALGORITHM:HEX` (e.g. `sha256:` and 64 hex digits)",
        );
    }
    // The tag follows the last `:` after the last `/` (a registry may have `:port`).
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        if tag.is_empty() {
            return Some("the tag after `:` is empty");
        }
        if !is_tag(tag) {
            return Some(
                "the tag is not letters, digits, `_`, `.` and `-` (at most 128, not starting with `.` or `-`)",
            );
        }
    }
    let mut components: Vec<&str> = name.split('/').collect();
    if components.len() > 1 && is_registry(components[0]) {
        components.remove(0);
    }
    if components
        .iter()
        .any(|c| c.chars().any(|ch| ch.is_ascii_uppercase()))
    {
        return Some("the repository has uppercase letters (repositories are lowercase)");
    }
    if !components.iter().all(|c| is_component(c)) {
        return Some(
            "the repository is not lowercase letters and digits separated by `/`, `.`, `_` or `-`",
        );
    }
    None
}

/// `registry.example.com`, `localhost:5000`, `123456789012.dkr.ecr.eu-west-1.amazonaws.com`.
fn is_registry(part: &str) -> bool {
    let (host, port) = match part.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (part, None),
    };
    let host_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    host_ok && port_ok && (part.contains(['.', ':']) || host == "localhost")
}

/// `[a-z0-9]+` joined by `.`, `_`, `__` or one or more `-`.
fn is_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let sep_len = match b[i] {
            b'.' => 1,
            b'_' if b.get(i + 1) == Some(&b'_') => 2,
            b'_' => 1,
            b'-' => b[i..].iter().take_while(|&&x| x == b'-').count(),
            _ => return false,
        };
        i += sep_len;
        if !b.get(i).is_some_and(|&x| alnum(x)) {
            return false;
        }
    }
    true
}

fn is_tag(tag: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    tag.len() <= 128
        && tag.chars().next().is_some_and(word)
        && tag.chars().all(|c| word(c) || c == '.' || c == '-')
}

fn is_digest(digest: &str) -> bool {
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return false;
    };
    let algorithm_ok = algorithm.split(['+', '.', '_', '-']).all(|part| {
        part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && part.chars().all(|c| c.is_ascii_alphanumeric())
    });
    algorithm_ok && hex.len() >= 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_references() {
        let digest = format!("sha256:{}", "a".repeat(64));
        for image in [
            "nginx".to_string(),
            "nginx:1.27".into(),
            "library/nginx:1.27-alpine".into(),
            "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0".into(),
            "000000000000.dkr.ecr.eu-west-1.amazonaws.com/ohi-api:prod".into(),
            "localhost:5000/team/app_x__y--z:v1".into(),
            "Registry.Example.com/app:Latest".into(),
            format!("nginx@{digest}"),
            format!("nginx:1.27@{digest}"),
        ] {
            assert_eq!(problem(&image), None, "{image}");
        }
    }

    #[test]
    fn invalid_references() {
        let cases = [
            ("nginx:1.27\n", "it contains a space, tab or line break"),
            ("nginx :1.27", "it contains a space, tab or line break"),
            ("\"nginx:1.27", "it contains a quote"),
            ("nginx:", "the tag after `:` is empty"),
            (
                "repo/API:1",
                "the repository has uppercase letters (repositories are lowercase)",
            ),
            (
                "nginx:-x",
                "the tag is not letters, digits, `_`, `.` and `-` (at most 128, not starting with `.` or `-`)",
            ),
            (
                "repo//api",
                "the repository is not lowercase letters and digits separated by `/`, `.`, `_` or `-`",
            ),
            (
                "repo/api-:1",
                "the repository is not lowercase letters and digits separated by `/`, `.`, `_` or `-`",
            ),
            (
                "nginx@sha256:abc",
                "the digest after `@` is not `ALGORITHM:HEX` (e.g. `sha256:` and 64 hex digits)",
            ),
        ];
        for (image, want) in cases {
            assert_eq!(problem(image), Some(want), "{image:?}");
        }
    }
}
