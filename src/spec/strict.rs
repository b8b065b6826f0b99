//! Strict scalars: a number or boolean field takes only an unquoted number or boolean.
//!
//! serde-saphyr reads the *text* of a scalar into a typed field, so `count: "2"` fills a `u32`
//! as readily as `count: 2`; docs/spec.md says a quoted number is a string and an error. The
//! structural check (`spec::structure`) reports that, but the fast path of `spec::load` skips it
//! when the typed parse succeeds. `Strict<T>` wraps the deserializer a spec value is read with so
//! that a number or boolean type asks for the scalar *as YAML resolved it* (`deserialize_any`):
//! a quoted scalar then arrives as a string and fails, and loading falls back to the full path,
//! which reports it at its line and column with the hint to remove the quotes. Must not change
//! anything else: strings, maps, lists and `deserialize_any` types are forwarded untouched.

use std::fmt;

use serde::de::{self, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};

/// `T` read through [`StrictDeserializer`].
pub struct Strict<T>(pub T);

impl<'de, T: de::Deserialize<'de>> de::Deserialize<'de> for Strict<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(StrictDeserializer(deserializer)).map(Strict)
    }
}

/// Forwards everything to `D`, except that numbers and booleans are read with
/// `deserialize_any` and refuse a string.
pub struct StrictDeserializer<D>(pub D);

/// The visitor of a number or boolean type, refusing the string a quoted scalar arrives as.
struct NoStrings<V> {
    inner: V,
    expected: &'static str,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for NoStrings<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expected)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.inner.visit_bool(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.inner.visit_i64(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.inner.visit_u64(v)
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<V::Value, E> {
        self.inner.visit_i128(v)
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<V::Value, E> {
        self.inner.visit_u128(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.inner.visit_f64(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        Err(E::invalid_type(de::Unexpected::Str(v), &self))
    }
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(map)
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(data)
    }
}

macro_rules! strict {
    ($($method:ident => $expected:literal),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.deserialize_any(NoStrings { inner: visitor, expected: $expected })
        }
    )*};
}

macro_rules! forward {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for StrictDeserializer<D> {
    type Error = D::Error;

    strict! {
        deserialize_bool => "`true` or `false`",
        deserialize_i8 => "an integer",
        deserialize_i16 => "an integer",
        deserialize_i32 => "an integer",
        deserialize_i64 => "an integer",
        deserialize_i128 => "an integer",
        deserialize_u8 => "an integer",
        deserialize_u16 => "an integer",
        deserialize_u32 => "an integer",
        deserialize_u64 => "an integer",
        deserialize_u128 => "an integer",
        deserialize_f32 => "a number",
        deserialize_f64 => "a number",
    }

    forward! {
        deserialize_any, deserialize_char, deserialize_str, deserialize_string,
        deserialize_bytes, deserialize_byte_buf, deserialize_option, deserialize_unit,
        deserialize_seq, deserialize_map, deserialize_identifier, deserialize_ignored_any,
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, visitor)
    }
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, visitor)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, visitor)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }
    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::node::yaml_options;

    fn read<T: for<'de> de::Deserialize<'de>>(yaml: &str) -> Result<T, String> {
        serde_saphyr::from_str_with_options::<Strict<T>>(yaml, yaml_options())
            .map(|s| s.0)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn quoted_numbers_and_booleans_are_refused() {
        assert_eq!(read::<u32>("2"), Ok(2));
        assert_eq!(read::<f64>("70"), Ok(70.0));
        assert_eq!(read::<f64>("70.5"), Ok(70.5));
        assert_eq!(read::<bool>("true"), Ok(true));
        for yaml in ["\"2\"", "'2'"] {
            assert!(read::<u32>(yaml).is_err(), "{yaml}");
            assert!(read::<f64>(yaml).is_err(), "{yaml}");
        }
        assert!(read::<bool>("\"true\"").is_err());
        // Strings are untouched: a plain number still reads as text where a string is wanted.
        assert_eq!(read::<String>("1000").as_deref(), Ok("1000"));
        assert_eq!(read::<String>("\"x\"").as_deref(), Ok("x"));
    }
}
