//! Rust types generated from Accord's schemas (`schemas/`) by
//! `accord-codegen`, at build time: one module per provider folder, typed
//! requests and responses, and operation descriptors in [`operations`].
//!
//! A payload deserializes into its type exactly when it is valid under the
//! schema (see `accord-codegen`'s docs for the few rules only the validator
//! enforces), and valid payloads serialize back unchanged.
//!
//! ```
//! use accord_types::dstore::{InquireOrderDetailResponse, OrderStatus};
//! use accord_types::operations::{DstoreInquireOrderDetail, DstoreInquireOrderDetailResponse, Operation};
//!
//! let body = r#"{
//!   "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
//!   "posOrderId": "POS-1", "orderStatus": "ACCEPTED"
//! }"#;
//! let response: InquireOrderDetailResponse = serde_json::from_str(body).unwrap();
//! assert_eq!(response.order_status, Some(OrderStatus::Accepted));
//!
//! // The descriptor reads a response by status.
//! let DstoreInquireOrderDetailResponse::Status200(same) = DstoreInquireOrderDetail::parse_response(200, body).unwrap();
//! assert_eq!(same, response);
//!
//! // A misspelt status is rejected...
//! let bad = body.replace("ACCEPTED", "ACCEPTD");
//! assert!(serde_json::from_str::<InquireOrderDetailResponse>(&bad).is_err());
//! // ...and so is a success without the order (a cross-field rule of the schema).
//! let bad = r#"{"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "ok"}}"#;
//! let err = serde_json::from_str::<InquireOrderDetailResponse>(bad).unwrap_err();
//! assert!(err.to_string().contains("posOrderId and orderStatus are required"));
//! ```
#![deny(warnings)]

include!(concat!(env!("OUT_DIR"), "/types.rs"));

/// The operation ids of the built-in catalog, in sorted order.
pub const OPERATION_IDS: &[&str] = operations::OPERATION_IDS;
