//! An embedder of Accord's engine, the way a service middleware or a proxy
//! uses it: build one [`Checker`] at start-up, share it (`Arc`), and check
//! each exchange as it happens, with a [`Session`] collecting the findings
//! and judging what only a run can (capture rules) at the end.
//!
//! Only the `accord_validator` root API is used here.

use accord_validator::{Catalog, CheckOptions, Checker, Diagnostic, Exchange, Message, Session};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

/// A checker for the built-in catalog, ready to share.
pub fn builtin_checker() -> Result<Arc<Checker>, accord_validator::CatalogError> {
    Ok(Arc::new(Checker::new(Catalog::builtin()?, CheckOptions::default())?))
}

/// A session whose findings arrive on the returned channel.
pub fn session(checker: Arc<Checker>) -> (Session<std::sync::mpsc::Sender<Diagnostic>>, Receiver<Diagnostic>) {
    let (sender, receiver) = channel();
    (Session::new(checker, sender), receiver)
}

/// A D-Store `syncStore` exchange as a service would see it: the request
/// body and the response status and body.
pub fn sync_store(index: usize, request: &str, status: u16, response: &str) -> Exchange {
    Exchange::new(
        Some(
            Message::request("POST", "/v2/pos/syncStore")
                .with_header("Content-Type", "application/json; charset=UTF-8")
                .with_header("Client-Id", "2022091913494100012")
                .with_header("Request-Time", "2023-12-20T12:08:56+08:00")
                .with_header("Signature", "algorithm=RSA256, keyVersion=1, signature=KEEPOUT")
                .with_body(request),
        ),
        Some(Message::response(status).with_header("Content-Type", "application/json").with_body(response)),
    )
    .at(index)
}
