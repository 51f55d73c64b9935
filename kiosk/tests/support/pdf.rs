//! Printed pages read back: poppler-utils' pdfinfo, pdftotext and pdftoppm on a PDF
//! that Chromium printed, and `zbarimg` on its pages.

use std::path::Path;
use std::process::Command;

use super::webdriver::decode_qr;

/// Runs a poppler tool; fails the test, naming the package, when it is missing.
pub fn poppler(tool: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e} (Debian: apt-get install poppler-utils; scripts/test does)"));
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Each page's size in points, as pdfinfo reports it.
pub fn page_sizes(pdf: &Path) -> Vec<(f64, f64)> {
    let info = poppler("pdfinfo", &["-f".as_ref(), "1".as_ref(), "-l".as_ref(), "99".as_ref(), pdf.as_os_str()]);
    info.lines()
        .filter(|l| l.starts_with("Page ") && l.contains(" size: "))
        .map(|l| {
            let size = l.split(" size: ").nth(1).unwrap();
            let mut wh = size.split(' ').filter_map(|w| w.parse::<f64>().ok());
            (wh.next().unwrap(), wh.next().unwrap())
        })
        .collect()
}

/// Page `n`'s text (from 1), whitespace dropped.
pub fn page_text(pdf: &Path, n: usize) -> String {
    let n = n.to_string();
    // `-layout`: in its default reading order pdftotext joins a line that ends in "-"
    // to the next and drops the dash, as if it were a hyphenated word; a credential's
    // text has dashes of its own (base64url), one of which may end a line.
    let args =
        ["-layout".as_ref(), "-f".as_ref(), n.as_ref(), "-l".as_ref(), n.as_ref(), pdf.as_os_str(), "-".as_ref()];
    let text = poppler("pdftotext", &args);
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The QR codes on page `n` (from 1), rendered at 300 dpi.
pub fn page_codes(pdf: &Path, n: usize) -> Vec<String> {
    let prefix = pdf.with_extension(format!("page{n}"));
    let n = n.to_string();
    let args = ["-f", &n, "-l", &n, "-r", "300", "-png", "-singlefile"];
    let mut args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    args.extend([pdf.as_os_str(), prefix.as_os_str()]);
    poppler("pdftoppm", &args);
    decode_qr(&prefix.with_extension(format!("page{n}.png")))
}
