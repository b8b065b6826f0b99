//! `Doc`: a YAML document `ecsctl import` writes, as an ordered tree with comments.
//!
//! Owns the shape of what import writes (mappings in insertion order, sequences, scalars,
//! comments above an entry) and its text: block style, short scalar lists in flow style, strings
//! plain only where YAML reads them back as the same string. Must not know the spec's keys: the
//! translators (`live`, `copilot`, `ecspresso`) decide what goes where.

use std::fmt::Write as _;

/// A value in a document.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Map(Map),
    List(Vec<Node>),
    Str(String),
    Int(i64),
    Num(f64),
    Bool(bool),
}

/// A mapping: keys in the order they were inserted, each with the comment lines written above it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map {
    entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub value: Node,
    pub comments: Vec<String>,
}

impl From<&str> for Node {
    fn from(s: &str) -> Node {
        Node::Str(s.to_string())
    }
}

impl From<String> for Node {
    fn from(s: String) -> Node {
        Node::Str(s)
    }
}

impl From<i64> for Node {
    fn from(n: i64) -> Node {
        Node::Int(n)
    }
}

impl From<i32> for Node {
    fn from(n: i32) -> Node {
        Node::Int(n.into())
    }
}

impl From<bool> for Node {
    fn from(b: bool) -> Node {
        Node::Bool(b)
    }
}

impl From<Map> for Node {
    fn from(m: Map) -> Node {
        Node::Map(m)
    }
}

impl<T: Into<Node>> From<Vec<T>> for Node {
    fn from(v: Vec<T>) -> Node {
        Node::List(v.into_iter().map(Into::into).collect())
    }
}

impl Node {
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The value as JSON, for comparisons and for tests that read the text back.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Node::Map(m) => m.to_json(),
            Node::List(l) => l.iter().map(Node::to_json).collect(),
            Node::Str(s) => s.clone().into(),
            Node::Int(n) => (*n).into(),
            Node::Num(n) => {
                serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, Into::into)
            }
            Node::Bool(b) => (*b).into(),
        }
    }

    /// A document read back (an `ecsctl.yaml` import wrote before); None for a null, which
    /// import never writes.
    pub fn from_json(v: &serde_json::Value) -> Option<Node> {
        Some(match v {
            serde_json::Value::Object(o) => {
                let mut m = Map::new();
                for (k, v) in o {
                    m.insert(k.clone(), Node::from_json(v)?);
                }
                Node::Map(m)
            }
            serde_json::Value::Array(a) => {
                Node::List(a.iter().map(Node::from_json).collect::<Option<_>>()?)
            }
            serde_json::Value::String(s) => Node::Str(s.clone()),
            serde_json::Value::Bool(b) => Node::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Node::Int(i),
                None => Node::Num(n.as_f64()?),
            },
            serde_json::Value::Null => return None,
        })
    }

    /// A scalar's text as YAML writes it, or None for a mapping or a sequence.
    fn scalar(&self) -> Option<String> {
        match self {
            Node::Str(s) => Some(quote(s)),
            Node::Int(n) => Some(n.to_string()),
            Node::Num(n) => Some(if n.fract() == 0.0 && n.abs() < 1e15 {
                format!("{n:.1}")
            } else {
                n.to_string()
            }),
            Node::Bool(b) => Some(b.to_string()),
            Node::Map(m) if m.is_empty() => Some("{}".into()),
            Node::List(l) if l.is_empty() => Some("[]".into()),
            Node::Map(_) | Node::List(_) => None,
        }
    }
}

