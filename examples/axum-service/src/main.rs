//! Runs the example service on 127.0.0.1:3000 (or `PORT`), printing each
//! finding on stderr; `ACCORD_ENFORCE=1` answers contract breaches with
//! problem+json instead.

use accord_axum_example::{app, checker};
use accord_validator::layer::CheckLayer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let enforce = std::env::var("ACCORD_ENFORCE").is_ok_and(|v| v == "1");
    let layer = CheckLayer::new(checker()?)
        .on_finding(|f| eprintln!("accord: {} {}: {}", f.code, f.instance_path.unwrap_or_default(), f.message))
        .enforce(enforce);
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(layer)).await?;
    Ok(())
}
