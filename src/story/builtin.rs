//! The built-in stories, as data: story files in stories/, embedded at build time and read by the
//! same parser as a user's, so each is also an example of the format (`story show NAME --format
//! toml` prints it to start a file from).

use super::tree::Source;
use crate::events::closest_of;

/// One built-in story.
#[derive(Debug, PartialEq, Eq)]
pub struct Builtin {
    pub name: &'static str,
    /// The story file, as in stories/NAME.toml.
    pub text: &'static str,
}

macro_rules! builtin {
    ($name:literal) => {
        Builtin {
            name: $name,
            text: include_str!(concat!("../../stories/", $name, ".toml")),
        }
    };
}

/// Every built-in story, in the order `story list` shows them.
pub static BUILTINS: [Builtin; 3] = [
    builtin!("contact-lifecycle"),
    builtin!("card-lifecycle"),
    builtin!("all-events"),
];

/// The built-in story of that exact name.
pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|builtin| builtin.name == name)
}

/// The built-in name closest to `name`, when one is close enough to be a typo.
pub fn closest(name: &str) -> Option<&'static str> {
    closest_of(name, BUILTINS.iter().map(|builtin| builtin.name))
}

impl Builtin {
    /// Its text, named as errors name it.
    pub fn source(&self) -> Source {
        Source {
            name: format!("built-in story {}", self.name),
            text: self.text.to_string(),
        }
    }
}
