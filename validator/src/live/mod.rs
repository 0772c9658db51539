//! Live traffic, as the `http` crate types it: what a proxy or a service
//! sees of an exchange, turned into the engine's [`Exchange`](crate::Exchange),
//! a recording line, or an RFC 9457 answer.
//!
//! Nothing here runs a server: the proxy (`accord proxy`) and the tower layer
//! use these pieces the same way, so both give exactly the findings, codes,
//! positions and redaction of `accord check`.

mod body;
mod observed;
mod problem;
mod record;

pub use body::{BoxError, Captured, Collected, Replay, TapBody, collect_limited};
pub use observed::{Observed, Seen};
pub use problem::{Problem, problem_json};
pub use record::Recorder;
