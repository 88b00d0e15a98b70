//! The reference's closed sets of values (`source`, `direction`, `meeting_method`) as enums that
//! keep a value they do not know instead of refusing the delivery: a receiver built today must
//! not answer 400 to every event the day TitanCard adds a fifth `source`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal, $doc:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(#[doc = $doc] $variant,)*
            /// A value the reference does not list, kept as it came.
            Other(String),
        }

        impl $name {
            /// The value as it is on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Other(value) => value,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => $name::$variant,)*
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok($name::from(value.as_ref()))
            }
        }
    };
}

open_enum! {
    /// How a connection was made (the reference's `source`: qr_scan, nfc, manual, import).
    ///
    /// ```
    /// use titancard_webhooks::data::Source;
    ///
    /// assert_eq!(Source::from("nfc"), Source::Nfc);
    /// assert_eq!(Source::from("api"), Source::Other("api".into()));
    /// assert_eq!(Source::QrScan.as_str(), "qr_scan");
    /// ```
    Source {
        QrScan = "qr_scan", "A scan of the card's QR code.";
        Nfc = "nfc", "An NFC tap.";
        Manual = "manual", "Entered by hand.";
        Import = "import", "Imported.";
    }
}

open_enum! {
    /// Who found whom (the reference's `direction`).
    Direction {
        Inbound = "inbound", "They found you.";
        Outbound = "outbound", "You found them.";
    }
}

open_enum! {
    /// How you met (the reference's `meeting_method`: in_person, virtual, phone, email).
    MeetingMethod {
        InPerson = "in_person", "In person.";
        Virtual = "virtual", "A video call.";
        Phone = "phone", "A phone call.";
        Email = "email", "By email.";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_values_round_trip() {
        for value in ["qr_scan", "nfc", "manual", "import", "api", ""] {
            let json = serde_json::to_string(value).unwrap();
            let source: Source = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&source).unwrap(), json);
        }
        let escaped: Direction = serde_json::from_str(r#""in\u0062ound""#).unwrap();
        assert_eq!(escaped, Direction::Inbound);
        assert!(serde_json::from_str::<MeetingMethod>("3").is_err());
    }
}
