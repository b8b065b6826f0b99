//! `SpMap`: a YAML mapping with string keys, in file order, with each key's location.
//!
//! Services, env vars, secrets and tags are maps keyed by user-chosen names; errors about a name
//! must point at the key, and output should follow the order the user wrote. A key written as
//! `null` (`DB_PASSWORD: null`, or `~`) is kept apart as a removal: merged over another map it
//! takes that key away (`spec::merge`). Must not interpret keys or values.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::merge::{MapValue, Merge};
use super::span::Sp;

#[derive(Clone, Debug, PartialEq)]
pub struct SpMap<V> {
    entries: Vec<(Sp<String>, V)>,
    /// Keys written as `null`: removed from whatever this map is merged over.
    removed: Vec<Sp<String>>,
}

impl<V> Default for SpMap<V> {
    fn default() -> Self {
        SpMap {
            entries: Vec::new(),
            removed: Vec::new(),
        }
    }
}

impl<V> SpMap<V> {
    pub fn from_pairs(entries: Vec<(Sp<String>, V)>) -> Self {
        SpMap {
            entries,
            removed: Vec::new(),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Sp<String>, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.entries
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| v)
    }

    pub fn key(&self, key: &str) -> Option<&Sp<String>> {
        self.entries
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(k, _)| k)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn keys(&self) -> impl Iterator<Item = &Sp<String>> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The keys written as `null`, in file order.
    pub fn removed(&self) -> impl Iterator<Item = &Sp<String>> {
        self.removed.iter()
    }

    /// Inserts or replaces, keeping the original position of an existing key.
    pub fn insert(&mut self, key: Sp<String>, value: V) {
        match self.entries.iter_mut().find(|(k, _)| k.value == key.value) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key, value)),
        }
    }
}

/// Key by key, in one pass over each side: a 20,000-service `services` map merges in linear
/// time (bench/README.md, "validate at scale").
impl<V: Merge + MapValue> Merge for SpMap<V> {
    fn merge(&mut self, over: Self) {
        if !over.removed.is_empty() {
            let gone: HashSet<&str> = over.removed.iter().map(|k| k.value.as_str()).collect();
            self.entries
                .retain(|(k, _)| !gone.contains(k.value.as_str()));
            let known: HashSet<String> = self.removed.iter().map(|k| k.value.clone()).collect();
            for key in over.removed {
                if !known.contains(&key.value) {
                    self.removed.push(key);
                }
            }
        }
        let mut index: HashMap<String, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (k.value.clone(), i))
            .collect();
        for (key, value) in over.entries {
            match index.get(&key.value) {
                Some(&i) if V::EMPTY_REPLACES && value.replaces() => self.entries[i].1 = value,
                Some(&i) => self.entries[i].1.merge(value),
                None => {
                    self.removed.retain(|k| k.value != key.value);
                    index.insert(key.value.clone(), self.entries.len());
                    self.entries.push((key, value));
                }
            }
        }
    }

    fn replaces(&self) -> bool {
        self.entries.is_empty() && self.removed.is_empty()
    }
}

impl<'de, V: Deserialize<'de> + MapValue> Deserialize<'de> for SpMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de> + MapValue> Visitor<'de> for MapVisitor<V> {
            type Value = SpMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = SpMap::default();
                // A set, not a scan of the keys so far: a scan is quadratic in the map's size.
                let mut seen: HashSet<String> = HashSet::new();
                while let Some(key) = map.next_key::<Sp<String>>()? {
                    let value = map.next_value::<Option<V>>()?;
                    if !seen.insert(key.value.clone()) {
                        return Err(serde::de::Error::custom(format!(
                            "duplicate key `{}`",
                            key.value
                        )));
                    }
                    match value {
                        Some(value) => out.entries.push((key, value)),
                        None if V::NULL_REMOVES => out.removed.push(key),
                        None => {
                            return Err(serde::de::Error::custom(format!(
                                "`{}` has no value",
                                key.value
                            )));
                        }
                    }
                }
                Ok(out)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(SpMap::default())
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

impl<V: Serialize> Serialize for SpMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(&k.value, v)?;
        }
        map.end()
    }
}

impl<V: schemars::JsonSchema + MapValue> schemars::JsonSchema for SpMap<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let value = generator.subschema_for::<V>();
        if V::NULL_REMOVES {
            // `KEY: null` removes an inherited key (spec::merge).
            let removal = schemars::json_schema!({ "type": "null" });
            return schemars::json_schema!({
                "type": "object",
                "additionalProperties": { "anyOf": [value, removal] }
            });
        }
        schemars::json_schema!({ "type": "object", "additionalProperties": value })
    }
    fn inline_schema() -> bool {
        true
    }
}
