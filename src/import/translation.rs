//! `Translation`: what a source (a live cluster, a Copilot workspace, an ecspresso config)
//! becomes, before it is split into files.
//!
//! Owns the shape every translator returns: one complete document per environment (as if it
//! were the only one: `factor` finds what they share) and the notes on what the spec cannot
//! express. Must not decide file layout or do I/O.

use super::doc::{Map, Node};

/// Something that does not translate (or translates with a change of meaning), for the
/// command's output and as a comment above the resource in the written files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The resource, as the source names it: `service/shop-prod-web`, `copilot/api`.
    pub resource: String,
    /// Where in the written spec it would have gone, as a dotted path (`services.web`), so the
    /// comment is written there; None: at the top of `ecsctl.yaml`.
    pub at: Option<String>,
    pub text: String,
}

/// One environment's complete document.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvDoc {
    pub name: String,
    pub doc: Map,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Translation {
    pub envs: Vec<EnvDoc>,
    pub notes: Vec<Note>,
}

impl Translation {
    pub fn note(&mut self, resource: impl Into<String>, at: Option<&str>, text: impl Into<String>) {
        self.notes.push(Note {
            resource: resource.into(),
            at: at.map(str::to_string),
            text: text.into(),
        });
    }
}

/// Writes each note as a comment above the entry at its path in `doc`, when that entry is
/// there (a note whose path `doc` lacks is for another file).
pub fn annotate(doc: &mut Map, notes: &[Note]) {
    for n in notes {
        if let Some(at) = &n.at {
            let parts: Vec<&str> = at.split('.').collect();
            comment_at(doc, &parts, &format!("ecsctl import: {}", n.text));
        }
    }
}

fn comment_at(doc: &mut Map, path: &[&str], line: &str) {
    match path {
        [] => {}
        [last] => doc.comment(last, line),
        [first, rest @ ..] => {
            if let Some(Node::Map(m)) = doc.get_mut(first) {
                comment_at(m, rest, line);
            }
        }
    }
}

/// The spec's key for a service named `name` elsewhere: without `{app}-{env}-` or
/// `<cluster>-`, else the name itself (a name that is only the prefix keeps it).
pub fn service_key(name: &str, app: &str, env: &str, cluster: &str) -> String {
    [format!("{app}-{env}-"), format!("{cluster}-")]
        .iter()
        .find_map(|p| name.strip_prefix(p.as_str()).filter(|k| !k.is_empty()))
        .unwrap_or(name)
        .to_string()
}

/// An environment variable name made of `text` (`aws_subnet.private-a.id` →
/// `AWS_SUBNET_PRIVATE_A_ID`), for the `${VAR}` a translation writes where its source holds no
/// value: uppercase letters and digits, one `_` for any run of anything else.
pub fn variable_name(text: &str) -> String {
    let mut v: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    while v.contains("__") {
        v = v.replace("__", "_");
    }
    v.trim_matches('_').to_string()
}

/// A value written into the spec as the source has it: `${` is the spec's interpolation, so a
/// literal one is written `$${` (docs/spec.md, "Environment variables").
pub fn literal(text: &str) -> String {
    text.replace("${", "$${")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_become_comments_where_their_path_is() {
        let mut doc = Map::new();
        doc.map_mut("services")
            .map_mut("web")
            .insert("image", "nginx");
        let notes = vec![
            Note {
                resource: "service/x-web".into(),
                at: Some("services.web".into()),
                text: "placement constraints are not kept".into(),
            },
            Note {
                resource: "service/x-api".into(),
                at: Some("services.api".into()),
                text: "elsewhere".into(),
            },
        ];
        annotate(&mut doc, &notes);
        let text = super::super::doc::render(&[], &doc);
        assert_eq!(
            text,
            "services:\n  # ecsctl import: placement constraints are not kept\n  web:\n    image: nginx\n"
        );
    }

    #[test]
    fn a_literal_dollar_brace_is_escaped() {
        assert_eq!(literal("a ${B} $C"), "a $${B} $C");
    }
}
