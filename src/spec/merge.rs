//! The overlay merge: how an environment file overrides `ecsctl.yaml`.
//!
//! Owns the `Merge` trait and the one rule set behind it: scalars and lists are replaced, maps
//! merge key by key, blocks merge field by field; an explicitly empty map or block (`{}`)
//! replaces the one below it, and a map key written as `null` removes the key below it
//! (`spec::spmap`), so an override can take away what it inherits. Must not validate anything:
//! a merged spec can still be invalid, and the model reports that with locations from whichever
//! file won.

use super::span::Sp;

/// Overlay `over` onto `self`: whatever `over` sets wins.
pub trait Merge {
    fn merge(&mut self, over: Self);

    /// Whether this value, laid over another, replaces it whole instead of merging into it:
    /// an explicitly written empty map or block (`secrets: {}`), which would otherwise change
    /// nothing and leave no way to drop what a service inherits from `defaults:`.
    fn replaces(&self) -> bool {
        false
    }
}

/// How a map treats a key written as `null`: values that are one setting (`Sp<T>`: an env var,
/// a secret, a tag) are removed from what the map inherits; a whole block (a service, a
/// sidecar, a volume) stays an error there, because an empty `api:` is more often a slip of
/// indentation than a wish to delete (`enabled: false` leaves a service out).
pub trait MapValue {
    const NULL_REMOVES: bool;

    /// Whether a value written as `{}` replaces the one it overrides instead of changing
    /// nothing: only where empty means something (a volume that is scratch space, so a task
    /// built on a service's can turn that service's EBS volume into scratch space). A service or
    /// sidecar written `{}` still changes nothing.
    const EMPTY_REPLACES: bool = false;
}

impl<T> MapValue for Sp<T> {
    const NULL_REMOVES: bool = true;
}

/// A scalar, a list or an untagged choice is replaced whole: merging two lists of subnets
/// element by element would produce a network nobody wrote.
impl<T> Merge for Sp<T> {
    fn merge(&mut self, over: Self) {
        *self = over;
    }
}

impl<T: Merge> Merge for Option<T> {
    fn merge(&mut self, over: Self) {
        match (self.as_mut(), over) {
            (_, None) => {}
            (Some(mine), Some(theirs)) if theirs.replaces() => *mine = theirs,
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (None, Some(theirs)) => *self = Some(theirs),
        }
    }
}

