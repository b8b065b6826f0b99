//! `x-` keys: top-level keys a spec file may carry for its own use, ignored by ecsctl.
//!
//! Compose files keep YAML anchors under `x-` keys (`x-secrets: &secrets …`, then
//! `secrets: *secrets`), so a block shared by several services need not live inside one of
//! them; see <https://docs.docker.com/reference/compose-file/extension/>. Owns the rule (a
//! key of the top-level mapping starting with `x-`) and reading a file into `RawProject` with
//! those keys skipped. Must not ignore anything else: every other unknown key stays an error.

use std::fmt;

use serde::de::value::{MapAccessDeserializer, StrDeserializer};
use serde::de::{Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::raw::RawProject;

/// The prefix of a top-level key ecsctl ignores.
pub const PREFIX: &str = "x-";

/// Whether a top-level key is an extension that ecsctl ignores.
pub fn is_extension(key: &str) -> bool {
    key.starts_with(PREFIX)
}

/// One spec file as serde reads it: `RawProject` without its `x-` keys.
pub struct SpecFile(pub RawProject);

impl<'de> Deserialize<'de> for SpecFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FileVisitor;
        impl<'de> Visitor<'de> for FileVisitor {
            type Value = SpecFile;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SpecFile, A::Error> {
                let rest = WithoutExtensions { inner: map };
                RawProject::deserialize(MapAccessDeserializer::new(rest)).map(SpecFile)
            }
        }
        deserializer.deserialize_map(FileVisitor)
    }
}

/// A mapping with its `x-` entries skipped (their values are read and dropped, so anchors
/// defined there stay usable further down the file).
struct WithoutExtensions<A> {
    inner: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WithoutExtensions<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.inner.next_key::<String>()? {
            if is_extension(&key) {
                self.inner.next_value::<IgnoredAny>()?;
                continue;
            }
            return seed
                .deserialize(StrDeserializer::<A::Error>::new(&key))
                .map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::node::yaml_options;

    fn read(yaml: &str) -> Result<RawProject, String> {
        serde_saphyr::from_str_with_options::<SpecFile>(yaml, yaml_options())
            .map(|f| f.0)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn extension_keys_are_skipped_and_their_anchors_kept() {
        let yaml = "x-secrets: &secrets\n  DB: arn:aws:secretsmanager:eu-west-1:123456789012:secret:db\n\
                    app: shop\nx-note: anything [goes] here\n\
                    services:\n  api:\n    image: nginx:1.27\n    secrets: *secrets\n";
        let raw = read(yaml).expect("x- keys are ignored");
        assert_eq!(raw.app.unwrap().value, "shop");
        let services = raw.services.unwrap();
        let secrets = services.get("api").unwrap().secrets.as_ref().unwrap();
        assert_eq!(
            secrets.keys().map(|k| k.value.as_str()).collect::<Vec<_>>(),
            ["DB"]
        );
    }

    #[test]
    fn other_unknown_keys_are_still_refused() {
        assert!(read("app: shop\nxsecrets: 1\n").is_err());
        assert!(read("app: shop\nX-secrets: 1\n").is_err());
    }
}
