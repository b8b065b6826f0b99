//! `SpMap`: a YAML mapping with string keys, in file order, with each key's location.
//!
//! Services, env vars, secrets and tags are maps keyed by user-chosen names; errors about a name
//! must point at the key, and output should follow the order the user wrote. Must not interpret
//! keys or values.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::merge::Merge;
use super::span::Sp;

#[derive(Clone, Debug, PartialEq)]
pub struct SpMap<V> {
    entries: Vec<(Sp<String>, V)>,
}

impl<V> Default for SpMap<V> {
    fn default() -> Self {
        SpMap {
            entries: Vec::new(),
        }
    }
}

impl<V> SpMap<V> {
    pub fn from_pairs(entries: Vec<(Sp<String>, V)>) -> Self {
        SpMap { entries }
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

    /// Inserts or replaces, keeping the original position of an existing key.
    pub fn insert(&mut self, key: Sp<String>, value: V) {
        match self.entries.iter_mut().find(|(k, _)| k.value == key.value) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key, value)),
        }
    }
}

impl<V: Merge> Merge for SpMap<V> {
    fn merge(&mut self, over: Self) {
        for (key, value) in over.entries {
            match self.entries.iter_mut().find(|(k, _)| k.value == key.value) {
                Some(slot) => slot.1.merge(value),
                None => self.entries.push((key, value)),
            }
        }
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SpMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = SpMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries: Vec<(Sp<String>, V)> = Vec::new();
                while let Some(key) = map.next_key::<Sp<String>>()? {
                    let value = map.next_value::<V>()?;
                    if entries.iter().any(|(k, _)| k.value == key.value) {
                        return Err(serde::de::Error::custom(format!(
                            "duplicate key `{}`",
                            key.value
                        )));
                    }
                    entries.push((key, value));
                }
                Ok(SpMap { entries })
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

impl<V: schemars::JsonSchema> schemars::JsonSchema for SpMap<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let value = generator.subschema_for::<V>();
        schemars::json_schema!({ "type": "object", "additionalProperties": value })
    }
    fn inline_schema() -> bool {
        true
    }
}
