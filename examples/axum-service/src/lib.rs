//! An axum service checked by Accord's tower layer
//! ([`accord_validator::layer::CheckLayer`]): every request and response of
//! the orders API is held to `docs/examples/orders-v1.yaml`.

use accord_validator::layer::CheckLayer;
use accord_validator::{Catalog, CheckOptions, Checker};
use axum::Json;
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use serde_json::{Value, json};
use std::sync::Arc;

/// The contract this service implements.
pub const CONTRACT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/examples/orders-v1.yaml");

/// The checker for [`CONTRACT`].
pub fn checker() -> Result<Arc<Checker>, Box<dyn std::error::Error>> {
    let catalog = Catalog::load(std::path::Path::new(CONTRACT))?;
    Ok(Arc::new(Checker::new(catalog, CheckOptions::default())?))
}

/// The service, with `layer` around every route.
pub fn app(layer: CheckLayer) -> Router {
    Router::new().route("/orders/{id}", get(order)).layer(layer)
}

/// `GET /orders/{id}`; an id ending in `bad` answers a status the contract
/// does not allow (so the layer has something to find).
async fn order(Path(id): Path<String>) -> Json<Value> {
    let status = if id.ends_with("bad") { "lost" } else { "open" };
    Json(json!({"id": id, "status": status}))
}
