//! Accord's validator: routes captured API traffic to the operations of an
//! OpenAPI 3.1 + JSON Schema catalog and reports every contract violation.
//!
//! Data flows one way: [`capture`] reads HAR, NDJSON, envelopes and plain
//! payloads into exchanges; [`route`] matches each to an operation of the
//! [`catalog`]; [`validate`] checks it and produces [`Diagnostic`]s; [`render`]
//! presents the [`Report`]. Libraries return typed errors; only the `accord`
//! binary decides exit codes.
//!
//! ```
//! use accord_validator::{catalog::Catalog, check, validate::{CheckOptions, Checker}};
//!
//! let catalog = Catalog::builtin().expect("the built-in catalog loads");
//! let checker = Checker::new(&catalog, CheckOptions::default()).expect("schemas compile");
//! let dir = tempfile::tempdir().unwrap();
//! let file = dir.path().join("capture.json");
//! std::fs::write(&file, r#"{"request": {"method": "POST", "url": "/v2/pos/inquireOrderDetail",
//!     "body": {"requestOrderId": 42}}}"#).unwrap();
//! let report = check::run(&checker, &[file.display().to_string()], &check::ReadOptions::default());
//! assert_eq!(report.summary.invalid, 1);
//! assert_eq!(report.diagnostics[0].code, "type");
//! assert_eq!(report.diagnostics[0].instance_path.as_deref(), Some("/requestOrderId"));
//! ```

pub mod capture;
pub mod catalog;
pub mod check;
pub mod diagnostic;
pub mod error;
pub mod output;
pub mod render;
pub mod route;
pub mod validate;

pub use diagnostic::{Diagnostic, Report};