/// Defines a raw spec block: the struct (camelCase keys, unknown keys rejected, a JSON Schema
/// with the doc comments as descriptions) and its field-by-field `Merge`, from one field list so
/// that no field can be left out of the merge.
///
/// Written `raw_struct! { empty_replaces: ... }`, a `{}` value in a map replaces what it
/// overrides (`MapValue::EMPTY_REPLACES`).
#[macro_export]
macro_rules! raw_struct {
    (
        empty_replaces:
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $crate::raw_struct!(@emit true; $(#[$meta])* pub struct $name {
            $( $(#[$fmeta])* pub $field : $ty, )*
        });
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $crate::raw_struct!(@emit false; $(#[$meta])* pub struct $name {
            $( $(#[$fmeta])* pub $field : $ty, )*
        });
    };
    (
        @emit $empty_replaces:literal;
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, serde::Deserialize, serde::Serialize, schemars::JsonSchema)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            $( $(#[$fmeta])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $field: $ty, )*
        }

        impl $crate::spec::merge::Merge for $name {
            fn merge(&mut self, over: Self) {
                $( $crate::spec::merge::Merge::merge(&mut self.$field, over.$field); )*
            }

            /// `{}`: written, and empty.
            fn replaces(&self) -> bool {
                $( self.$field.is_none() && )* true
            }
        }

        impl $crate::spec::merge::MapValue for $name {
            const NULL_REMOVES: bool = false;
            const EMPTY_REPLACES: bool = $empty_replaces;
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::span::Loc;
    use crate::spec::spmap::SpMap;

    crate::raw_struct! {
        pub struct Inner {
            pub a: Option<Sp<u32>>,
            pub b: Option<Sp<u32>>,
        }
    }

    crate::raw_struct! {
        pub struct Outer {
            pub inner: Option<Inner>,
            pub list: Option<Sp<Vec<u32>>>,
            pub map: Option<SpMap<Sp<String>>>,
        }
    }

    fn sp<T>(v: T) -> Sp<T> {
        Sp::new(v, Loc::default())
    }

    fn key(k: &str) -> Sp<String> {
        sp(k.to_string())
    }

    #[test]
    fn table_of_overlay_rules() {
        struct Case {
            name: &'static str,
            base: Outer,
            over: Outer,
            want: Outer,
        }
        let cases = [
            Case {
                name: "absent in overlay keeps base",
                base: Outer {
                    list: Some(sp(vec![1, 2])),
                    ..Default::default()
                },
                over: Outer::default(),
                want: Outer {
                    list: Some(sp(vec![1, 2])),
                    ..Default::default()
                },
            },
            Case {
                name: "lists are replaced, not appended",
                base: Outer {
                    list: Some(sp(vec![1, 2])),
                    ..Default::default()
                },
                over: Outer {
                    list: Some(sp(vec![3])),
                    ..Default::default()
                },
                want: Outer {
                    list: Some(sp(vec![3])),
                    ..Default::default()
                },
            },
            Case {
                name: "blocks merge field by field",
                base: Outer {
                    inner: Some(Inner {
                        a: Some(sp(1)),
                        b: Some(sp(2)),
                    }),
                    ..Default::default()
                },
                over: Outer {
                    inner: Some(Inner {
                        a: None,
                        b: Some(sp(20)),
                    }),
                    ..Default::default()
                },
                want: Outer {
                    inner: Some(Inner {
                        a: Some(sp(1)),
                        b: Some(sp(20)),
                    }),
                    ..Default::default()
                },
            },
            Case {
                name: "block only in overlay is taken whole",
                base: Outer::default(),
                over: Outer {
                    inner: Some(Inner {
                        a: Some(sp(5)),
                        b: None,
                    }),
                    ..Default::default()
                },
                want: Outer {
                    inner: Some(Inner {
                        a: Some(sp(5)),
                        b: None,
                    }),
                    ..Default::default()
                },
            },
            Case {
                name: "maps merge key by key and keep base order",
                base: Outer {
                    map: Some(SpMap::from_pairs(vec![
                        (key("X"), sp("1".into())),
                        (key("Y"), sp("2".into())),
                    ])),
                    ..Default::default()
                },
                over: Outer {
                    map: Some(SpMap::from_pairs(vec![
                        (key("Z"), sp("3".into())),
                        (key("X"), sp("9".into())),
                    ])),
                    ..Default::default()
                },
                want: Outer {
                    map: Some(SpMap::from_pairs(vec![
                        (key("X"), sp("9".into())),
                        (key("Y"), sp("2".into())),
                        (key("Z"), sp("3".into())),
                    ])),
                    ..Default::default()
                },
            },
            Case {
                name: "an empty block replaces the block below",
                base: Outer {
                    inner: Some(Inner {
                        a: Some(sp(1)),
                        b: Some(sp(2)),
                    }),
                    ..Default::default()
                },
                over: Outer {
                    inner: Some(Inner::default()),
                    ..Default::default()
                },
                want: Outer {
                    inner: Some(Inner::default()),
                    ..Default::default()
                },
            },
            Case {
                name: "an empty map replaces the map below",
                base: Outer {
                    map: Some(SpMap::from_pairs(vec![(key("X"), sp("1".into()))])),
                    ..Default::default()
                },
                over: Outer {
                    map: Some(SpMap::default()),
                    ..Default::default()
                },
                want: Outer {
                    map: Some(SpMap::default()),
                    ..Default::default()
                },
            },
        ];
        for case in cases {
            let mut got = case.base;
            got.merge(case.over);
            assert_eq!(got, case.want, "{}", case.name);
        }
    }
}
