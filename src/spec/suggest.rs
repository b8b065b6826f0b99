//! Did-you-mean: the closest valid word to a misspelt key, value or environment name.
//!
//! Owns the one similarity rule every "unknown `x`" error uses, so hints agree everywhere.
//! Must not build messages: callers word their own hints.

/// The candidate closest to `input`, if one is close enough that suggesting it helps.
///
/// Close means: the same word in another case or separator style (`container_port` for
/// `containerPort`), or within a small edit distance that grows with the word's length (one
/// edit for short words, about a third of the word for long ones). A suggestion that is far
/// off is worse than none: it sends users chasing the wrong fix.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted = fold(input);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == input {
            continue;
        }
        let folded = fold(candidate);
        let distance = if folded == wanted {
            0
        } else {
            strsim::damerau_levenshtein(&wanted, &folded)
        };
        let close = distance <= allowed_edits(&wanted, &folded) || is_stem(&wanted, &folded);
        if close && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Lowercase without `-` and `_`, so naming styles compare equal.
fn fold(word: &str) -> String {
    word.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// One word is the other cut short or extended (`arm` for `arm64`, `STARTED` for `START`).
fn is_stem(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.chars().count() >= 3 && long.starts_with(short)
}

fn allowed_edits(a: &str, b: &str) -> usize {
    let len = a.chars().count().min(b.chars().count());
    match len {
        0..=2 => 0,
        3..=5 => 1,
        _ => (len / 3).min(3),
    }
}

/// `a`, `a or b`, `a, b or c`: each item already formatted.
pub fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Items in backticks: `` `a`, `b` ``.
pub fn ticked<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    items.into_iter().map(|s| format!("`{s}`")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_of_suggestions() {
        let keys = [
            "image",
            "command",
            "memory",
            "containerPort",
            "spot",
            "on-demand",
            "env",
            "prod",
            "staging",
        ];
        let cases: &[(&str, Option<&str>)] = &[
            ("imagee", Some("image")),
            ("imgae", Some("image")),
            ("memroy", Some("memory")),
            ("spto", Some("spot")),
            ("container_port", Some("containerPort")),
            ("ContainerPort", Some("containerPort")),
            ("ondemand", Some("on-demand")),
            ("prdo", Some("prod")),
            ("stagign", Some("staging")),
            ("envs", Some("env")),
            ("imageName", Some("image")),
            ("comm", Some("command")),
            // Far off: no suggestion rather than a misleading one.
            ("replicas", None),
            ("xyz", None),
            ("ev", None),
            // An exact match is not a typo.
            ("image", None),
        ];
        for (input, want) in cases {
            assert_eq!(did_you_mean(input, keys), *want, "input `{input}`");
        }
    }

    #[test]
    fn closest_candidate_wins() {
        assert_eq!(
            did_you_mean("cpus", ["cpu", "cpux", "containerCpu"]),
            Some("cpu")
        );
    }

    #[test]
    fn join_or_reads_like_english() {
        assert_eq!(join_or(&[]), "");
        assert_eq!(join_or(&ticked(["a"])), "`a`");
        assert_eq!(join_or(&ticked(["a", "b"])), "`a` or `b`");
        assert_eq!(join_or(&ticked(["a", "b", "c"])), "`a`, `b` or `c`");
    }
}
