//! The test suite: one crate, so it links once. Each module tests one command or concern through
//! the real binary; the `*_support` modules and `common` hold what several of them share.

mod common;
mod docs_support;
mod hostile_support;
mod inspector_support;
mod listen_support;
mod locust_support;
mod messages_support;
mod peers_support;
mod probe_support;
mod verify_support;

mod burst;
mod closed_stdout;
mod config;
mod contract;
mod demo;
mod docs;
mod early_answer;
mod events;
mod export;
mod fuzz_regressions;
mod hostile;
mod inspector;
mod install_script;
mod library;
mod listen;
mod load;
mod locust;
mod messages;
mod network_faults;
mod openapi;
mod peer_receivers;
mod precommit;
mod probe;
mod reference;
mod replay;
mod schema_peers;
mod secret_hygiene;
mod send;
mod story;
mod tls;
mod validate;
mod verify;
