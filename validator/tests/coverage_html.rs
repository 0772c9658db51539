//! The HTML coverage page in a real headless browser: Debian's Chromium,
//! driven through ChromeDriver's W3C WebDriver protocol over loopback. The
//! page is written by the binary, opened from disk (no server: it must need
//! no network), and used as a person would: its tables read from the DOM,
//! text typed into the filter, a state chosen, a column heading clicked to
//! sort, an operation's row clicked to open its units. A screenshot is kept
//! in `target/artifacts/coverage-html.png` for CI to publish.
//!
//! `.ci/run` installs `chromium` and `chromium-driver`; elsewhere the test
//! says it skipped unless `ACCORD_REQUIRE_TOOLS` is set, which makes a
//! missing browser a failure.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// ChromeDriver on a loopback port, ended when dropped.
struct Driver {
    child: Child,
    base: String,
    client: reqwest::Client,
    session: Option<String>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Driver {
    async fn start(profile: &Path) -> Option<Driver> {
        let (driver, browser) = (which("chromedriver")?, which("chromium")?);
        // A free loopback port (ChromeDriver takes no port 0).
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(driver)
            .args([format!("--port={port}"), "--allowed-ips=127.0.0.1".into()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).no_proxy().build().unwrap();
        let mut driver = Driver { child, base, client, session: None };
        let started = Instant::now();
        loop {
            let ready = driver.client.get(format!("{}/status", driver.base)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start in 20 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": browser,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}});
        let created = driver.call("POST", "/session", Some(capabilities)).await;
        driver.session = Some(created["sessionId"].as_str().expect("a WebDriver session").to_string());
        Some(driver)
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = match &self.session {
            Some(s) => format!("{}/session/{s}{path}", self.base),
            None => format!("{}{path}", self.base),
        };
        let request = match method {
            "GET" => self.client.get(url),
            "DELETE" => self.client.delete(url),
            _ => self.client.post(url).json(&body.unwrap_or(json!({}))),
        };
        let response: Value = request.send().await.unwrap().json().await.unwrap();
        assert!(response["value"].get("error").is_none(), "WebDriver {method} {path}: {response}");
        response["value"].clone()
    }

    async fn find(&self, css: &str) -> String {
        let found = self.call("POST", "/element", Some(json!({"using": "css selector", "value": css}))).await;
        found[ELEMENT].as_str().unwrap_or_else(|| panic!("{css}: {found}")).to_string()
    }

    async fn find_in(&self, parent: &str, css: &str) -> String {
        let path = format!("/element/{parent}/element");
        let found = self.call("POST", &path, Some(json!({"using": "css selector", "value": css}))).await;
        found[ELEMENT].as_str().unwrap_or_else(|| panic!("{css}: {found}")).to_string()
    }

    async fn click(&self, element: &str) {
        self.call("POST", &format!("/element/{element}/click"), None).await;
    }

    async fn displayed(&self, element: &str) -> bool {
        self.call("GET", &format!("/element/{element}/displayed"), None).await.as_bool().unwrap()
    }

    /// Reads the DOM (no interaction: the interactions above are WebDriver's).
    async fn read(&self, script: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({"script": script, "args": []}))).await
    }

    /// The ids of the operations shown, top to bottom.
    async fn shown(&self) -> Vec<String> {
        let ids = self
            .read("return Array.from(document.querySelectorAll('#operations tbody.op')).filter(b => b.offsetParent !== null).map(b => b.dataset.id)")
            .await;
        ids.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
    }
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.is_file())
}

/// Writes the HTML coverage page of `schemas` and `traffic` into `dir`; returns its path.
fn page(dir: &Path, schemas: &str, traffic: &[&str]) -> PathBuf {
    let page = dir.join("coverage.html");
    let o = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["coverage", "--schemas", schemas, "--output"])
        .arg(&page)
        .args(traffic)
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    page
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_report_builds_an_operations_units_when_it_is_opened() {
    // Twilio's description: 197 operations, over 7,000 units (more than the page lists inline).
    let dir = tempfile::tempdir().unwrap();
    let schemas = "tests/fixtures/real-world/twilio/openapi.json";
    let traffic = "tests/fixtures/real-world/twilio/valid.ndjson";
    // One run: its JSON report, then the page rendered from it (`--from`).
    let json = dir.path().join("coverage.json");
    let o = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["coverage", "--schemas", schemas, traffic, "--output"])
        .arg(&json)
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = dir.path().join("coverage.html");
    let o = Command::new(env!("CARGO_BIN_EXE_accord"))
        .arg("coverage")
        .arg("--from")
        .arg(&json)
        .arg("--output")
        .arg(&page)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("id=\"units-data\""), "the units travel as data");
    assert!(!html.contains("class=\"unit\""), "no unit row is written up front");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let op = report["operations"].as_array().unwrap().iter().find(|o| o["state"] == "covered").unwrap().clone();
    let id = op["id"].as_str().unwrap();
    let Some(driver) = Driver::start(&dir.path().join("profile")).await else {
        assert!(std::env::var_os("ACCORD_REQUIRE_TOOLS").is_none(), "chromium and chromedriver are required here");
        eprintln!("SKIPPED the browser test: chromium or chromedriver not found; `.ci/run` installs them");
        return;
    };
    driver.call("POST", "/url", Some(json!({"url": format!("file://{}", page.display())}))).await;
    assert_eq!(driver.shown().await.len(), report["operations"].as_array().unwrap().len());
    let body = driver.find(&format!("#operations tbody.op[data-id='{id}']")).await;
    let head = driver.find_in(&body, "tr.head").await;
    driver.click(&head).await;
    let rows = driver
        .read(&format!(
            "return Array.from(document.querySelectorAll(\"tbody.op[data-id='{id}'] tr.unit\")).map(r => [r.cells[0].textContent, r.cells[1].textContent, r.dataset.state, r.cells[5].textContent])"
        ))
        .await;
    let rows = rows.as_array().unwrap();
    let units = op["units"].as_array().unwrap();
    assert_eq!(rows.len(), units.len());
    for (row, unit) in rows.iter().zip(units) {
        assert_eq!(row[0], unit["kind"]);
        assert_eq!(row[1], unit["label"]);
        assert_eq!(row[2], unit["state"]);
        let place = format!("{}:{}", unit["file"].as_str().unwrap(), unit["line"]);
        assert_eq!(row[3], place.as_str());
    }
    // A second open adds nothing; the rows are built once.
    driver.click(&head).await;
    driver.click(&head).await;
    let again =
        driver.read(&format!("return document.querySelectorAll(\"tbody.op[data-id='{id}'] tr.unit\").length")).await;
    assert_eq!(again, units.len());
    driver.call("DELETE", "", None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_works_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let page = page(
        dir.path(),
        "tests/fixtures/real-world/museum/openapi.yaml",
        &["tests/fixtures/real-world/museum/valid.ndjson", "tests/fixtures/real-world/museum/violations.ndjson"],
    );
    let html = std::fs::read_to_string(&page).unwrap();
    for fetch in ["src=\"http", "href=\"http", "@import", "url(http", "fetch(", "XMLHttpRequest"] {
        assert!(!html.contains(fetch), "the page fetches nothing: found {fetch}");
    }
    let Some(driver) = Driver::start(&dir.path().join("profile")).await else {
        assert!(std::env::var_os("ACCORD_REQUIRE_TOOLS").is_none(), "chromium and chromedriver are required here");
        eprintln!("SKIPPED the browser test: chromium or chromedriver not found; `.ci/run` installs them");
        return;
    };
    let url = format!("file://{}", page.display());
    driver.call("POST", "/url", Some(json!({"url": url}))).await;

    // The tables, read from the DOM.
    let title = driver.read("return document.title").await;
    assert_eq!(title, "Contract coverage: tests/fixtures/real-world/museum");
    let kinds = driver.read("return Array.from(document.querySelectorAll('#kinds tbody tr')).map(r => Array.from(r.cells).map(c => c.textContent))").await;
    assert_eq!(kinds[0], json!(["operation", "8", "7", "0", "1", "87.5%"]));
    let all = driver.shown().await;
    assert_eq!(all.len(), 9, "{all:?}");
    assert_eq!(driver.read("return document.getElementById('shown').textContent").await, "9");
    let missing = driver.read("return document.querySelectorAll('#undocumented tbody tr').length").await;
    assert_eq!(missing, 1);

    // Typing into the filter keeps the matching operations only.
    let filter = driver.find("#filter").await;
    driver.call("POST", &format!("/element/{filter}/value"), Some(json!({"text": "special-events"}))).await;
    let filtered = driver.shown().await;
    assert_eq!(
        filtered,
        ["createSpecialEvent", "deleteSpecialEvent", "getSpecialEvent", "listSpecialEvents", "updateSpecialEvent"]
    );
    assert_eq!(driver.read("return document.getElementById('shown').textContent").await, "5");
    driver.call("POST", &format!("/element/{filter}/clear"), None).await;
    assert_eq!(driver.shown().await.len(), 9);

    // Choosing a state keeps the operations in it.
    let select = driver.find("#state").await;
    driver.click(&select).await;
    let option = driver.find("#state option[value='not-covered']").await;
    driver.click(&option).await;
    assert_eq!(driver.shown().await, ["getTicketCode", "publishNewEvent"]);
    let every = driver.find("#state option[value='']").await;
    driver.click(&every).await;
    assert_eq!(driver.shown().await.len(), 9);

    // Clicking a heading sorts by it; again, the other way.
    let heading = driver.find("#operations th[data-key='percent']").await;
    driver.click(&heading).await;
    let ascending = driver.shown().await;
    assert_eq!(&ascending[..2], ["getTicketCode", "publishNewEvent"].map(String::from), "{ascending:?}");
    driver.click(&heading).await;
    let descending = driver.shown().await;
    assert_eq!(descending.first().map(String::as_str), Some("createSpecialEvent"), "{descending:?}");

    // Clicking an operation's row opens its units; clicking again closes them.
    let body = driver.find("#operations tbody.op[data-id='listSpecialEvents']").await;
    let head = driver.find_in(&body, "tr.head").await;
    let units = driver.find_in(&body, "tr.units").await;
    assert!(!driver.displayed(&units).await, "units start closed");
    driver.click(&head).await;
    assert!(driver.displayed(&units).await, "a click opens them");
    let rows = driver
        .read("return Array.from(document.querySelectorAll(\"tbody.op[data-id='listSpecialEvents'] tr.unit\")).map(r => [r.cells[0].textContent, r.cells[1].textContent, r.cells[2].textContent.split(' (')[0]])")
        .await;
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 22);
    assert!(rows.contains(&json!(["parameter", "query page", "invalid only"])), "{rows:?}");
    assert!(rows.contains(&json!(["parameter", "query limit", "not covered"])), "{rows:?}");

    // A screenshot for the CI artifacts.
    let png = driver.call("GET", "/screenshot", None).await;
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD.decode(png.as_str().unwrap()).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
    let artifacts = repo().join("target/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    std::fs::write(artifacts.join("coverage-html.png"), bytes).unwrap();
    driver.click(&head).await;
    assert!(!driver.displayed(&units).await, "a second click closes them");
    driver.call("DELETE", "", None).await;
}
