//! Support for `messages`: reading the string literals of the project's own sources.

pub mod cases;
pub mod literals;
