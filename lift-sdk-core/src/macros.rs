//! The two declarative macros every client declares its wire strings with: closed enums
//! with an `Other` fallback ([`string_enum!`](crate::string_enum)) and checked identifiers
//! ([`string_id!`](crate::string_id)).
//!
//! They are `#[macro_export]`ed and reach their dependencies through the hidden
//! `lift_sdk_core::__private` module, so a crate using them needs `serde` and `serde_json`
//! only for its own code.

/// Declares a `#[non_exhaustive]` enum of known wire strings plus `Other(String)`, with
/// `KNOWN`, `as_str`, `is_known`, `Display`, `FromStr` (infallible), `From<&str>`,
/// `From<String>`, `Serialize` and a lenient `Deserialize`: an unknown string is
/// `Other(text)`, a number or boolean is `Other` of its JSON text (contract §10 H).
///
/// ```
/// lift_sdk_core::string_enum! {
///     /// How bright.
///     pub enum Level {
///         /// `low`.
///         Low => "low",
///         /// `high`.
///         High => "high",
///     }
/// }
///
/// assert_eq!(Level::from("high"), Level::High);
/// assert_eq!(serde_json::from_str::<Level>("\"max\"")?, Level::Other("max".into()));
/// assert_eq!(serde_json::from_str::<Level>("11")?, Level::Other("11".into()));
/// assert!(!Level::Other("max".into()).is_known());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the SDK does not know, kept as sent.
            Other(::std::string::String),
        }

        impl $name {
            /// Every known value, in the order of the contract.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),+];

            /// The value as sent on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(other) => other,
                }
            }

            /// Whether this is one of the values the contract defines (not
            #[doc = concat!("[`", stringify!($name), "::Other`]).")]
            #[must_use]
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(Self::from(text))
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $( $wire => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(text: ::std::string::String) -> Self {
                match Self::from(text.as_str()) {
                    Self::Other(_) => Self::Other(text),
                    known => known,
                }
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::wire_text(deserializer).map(|text| Self::from(&*text))
            }
        }
    };
}

/// Declares an opaque identifier newtype over `String` that is safe to put in a URL path.
///
/// Built by a caller ([`new`], `FromStr`, `TryFrom<String>`, `TryFrom<&str>`), an id is
/// checked: empty, blank, `.` and `..` are refused, and so are `/`, `\`, `?`, `#` and
/// control characters, because the reference gateway decodes `%2F` before routing (an id
/// `../health` would reach another route). Decoded from a server, an id is kept exactly as
/// sent (a number becomes its text), and `as_path_segment` checks it again before any
/// client puts it in a path. The second argument names the kind in error messages.
///
/// [`new`]: #method.new
///
/// ```
/// lift_sdk_core::string_id! {
///     /// The id of a widget.
///     pub struct WidgetId("widget id");
/// }
///
/// let id = WidgetId::new("w-1")?;
/// assert_eq!(id.as_path_segment()?, "w-1");
/// let err = WidgetId::new("../health").unwrap_err();
/// assert_eq!(err.to_string(), "invalid input: widget id `../health` contains `/`");
///
/// let sent: WidgetId = serde_json::from_str("\"../health\"")?; // kept as sent...
/// assert!(sent.as_path_segment().is_err()); // ...but refused in a path
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! string_id {
    (
        $(#[$meta:meta])*
        pub struct $name:ident($kind:literal);
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(::std::string::String);

        impl $name {
            /// Checks and wraps an id given by a caller.
            ///
            /// # Errors
            ///
            /// An error of kind [`InvalidInput`]($crate::ErrorKind::InvalidInput) naming the
            /// id kind and the offending character when the id is empty or blank, is `.` or
            /// `..`, or contains `/`, `\`, `?`, `#` or a control character.
            pub fn new(
                id: impl ::core::convert::Into<::std::string::String>,
            ) -> ::core::result::Result<Self, $crate::Error> {
                let id = id.into();
                $crate::__private::check_id($kind, &id)?;
                ::core::result::Result::Ok(Self(id))
            }

            /// The id as a string slice, exactly as given or sent.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id checked again as one URL path segment: what every client puts in a
            /// path, so an id a server sent (kept as sent) cannot reach another route.
            ///
            /// # Errors
            ///
            /// As [`new`](Self::new).
            pub fn as_path_segment(&self) -> ::core::result::Result<&str, $crate::Error> {
                $crate::__private::check_id($kind, &self.0)?;
                ::core::result::Result::Ok(&self.0)
            }

            /// Whether the id is empty (only a decoded or default id can be).
            #[must_use]
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }

            /// Consumes the id, giving its string.
            #[must_use]
            pub fn into_string(self) -> ::std::string::String {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::Error;

            fn from_str(id: &str) -> ::core::result::Result<Self, Self::Err> {
                Self::new(id)
            }
        }

        impl ::core::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::Error;

            fn try_from(id: ::std::string::String) -> ::core::result::Result<Self, Self::Error> {
                Self::new(id)
            }
        }

        impl ::core::convert::TryFrom<&str> for $name {
            type Error = $crate::Error;

            fn try_from(id: &str) -> ::core::result::Result<Self, Self::Error> {
                Self::new(id)
            }
        }

        impl ::core::convert::From<$name> for ::std::string::String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl ::core::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl ::core::cmp::PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl ::core::cmp::PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::wire_text(deserializer).map(|text| Self(text.into_owned()))
            }
        }
    };
}
