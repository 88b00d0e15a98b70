//! One file per subcommand: glue from the parsed arguments to the library modules.

pub mod completions;
pub mod demo;
pub mod events;
pub mod listen;
pub mod probe;
pub mod replay;
pub mod schema;
pub mod send;
mod send_load;
pub mod sign;
pub mod validate;
pub mod verify;
