//! One file (or folder) per subcommand: glue from the parsed arguments to the library modules.
//! A command never imports another command.

pub mod completions;
pub mod config;
pub mod demo;
pub mod events;
pub mod listen;
pub mod man;
pub mod probe;
pub mod replay;
pub mod schema;
pub mod send;
pub mod sign;
pub mod story;
pub mod validate;
pub mod verify;
