//! Accord's check engine: routes captured API traffic to the operations of
//! an OpenAPI 3.0/3.1 + JSON Schema catalog and reports every contract
//! violation, each finding as soon as it is made.
//!
//! Data flows one way: [`capture`] reads HAR, NDJSON, envelopes and plain
//! payloads into [`Exchange`]s; a [`Checker`] routes each to an operation of
//! the [`Catalog`] and checks it; [`run`] reads inputs and hands every
//! [`Diagnostic`] to a [`Sink`] in report order; [`render`] writes reports.
//! Libraries return typed errors; only the `accord` binary decides exit codes.
//!
//! The root re-exports the API an embedder needs. Build one [`Checker`] (it
//! owns its catalog and is `Send + Sync`: share it in an `Arc`), then check
//! exchanges one by one ([`Checker::check`]), through a [`Session`] (pushed
//! from any thread; capture rules judged at the end), or as a stream of
//! files ([`run::stream`]). Depend on this crate with
//! `default-features = false` to leave out the command line (`clap` and co.).
//!
//! ```
//! use accord_validator::{Catalog, CheckOptions, Checker, Exchange, Message, Session};
//! use std::sync::Arc;
//!
//! let checker = Arc::new(Checker::new(Catalog::builtin()?, CheckOptions::default())?);
//! let (sender, findings) = std::sync::mpsc::channel();
//! let session = Session::new(checker, sender);
//! let request = Message::request("POST", "/v2/pos/inquireOrderDetail")
//!     .with_header("Client-Id", "2022091913494100012")
//!     .with_header("Request-Time", "2023-12-20T12:08:56+08:00")
//!     .with_header("Signature", "algorithm=RSA256, keyVersion=1, signature=KEEPOUT")
//!     .with_body(r#"{"requestOrderId": 42}"#);
//! let tally = session.push("service-a", &Exchange::new(Some(request), None).at(0));
//! assert_eq!((tally.invalid, tally.errors), (1, 1));
//! let finding = findings.try_recv().expect("sent as soon as it was made");
//! assert_eq!((finding.code.as_str(), finding.instance_path.as_deref()), ("type", Some("/requestOrderId")));
//! let finished = session.finish()?;
//! assert_eq!(finished.summary.invalid, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod capture;
pub mod contract;
pub mod coverage;
pub mod diagnostic;
pub mod error;
#[cfg(feature = "tower")]
pub mod layer;
#[cfg(feature = "http")]
pub mod live;
pub mod options;
#[cfg(feature = "proxy")]
pub mod proxy;
pub mod render;
mod route;
pub mod run;
pub mod validate;

pub use capture::{Exchange, Message};
pub use contract::Catalog;
pub use diagnostic::{Diagnostic, Report, Severity, Summary};
pub use error::CatalogError;
pub use options::{CheckOptions, ReadOptions};
pub use run::{FnSink, Session, Sink};
pub use validate::Checker;

/// The embedding guide's examples (`docs/src/embedding.md`), run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/src/embedding.md")]
mod embedding_guide {}
