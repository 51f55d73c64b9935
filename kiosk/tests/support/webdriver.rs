//! A small W3C WebDriver client for the browser tests: Debian's chromedriver and
//! chromium, headless. The tests fail (they do not skip) when either is missing:
//! `.ci/run` installs them.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hallvote_kiosk::link::Link;
use http::Method;
use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// The WebDriver key code of Enter, which a USB scanner sends after the text.
pub const ENTER: &str = "\u{E007}";

/// The workspace's `target/` folder: beside the workspace's `Cargo.lock`, found from
/// the package being tested, as this file is shared by the kiosk's tests and the
/// root package's (`tests/demo_walk.rs`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        let package = Path::new(env!("CARGO_MANIFEST_DIR"));
        package.ancestors().find(|d| d.join("Cargo.lock").is_file()).unwrap_or(package).join("target")
    })
}

/// A headless Chromium driven through chromedriver.
pub struct Browser {
    driver: Child,
    /// chromedriver's port.
    port: u16,
    link: Link,
    session: String,
}

impl Drop for Browser {
    /// Ends the session first, so that chromedriver quits Chromium (killing the driver
    /// alone leaves the browser running), then stops the driver. Blocking: a drop
    /// cannot wait on the async client.
    fn drop(&mut self) {
        use std::io::{Read, Write};
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
            let request = format!(
                "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                self.session, self.port
            );
            let _ = s.write_all(request.as_bytes());
            let _ = s.read_to_end(&mut Vec::new());
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless Chromium window.
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is needed for the browser tests (scripts/test installs it: Debian chromium chromium-driver)");
        let link = Link::new(&format!("http://127.0.0.1:{port}"), None).unwrap();
        let mut ready = false;
        for _ in 0..100 {
            if let Ok(a) = link.call(Method::GET, "/status", None).await
                && a.json["value"]["ready"] == true
            {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(ready, "chromedriver did not start");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            // The browser's console, where Chromium reports every CSP violation.
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,1600", "--lang=zh-CN", "--force-device-scale-factor=1"]
            }
        }}});
        let a = link.call(Method::POST, "/session", Some(&caps)).await.unwrap();
        assert!(a.status.is_success(), "new session: {}", a.json);
        let session = a.json["value"]["sessionId"].as_str().unwrap().to_owned();
        Self { driver, port, link, session }
    }

    async fn cmd(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let a = self.link.call(method, &format!("/session/{}{path}", self.session), body.as_ref()).await.unwrap();
        assert!(a.status.is_success(), "{path}: {} {}", a.status, a.json);
        a.json["value"].clone()
    }

    /// Loads `url` and waits for it.
    pub async fn goto(&self, url: &str) {
        self.cmd(Method::POST, "/url", Some(json!({ "url": url }))).await;
    }

    /// The current address.
    pub async fn url(&self) -> String {
        self.cmd(Method::GET, "/url", None).await.as_str().unwrap().to_owned()
    }

    /// Waits (up to 20 s) until the address ends with `suffix`, as after a click
    /// that posts a form; fails the test with the page if it never does.
    pub async fn wait_for(&self, suffix: &str) {
        for _ in 0..200 {
            if self.url().await.ends_with(suffix) && self.execute("return document.readyState").await == "complete" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("never reached …{suffix}: at {} with {}", self.url().await, self.source().await);
    }

    /// Waits (up to 20 s) for an element matching `css`.
    pub async fn wait_element(&self, css: &str) {
        for _ in 0..200 {
            if self.try_find(css).await.is_some() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no {css} appeared: at {} with {}", self.url().await, self.source().await);
    }

    /// The first element matching `css`, if any.
    pub async fn try_find(&self, css: &str) -> Option<String> {
        let a = self
            .link
            .call(
                Method::POST,
                &format!("/session/{}/element", self.session),
                Some(&json!({"using": "css selector", "value": css})),
            )
            .await
            .unwrap();
        a.status.is_success().then(|| a.json["value"][ELEMENT].as_str().unwrap().to_owned())
    }

    /// The first element matching `css`; fails the test if there is none.
    pub async fn find(&self, css: &str) -> String {
        match self.try_find(css).await {
            Some(e) => e,
            None => panic!("no element {css} on {}", self.url().await),
        }
    }

    /// Types `text` into the element, as a keyboard or a scanner does.
    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.cmd(Method::POST, &format!("/element/{el}/value"), Some(json!({ "text": text }))).await;
    }

    /// Clicks the element.
    pub async fn click(&self, css: &str) {
        // Brought to the middle of the window first, as a person looks at what they
        // press: WebDriver's own scrolling puts it at the window's top edge, under a
        // page's sticky bar (the scrutineer station's answer), which a person never is.
        // Scrolled before the element is found, so that the reference clicked is as
        // fresh as it was before (a page that rebuilds a list makes an old one stale).
        let centre = format!(
            "const e = document.querySelector({}); if (e) e.scrollIntoView({{block: 'center'}}); return true;",
            Value::from(css)
        );
        self.execute(&centre).await;
        let el = self.find(css).await;
        self.cmd(Method::POST, &format!("/element/{el}/click"), Some(json!({}))).await;
    }

    /// The element's visible text.
    pub async fn text(&self, css: &str) -> String {
        let el = self.find(css).await;
        self.cmd(Method::GET, &format!("/element/{el}/text"), None).await.as_str().unwrap().to_owned()
    }

    /// Whether the element is selected (a radio button).
    pub async fn selected(&self, css: &str) -> bool {
        let el = self.find(css).await;
        self.cmd(Method::GET, &format!("/element/{el}/selected"), None).await == true
    }

    /// Whether the element is shown.
    pub async fn displayed(&self, css: &str) -> bool {
        let el = self.find(css).await;
        self.cmd(Method::GET, &format!("/element/{el}/displayed"), None).await == true
    }

    /// Sizes the window so that the page's viewport is `width` × `height` CSS
    /// pixels (a projector's screen), and returns the viewport it got.
    pub async fn set_viewport(&self, width: u32, height: u32) -> (u64, u64) {
        let want = (u64::from(width), u64::from(height));
        // The page learns its new size a moment after the window has it.
        let settled = || async {
            let mut last = (0, 0);
            for _ in 0..20 {
                let v = self.execute("return [window.innerWidth, window.innerHeight]").await;
                let now = (v[0].as_u64().unwrap(), v[1].as_u64().unwrap());
                if now == want || now == last {
                    return now;
                }
                last = now;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            last
        };
        let (mut w, mut h) = want;
        let mut got = (0, 0);
        for _ in 0..3 {
            self.cmd(Method::POST, "/window/rect", Some(json!({"width": w, "height": h}))).await;
            got = settled().await;
            if got == want {
                break;
            }
            // The window's own frame, if it has one, comes off the viewport.
            w = (w + want.0).saturating_sub(got.0);
            h = (h + want.1).saturating_sub(got.1);
        }
        got
    }

    /// The page's HTML.
    pub async fn source(&self) -> String {
        self.cmd(Method::GET, "/source", None).await.as_str().unwrap().to_owned()
    }

    /// Runs `script` in the page and returns its value.
    pub async fn execute(&self, script: &str) -> Value {
        self.cmd(Method::POST, "/execute/sync", Some(json!({"script": script, "args": []}))).await
    }

    /// Forgets every cookie of the current page's site (a log-in, a language chosen).
    pub async fn delete_cookies(&self) {
        self.cmd(Method::DELETE, "/cookie", None).await;
    }

    /// The browser console's messages since the last call (chromedriver's log).
    pub async fn console_log(&self) -> Vec<Value> {
        let v = self.cmd(Method::POST, "/se/log", Some(json!({"type": "browser"}))).await;
        v.as_array().cloned().unwrap_or_default()
    }

    /// The Content-Security-Policy violations the browser reported since the last
    /// call (of this or [`Self::console_log`]): a refused inline script, style or
    /// handler, `eval`, or a load from elsewhere.
    pub async fn csp_violations(&self) -> Vec<String> {
        self.console_log()
            .await
            .into_iter()
            .filter_map(|e| e["message"].as_str().map(str::to_owned))
            .filter(|m| m.contains("Content Security Policy") || m.contains("Content-Security-Policy"))
            .collect()
    }

    /// Fails the test if the browser reported a CSP violation since the last look:
    /// `page` names the page in the message.
    pub async fn assert_no_csp_violation(&self, page: &str) {
        let v = self.csp_violations().await;
        assert!(v.is_empty(), "{page}: the browser refused what the page asked for under its CSP: {v:#?}");
    }

    /// Runs `script` in the page as an async function: it ends by calling its last
    /// argument with the value to return.
    pub async fn execute_async(&self, script: &str) -> Value {
        self.cmd(Method::POST, "/execute/async", Some(json!({"script": script, "args": []}))).await
    }

    /// Saves a PNG screenshot of the window under `target/browser-screenshots/` and
    /// returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = STANDARD.decode(self.cmd(Method::GET, "/screenshot", None).await.as_str().unwrap()).unwrap();
        let dir = target_dir().join("browser-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Makes `window.print()` do nothing on every page loaded from now on: a page that
    /// prints itself (a credential) would otherwise hold the headless browser's one
    /// print job, and [`Self::print_to_pdf`] could not print it.
    pub async fn without_print_dialog(&self) {
        let params = json!({"cmd": "Page.addScriptToEvaluateOnNewDocument",
            "params": {"source": "window.print = function () {};"}});
        self.cmd(Method::POST, "/goog/cdp/execute", Some(params)).await;
    }

    /// The page printed to PDF by Chromium itself (DevTools `Page.printToPDF`), with
    /// the page size and margins the page's CSS asks for (`@page`), as a print
    /// dialog would use them; backgrounds printed.
    pub async fn print_to_pdf(&self) -> Vec<u8> {
        let params = json!({"cmd": "Page.printToPDF", "params": {"preferCSSPageSize": true, "printBackground": true}});
        let v = self.cmd(Method::POST, "/goog/cdp/execute", Some(params)).await;
        STANDARD.decode(v["data"].as_str().unwrap()).unwrap()
    }

    /// The page passes axe-core (no serious or critical violation), and the browser
    /// refused nothing on it under the strict CSP (issue 14). `page` names it in the
    /// failure. What axe itself logged is then read away: it is not the page's.
    pub async fn assert_accessible(&self, page: &str) {
        self.assert_no_csp_violation(page).await;
        let v = self.accessibility_violations().await;
        assert!(v.is_empty(), "{page}: serious or critical accessibility violations: {}", Value::Array(v));
        self.console_log().await;
    }

    /// The text of the first element matching `css`, read in the page ('' if none):
    /// not through an element reference, as the pages rebuild their lists.
    pub async fn text_of(&self, css: &str) -> String {
        let script = format!("const e = document.querySelector({}); return e ? e.textContent : '';", Value::from(css));
        self.execute(&script).await.as_str().unwrap_or_default().to_owned()
    }

    /// Waits (up to 20 s) until the element's text contains `want` (any text, if `want`
    /// is empty).
    pub async fn wait_text(&self, css: &str, want: &str) {
        for _ in 0..200 {
            let text = self.text_of(css).await;
            if (want.is_empty() && !text.trim().is_empty()) || (!want.is_empty() && text.contains(want)) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{css} never showed {want:?}: {}", self.source().await);
    }

    /// Waits (up to 20 s) until the script `probe` (an expression) is true in the page.
    pub async fn wait_until(&self, probe: &str, what: &str) {
        for _ in 0..200 {
            if self.execute(&format!("return !!({probe});")).await == true {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{what}: never {probe}: {}", self.source().await);
    }

    /// Runs axe-core on the page and returns its serious and critical violations.
    pub async fn accessibility_violations(&self) -> Vec<Value> {
        let axe = std::env::var_os("HALLVOTE_AXE")
            .map_or_else(|| target_dir().join("browser-tools/node_modules/axe-core/axe.min.js"), PathBuf::from);
        let source = std::fs::read_to_string(&axe).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (scripts/test fetches it: npm install --prefix target/browser-tools axe-core@4)",
                axe.display()
            )
        });
        self.execute(&format!("{source}\n;return true;")).await;
        let script = "var done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']}).then(function (r) {
              done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
                .map(function (v) { return {id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.map(function (n) { return n.html; })}; }));
            }).catch(function (e) { done([{id: 'axe-error', help: String(e)}]); });";
        let v = self.cmd(Method::POST, "/execute/async", Some(json!({"script": script, "args": []}))).await;
        v.as_array().unwrap().clone()
    }
}

/// The texts of every QR code `zbarimg` finds in an image.
pub fn decode_qr(image: &Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .args(["--raw", "-q", "-Sdisable", "-Sqrcode.enable"])
        .arg(image)
        .output()
        .expect("zbarimg is needed for the browser tests (Debian: apt-get install zbar-tools)");
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).filter(|l| !l.is_empty()).collect()
}
