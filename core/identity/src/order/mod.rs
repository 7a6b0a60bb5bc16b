//! The order model of the RP API v6 (reference §1): statuses, hint codes, error codes and
//! completion data. Codes are open enums: BankID adds codes without notice, so an unknown code
//! is kept verbatim instead of failing the whole response.

mod codes;
mod completion;

pub use codes::{ErrorCode, HintCode, OrderStatus};
pub use completion::{CollectResponse, CompletionData, Device, ErrorResponse, StepUp, User};

/// Defines an open string enum with explicit wire names and an `Unknown(String)` catch-all.
macro_rules! open_enum {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal,)* }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(from = "String", into = "String")]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A code this version does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(s) => s,
                }
            }

            /// Whether the code is one this version knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }

            /// Every known code, for tests and documentation.
            pub const KNOWN: &'static [&'static str] = &[$($wire,)*];
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::from(s.as_str())
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> Self {
                v.as_str().to_owned()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // An open string: the known codes are its examples, not a closed `enum`, because a
        // reader must keep a code it does not know (the service may add codes).
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(concat!(
                        $($doc,)*
                        " An open code: the known ones are the examples; a reader keeps any \
                         other verbatim."
                    ).trim_start()))
                    .examples(Self::KNOWN.iter().copied())
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}
pub(crate) use open_enum;