impl Map {
    pub fn new() -> Map {
        Map::default()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.key.as_str())
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.value)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries
            .iter_mut()
            .find(|e| e.key == key)
            .map(|e| &mut e.value)
    }

    /// Sets `key`, keeping its place (and comments) when it is already there.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Node>) -> &mut Map {
        let key = key.into();
        let value = value.into();
        match self.entries.iter_mut().find(|e| e.key == key) {
            Some(e) => e.value = value,
            None => self.entries.push(Entry {
                key,
                value,
                comments: Vec::new(),
            }),
        }
        self
    }

    /// Sets `key` only when `value` is Some.
    pub fn insert_some(&mut self, key: &str, value: Option<impl Into<Node>>) -> &mut Map {
        if let Some(v) = value {
            self.insert(key, v);
        }
        self
    }

    /// Adds a comment line above `key` (which must be set).
    pub fn comment(&mut self, key: &str, line: impl Into<String>) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.key == key) {
            e.comments.push(line.into());
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let i = self.entries.iter().position(|e| e.key == key)?;
        Some(self.entries.remove(i).value)
    }

    /// The mapping under `key`, created (empty, at the end) when absent or not a mapping.
    pub fn map_mut(&mut self, key: &str) -> &mut Map {
        if !matches!(self.get(key), Some(Node::Map(_))) {
            self.insert(key, Map::new());
        }
        match self.get_mut(key) {
            Some(Node::Map(m)) => m,
            _ => unreachable!("just inserted a mapping"),
        }
    }

    /// Keeps the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&Entry) -> bool) {
        self.entries.retain(|e| keep(e));
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.entries
                .iter()
                .map(|e| (e.key.clone(), e.value.to_json()))
                .collect(),
        )
    }
}

/// Flow-style lists stay on one line up to this width.
const FLOW_WIDTH: usize = 100;

/// The document's text: `header` as comment lines, then the mapping.
pub fn render(header: &[String], map: &Map) -> String {
    let mut out = String::new();
    for line in header {
        push_comment(&mut out, 0, line);
    }
    write_map(&mut out, map, 0);
    out
}

fn push_comment(out: &mut String, indent: usize, line: &str) {
    for part in line.split('\n') {
        let _ = writeln!(
            out,
            "{:indent$}#{}{part}",
            "",
            if part.is_empty() { "" } else { " " }
        );
    }
}

fn write_map(out: &mut String, map: &Map, indent: usize) {
    for e in &map.entries {
        for c in &e.comments {
            push_comment(out, indent, c);
        }
        let _ = write!(out, "{:indent$}{}:", "", quote(&e.key));
        write_value(
            out,
            &e.value,
            indent,
            indent + FLOW_WIDTH.min(e.key.len() + 2),
        );
    }
}

/// Writes what follows `key:` (or `- `): a scalar on the same line, else the block below.
fn write_value(out: &mut String, value: &Node, indent: usize, used: usize) {
    if let Some(s) = value.scalar() {
        let _ = writeln!(out, " {s}");
        return;
    }
    match value {
        Node::Map(m) => {
            out.push('\n');
            write_map(out, m, indent + 2);
        }
        Node::List(items) => {
            if let Some(flow) = flow_list(items)
                && used + flow.len() <= FLOW_WIDTH
            {
                let _ = writeln!(out, " {flow}");
                return;
            }
            out.push('\n');
            write_list(out, items, indent + 2);
        }
        _ => unreachable!("scalars are written above"),
    }
}

fn write_list(out: &mut String, items: &[Node], indent: usize) {
    for item in items {
        match item {
            Node::Map(m) if !m.is_empty() => {
                // The first entry shares the dash's line; the rest line up under it.
                let mut first = true;
                for e in &m.entries {
                    for c in &e.comments {
                        push_comment(out, indent + 2, c);
                    }
                    if first {
                        let _ = write!(out, "{:indent$}- {}:", "", quote(&e.key));
                        first = false;
                    } else {
                        let _ = write!(out, "{:w$}{}:", "", quote(&e.key), w = indent + 2);
                    }
                    write_value(out, &e.value, indent + 2, indent + 4 + e.key.len());
                }
            }
            Node::List(inner) if !inner.is_empty() => {
                let _ = write!(out, "{:indent$}-", "");
                write_value(out, item, indent, indent + 2);
            }
            _ => {
                let _ = write!(out, "{:indent$}-", "");
                write_value(out, item, indent, indent + 2);
            }
        }
    }
}

/// `[a, b]` when every item is a scalar.
fn flow_list(items: &[Node]) -> Option<String> {
    let parts: Option<Vec<String>> = items
        .iter()
        .map(|n| match n {
            Node::Map(_) | Node::List(_) => None,
            n => n.scalar(),
        })
        .collect();
    Some(format!("[{}]", parts?.join(", ")))
}

/// `s` as YAML reads it back as the same string: plain when that is safe, else double-quoted
/// with JSON's escapes (which YAML's double-quoted style shares).
pub fn quote(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string serialises")
    }
}

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains(['\n', '\t', '\r']) {
        return false;
    }
    // Inside a flow list a comma or bracket would end the item.
    if s.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    if s.chars()
        .any(|c| c.is_control() || !(c.is_ascii_graphic() || c == ' ' || !c.is_ascii()))
    {
        return false;
    }
    !looks_typed(s)
}

