//! Rust types generated from Accord's schemas.
//!
//! **Status:** placeholder. The generator (`accord-codegen`) does not emit
//! types yet (issue 3), so this crate exposes only the ids of the operations
//! its `build.rs` will generate descriptors for.

/// The operation ids of the built-in catalog, in sorted order.
pub const OPERATION_IDS: &[&str] = &[
    "dstore.inquireOrderDetail",
    "dstore.syncStore",
    "tuya.queryOrderDetails",
    "xoxoday.getOrderDetails",
    "zonos.orderNumbers",
];
