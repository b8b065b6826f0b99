//! `Node`: a YAML document as a generic tree, every element and key with its location.
//!
//! The structural check walks this tree against the JSON Schema, so it can report every unknown
//! key and wrong type of a file at once, which serde's first-error-wins typed deserialisation
//! cannot. Must not know the spec's shape: that lives in the schema and in `raw`.

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::span::Sp;

/// One YAML value. Scalars keep the type YAML resolved them to (`8080` is an `Int`, `"8080"` a
/// `Str`); mapping keys are always strings, scalars keys converted to their text.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Sp<Node>>),
    Map(Vec<(Sp<String>, Sp<Node>)>),
}

impl Node {
    /// What the value is, as users read it in an error: "a string", "a mapping".
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Null => "nothing (null)",
            Node::Bool(_) => "a boolean",
            Node::Int(_) => "an integer",
            Node::Float(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }

    /// The text of a scalar as a key or an enum value would compare it; `None` for containers.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Node::Null => Some("null".into()),
            Node::Bool(b) => Some(b.to_string()),
            Node::Int(i) => Some(i.to_string()),
            Node::Float(f) => Some(f.to_string()),
            Node::Str(s) => Some(s.clone()),
            Node::Seq(_) | Node::Map(_) => None,
        }
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Sp<Node>> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k.value == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// The YAML path of `key` under `parent`: `services.api`; keys that would read ambiguously
/// (dots, spaces) are quoted: `tags."a.b"`.
pub fn child_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '/'));
    let key = if plain {
        key.to_string()
    } else {
        format!("{key:?}")
    };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}.{key}")
    }
}

/// How every spec file is read, both into a `Node` tree and into `RawProject`, so the structural
/// check and serde agree on what each scalar is.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    // YAML 1.2 booleans only: `DEBUG: yes` stays the string `yes` and `country: NO` stays `NO`
    // instead of turning into `true`/`false` as in YAML 1.1.
    options.strict_booleans = true;
    // `ZIP: 01234` keeps its zero when it becomes an env var value.
    options.leading_zero_numbers_as_strings = true;
    // We render our own snippets; serde-saphyr's would duplicate them inside the message.
    options.with_snippet = false;
    // serde-saphyr's default budget (250,000 nodes, 1,000,000 events) stops a spec at about
    // 5,000 services (≈ 50 nodes each); ecsctl reads specs of 20,000 (bench/validate.rs). The
    // alias limits that guard against "billion laughs" documents stay at their defaults.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = 10_000_000;
    budget.max_events = 40_000_000;
    options.budget = Some(budget);
    options
}

