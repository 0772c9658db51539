//! CEL rules at their three levels, side by side:
//!
//! - [`message`]: `x-accord-rules` in a schema, judged on one message (a
//!   custom JSON Schema keyword, so a rule runs where its schema applies);
//! - [`exchange`]: `x-accord-rules` on an operation, judged on a request and
//!   its response together;
//! - [`capture`]: `x-accord-idempotency-key` and `x-accord-unique`, judged
//!   across the exchanges of a run.

pub mod capture;
pub mod exchange;
pub mod message;