/// Plain scalars YAML (1.1 or 1.2) would read as something other than a string.
fn looks_typed(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    const WORDS: [&str; 12] = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".inf", ".nan",
    ];
    if WORDS.contains(&lower.as_str()) || lower == "-.inf" || lower == "+.inf" {
        return true;
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_hexdigit() || "._:xXoOeE+-".contains(c))
        && body
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_back(text: &str) -> serde_json::Value {
        serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{e}\n---\n{text}"))
    }

    #[test]
    fn strings_read_back_as_written() {
        let tricky = [
            "plain",
            "true",
            "No",
            "null",
            "~",
            "1",
            "1.5",
            "0x1f",
            "1e3",
            "-1",
            "+1",
            ".5",
            "12:30",
            "",
            " lead",
            "trail ",
            "a: b",
            "a #b",
            "#c",
            "-dash",
            "- item",
            "{app}-{env}",
            "${IMAGE_TAG:-latest}",
            "a,b",
            "[x]",
            "it's",
            "say \"hi\"",
            "line\nbreak",
            "tab\there",
            "curl -f http://localhost:8080/health || exit 1",
            "arn:aws:iam::123456789012:role/x",
            "é",
            "*star",
            "&amp",
            "!tag",
            "|pipe",
            ">fold",
            "%pct",
            "@at",
            "`tick",
            "key:",
            "09",
            "0o17",
            ".inf",
            "y",
            "on",
            "2026-11-29",
        ];
        let mut map = Map::new();
        for (i, s) in tricky.iter().enumerate() {
            map.insert(format!("k{i}"), *s);
        }
        map.insert(
            "list",
            tricky.iter().map(|s| Node::from(*s)).collect::<Vec<_>>(),
        );
        let text = render(&[], &map);
        assert_eq!(read_back(&text), map.to_json(), "{text}");
    }

    #[test]
    fn nested_maps_lists_and_comments_round_trip() {
        let mut lb = Map::new();
        lb.insert(
            "targetGroupArn",
            "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/x/1",
        )
        .insert("containerPort", 8080);
        let mut svc = Map::new();
        svc.insert("image", "nginx:1.27")
            .insert("cpu", 512)
            .insert("ports", vec![8080i64, 9090])
            .insert("command", vec!["sh", "-c", "echo hi; sleep 1"])
            .insert("loadBalancers", Node::List(vec![Node::Map(lb)]))
            .insert("env", Map::new())
            .insert("tags", Map::new())
            .insert("ratio", Node::Num(2.0))
            .insert("enabled", true);
        svc.comment("cpu", "not expressible: placementConstraints");
        let mut services = Map::new();
        services.insert("web", svc);
        let mut root = Map::new();
        root.insert("app", "shop").insert("services", services);
        let long: Vec<Node> = (0..30)
            .map(|i| Node::from(format!("subnet-{i:017x}")))
            .collect();
        root.insert("subnets", Node::List(long)).insert(
            "nested",
            Node::List(vec![Node::List(vec![1i64.into(), 2i64.into()])]),
        );
        let text = render(&["written by a test".into()], &root);
        assert!(text.starts_with("# written by a test\n"), "{text}");
        assert!(
            text.contains("    # not expressible: placementConstraints\n    cpu: 512\n"),
            "{text}"
        );
        assert!(text.contains("    ports: [8080, 9090]\n"), "{text}");
        assert!(
            text.contains("    loadBalancers:\n      - targetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/x/1\n        containerPort: 8080\n"),
            "{text}"
        );
        assert!(
            text.contains("subnets:\n  - subnet-"),
            "long lists go block style: {text}"
        );
        assert_eq!(read_back(&text), root.to_json(), "{text}");
    }

    #[test]
    fn insert_keeps_the_place_of_a_key_already_set() {
        let mut m = Map::new();
        m.insert("a", 1i64).insert("b", 2i64).insert("a", 3i64);
        assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(m.get("a"), Some(&Node::Int(3)));
        m.map_mut("c").insert("d", true);
        assert_eq!(
            m.to_json(),
            serde_json::json!({"a": 3, "b": 2, "c": {"d": true}})
        );
    }
}