/// Parses one YAML document into a `Node` tree. An empty document is `Null`.
pub fn parse(text: &str) -> Result<Sp<Node>, serde_saphyr::Error> {
    serde_saphyr::from_str_with_options::<Option<Sp<Node>>>(text, yaml_options())
        .map(|node| node.unwrap_or_else(|| Sp::new(Node::Null, Default::default())))
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        // Beyond i64 nothing in the spec is an integer; keep the value readable as a number.
        Ok(i64::try_from(v)
            .map(Node::Int)
            .unwrap_or(Node::Float(v as f64)))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node, E> {
        Ok(i64::try_from(v)
            .map(Node::Int)
            .unwrap_or(Node::Float(v as f64)))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node, E> {
        Ok(i64::try_from(v)
            .map(Node::Int)
            .unwrap_or(Node::Float(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Sp<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Sp<Node>>()? {
            let value = map.next_value::<Sp<Node>>()?;
            let text = match key.value.scalar_text() {
                Some(text) => text,
                None => {
                    return Err(de::Error::custom(
                        "a mapping key must be a plain value, not a list or mapping",
                    ));
                }
            };
            entries.push((Sp::new(text, key.loc), value));
        }
        Ok(Node::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::span::Loc;

    fn at(line: u32, col: u32) -> Loc {
        Loc {
            file: Default::default(),
            line,
            col,
        }
    }

    /// A node with its location, for building expected trees.
    fn n(value: Node, line: u32, col: u32) -> Sp<Node> {
        Sp::new(value, at(line, col))
    }

    fn k(key: &str, line: u32, col: u32) -> Sp<String> {
        Sp::new(key.to_string(), at(line, col))
    }

    #[test]
    fn table_of_scalars() {
        let cases: &[(&str, Node)] = &[
            ("1", Node::Int(1)),
            ("-7", Node::Int(-7)),
            ("0x10", Node::Int(16)),
            ("1.50", Node::Float(1.5)),
            ("1e3", Node::Float(1000.0)),
            ("true", Node::Bool(true)),
            ("True", Node::Bool(true)),
            ("yes", Node::Str("yes".into())),
            ("NO", Node::Str("NO".into())),
            ("y", Node::Str("y".into())),
            ("01234", Node::Str("01234".into())),
            ("false", Node::Bool(false)),
            ("\"8080\"", Node::Str("8080".into())),
            ("'true'", Node::Str("true".into())),
            ("plain text", Node::Str("plain text".into())),
            ("${IMAGE_TAG}", Node::Str("${IMAGE_TAG}".into())),
            ("\"{app}-{env}\"", Node::Str("{app}-{env}".into())),
            ("~", Node::Null),
            ("null", Node::Null),
            ("", Node::Null),
        ];
        for (text, want) in cases {
            let yaml = format!("v: {text}\n");
            let root = parse(&yaml).unwrap_or_else(|e| panic!("`{text}`: {e}"));
            let got = &root.value.get("v").expect("key v").value;
            assert_eq!(got, want, "`{text}`");
        }
    }

    #[test]
    fn a_template_at_the_start_of_a_value_must_be_quoted() {
        // `{` opens a YAML flow mapping: the trap every `{app}-{env}` name template falls into.
        assert!(parse("name: {app}-{env}\n").is_err());
        assert_eq!(
            parse("name: {app}\n")
                .unwrap()
                .value
                .get("name")
                .unwrap()
                .value
                .kind(),
            "a mapping"
        );
        let root = parse("name: /ecs/{app}-{env}\n").unwrap();
        assert_eq!(
            root.value.get("name").unwrap().value,
            Node::Str("/ecs/{app}-{env}".into())
        );
    }

    #[test]
    fn tree_keeps_every_location() {
        let root = parse("a: 1\nb:\n  - x\n  - [2, y]\nc: {d: true}\n").unwrap();
        let want = n(
            Node::Map(vec![
                (k("a", 1, 1), n(Node::Int(1), 1, 4)),
                (
                    k("b", 2, 1),
                    n(
                        Node::Seq(vec![
                            n(Node::Str("x".into()), 3, 5),
                            n(
                                Node::Seq(vec![
                                    n(Node::Int(2), 4, 6),
                                    n(Node::Str("y".into()), 4, 9),
                                ]),
                                4,
                                5,
                            ),
                        ]),
                        3,
                        3,
                    ),
                ),
                (
                    k("c", 5, 1),
                    n(
                        Node::Map(vec![(k("d", 5, 5), n(Node::Bool(true), 5, 8))]),
                        5,
                        4,
                    ),
                ),
            ]),
            1,
            1,
        );
        assert_eq!(root, want);
        // `Sp` equality ignores locations, so compare them explicitly too.
        let Node::Map(entries) = &root.value else {
            panic!()
        };
        let locs: Vec<(u32, u32)> = entries
            .iter()
            .flat_map(|(k, v)| [(k.loc.line, k.loc.col), (v.loc.line, v.loc.col)])
            .collect();
        assert_eq!(locs, [(1, 1), (1, 4), (2, 1), (3, 3), (5, 1), (5, 4)]);
        let Node::Seq(items) = &entries[1].1.value else {
            panic!()
        };
        let Node::Seq(inner) = &items[1].value else {
            panic!()
        };
        assert_eq!((inner[1].loc.line, inner[1].loc.col), (4, 9));
    }

    #[test]
    fn non_string_keys_become_their_text() {
        let root = parse("8080: a\ntrue: b\n1.5: c\n~: d\n").unwrap();
        let Node::Map(entries) = root.value else {
            panic!()
        };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.value.as_str()).collect();
        assert_eq!(keys, ["8080", "true", "1.5", "null"]);
    }

    #[test]
    fn empty_documents_are_null() {
        for text in ["", "# only a comment\n", "---\n"] {
            assert_eq!(parse(text).unwrap().value, Node::Null, "{text:?}");
        }
    }

    #[test]
    fn merge_keys_are_applied() {
        let root = parse("api: &svc {image: a, cpu: 256}\nweb:\n  <<: *svc\n  image: b\n").unwrap();
        let web = &root.value.get("web").unwrap().value;
        let Node::Map(entries) = web else {
            panic!("{web:?}")
        };
        let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.value.as_str()).collect();
        keys.sort();
        assert_eq!(keys, ["cpu", "image"]);
        assert_eq!(web.get("image").unwrap().value, Node::Str("b".into()));
    }

    #[test]
    fn aliases_are_expanded() {
        let root = parse("a: &x {b: 1}\nc: *x\n").unwrap();
        assert_eq!(
            root.value.get("c").unwrap().value,
            root.value.get("a").unwrap().value
        );
    }

    #[test]
    fn syntax_errors_carry_a_location() {
        let cases: &[(&str, (usize, usize))] = &[
            ("a:\n\tb: 1\n", (2, 2)),
            ("a: 'open\n", (1, 4)),
            ("a: [1, 2\n", (1, 4)),
            ("a: 1\na: 2\n", (2, 1)),
        ];
        for (text, (line, col)) in cases {
            let err = parse(text).expect_err(text);
            let loc = err.location().expect("a location");
            assert_eq!(
                (loc.line() as usize, loc.column() as usize),
                (*line, *col),
                "{text:?}"
            );
        }
    }
}
