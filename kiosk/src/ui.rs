//! What every station page shares: the layout, the style sheet (large type, large
//! targets, high contrast, a visible focus ring), the language switch, HTML escaping
//! and the check that a form was posted by the station's own page.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 简体中文 (the default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Picks the text in this language.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Zh => zh,
            Self::En => en,
        }
    }

    /// The `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Self::Zh => "zh-CN",
            Self::En => "en",
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The style sheet of every station page. Colours pass WCAG AA at these sizes
/// (dark text on white ≥ 12:1; white on the blue and red buttons ≥ 7:1).
pub const CSS: &str = r#"
*{box-sizing:border-box}
html{font-size:24px}
body{margin:0;font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;color:#111;background:#fff;line-height:1.5}
header{display:flex;justify-content:space-between;align-items:center;background:#0b3d91;color:#fff;padding:.5rem 1rem}
header .station{font-size:1.1rem;font-weight:bold}
header a{color:#fff;font-size:1rem;padding:.4rem .8rem;border:2px solid #fff;border-radius:.4rem;text-decoration:none}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.8rem;margin:.5rem 0 1rem}
h2{font-size:1.4rem;margin:1rem 0 .5rem}
p{margin:.5rem 0}
.hint{color:#333}
.error{border:4px solid #b00020;background:#fff0f0;color:#7a0015;padding:.8rem 1rem;border-radius:.5rem;font-weight:bold}
.ok{border:4px solid #1b5e20;background:#f0fff0;color:#0d3b12;padding:.8rem 1rem;border-radius:.5rem}
button,.button{display:inline-block;font:inherit;font-size:1.2rem;min-height:3.2rem;min-width:10rem;padding:.6rem 1.4rem;margin:.4rem .4rem .4rem 0;border-radius:.6rem;border:3px solid #0b3d91;background:#0b3d91;color:#fff;cursor:pointer;text-decoration:none;text-align:center}
button.secondary,.button.secondary{background:#fff;color:#0b3d91}
button.danger{background:#a4001d;border-color:#a4001d}
button:focus,a:focus,input:focus,label:focus-within{outline:5px solid #ffb000;outline-offset:3px}
input[type=text],input[type=password]{font:inherit;font-size:1.2rem;width:100%;padding:.6rem;border:3px solid #333;border-radius:.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:2px solid #555;padding:.4rem .6rem;text-align:left}
th{background:#e8eef8}
fieldset{border:2px solid #555;border-radius:.5rem;margin:.6rem 0;padding:.4rem .8rem}
legend{font-size:1.3rem;font-weight:bold;padding:0 .4rem}
.choices{display:flex;flex-wrap:wrap;gap:.4rem}
.choices label{display:flex;align-items:center;gap:.4rem;min-height:3rem;padding:.3rem .9rem;border:2px solid #555;border-radius:.5rem;cursor:pointer;font-size:1.15rem}
.choices input{width:1.6rem;height:1.6rem}
.choices label:has(input:checked){background:#0b3d91;color:#fff;border-color:#0b3d91}
.tracking{font-family:"DejaVu Sans Mono",monospace;font-size:2.2rem;font-weight:bold;letter-spacing:.1rem;background:#f4f4f4;border:3px dashed #333;padding:.6rem 1rem;display:inline-block}
.counter{font-size:1.3rem;font-weight:bold}
.qr svg{width:14rem;height:14rem}
.receipt{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;align-items:baseline;font-size:1.2rem}
.receipt dt{font-weight:bold}.receipt dd{margin:0}
.fingerprint{font-family:"DejaVu Sans Mono",monospace;font-size:1.8rem;font-weight:bold;letter-spacing:.1rem}
.receipt-text{font-family:"DejaVu Sans Mono",monospace;font-size:.8rem;overflow-wrap:anywhere;color:#333}
@media print{header,form,.noprint{display:none}}
"#;

/// A whole page: `title` in the header and `<title>`, `body` inside `<main>`.
/// `refresh` sends the page to `/timeout` after that many seconds without a touch,
/// key press or scan.
pub fn page(lang: Lang, station: &str, title: &str, body: &str, refresh: Option<u64>) -> Html<String> {
    let other = match lang {
        Lang::Zh => ("/lang/en", "English", "en"),
        Lang::En => ("/lang/zh", "中文", "zh-CN"),
    };
    // The idle timer restarts on every touch, key or scan; when it runs out the
    // station forgets the visit (a script, not a meta refresh, so that it waits
    // while someone is still at the page).
    let idle = refresh.map_or_else(String::new, |s| {
        format!(
            r#"<script>(function(){{var t,go=function(){{location.href='/timeout'}},reset=function(){{clearTimeout(t);t=setTimeout(go,{ms})}};['keydown','pointerdown','input'].forEach(function(e){{addEventListener(e,reset,true)}});reset()}})();</script>"#,
            ms = s * 1000
        )
    });
    Html(format!(
        r#"<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title} — {station}</title><style>{CSS}</style></head>
<body><header><span class="station">{station}</span><a href="{href}" lang="{olang}">{olabel}</a></header>
<main id="main">
<h1>{title}</h1>
{body}
</main>{idle}</body></html>"#,
        lang = lang.code(),
        title = escape(title),
        station = escape(station),
        href = other.0,
        olabel = other.1,
        olang = other.2,
    ))
}

/// Refuses a POST that another site's page sent to the station (the browser names
/// the page's origin; a station's own pages are same-origin).
pub fn refuse_cross_site(headers: &HeaderMap) -> Option<Response> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok()) {
        let ok = origin.strip_prefix("http://").is_some_and(|o| o == host);
        if !ok {
            return Some((StatusCode::FORBIDDEN, "cross-site request refused / 拒绝跨站请求").into_response());
        }
    }
    if headers.get("sec-fetch-site").and_then(|h| h.to_str().ok()).is_some_and(|s| s == "cross-site") {
        return Some((StatusCode::FORBIDDEN, "cross-site request refused / 拒绝跨站请求").into_response());
    }
    None
}

/// jsQR 1.4.0 (npm `jsqr`, Apache-2.0; kiosk/assets/vendor/README.md): decodes QR
/// codes from camera frames where the browser has no `BarcodeDetector`.
pub const JSQR: &str = include_str!("../assets/vendor/jsqr-1.4.0/jsQR.js");

/// `GET /assets/jsQR.js`.
pub async fn jsqr() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "max-age=86400")], JSQR)
        .into_response()
}

/// A camera button for the form whose text field is `input`: it reads a QR code
/// with the browser's `BarcodeDetector`, or with the vendored jsQR where there is
/// none, puts the text in the field and submits the form, as a scanner would.
/// The button stays hidden where there is no camera.
pub fn camera(lang: Lang, input: &str) -> String {
    format!(
        r#"<p><button type="button" class="secondary" id="camera" hidden>{label}</button></p>
<video id="preview" hidden playsinline muted style="max-width:100%"></video>
<script>
(function(){{
  var field=document.getElementById('{input}');
  if(!navigator.mediaDevices||!navigator.mediaDevices.getUserMedia)return;
  var b=document.getElementById('camera');b.hidden=false;
  function load(cb){{if(window.jsQR)return cb();var s=document.createElement('script');s.src='/assets/jsQR.js';s.onload=cb;document.head.appendChild(s);}}
  b.onclick=async function(){{
    var v=document.getElementById('preview');v.hidden=false;
    var stream=await navigator.mediaDevices.getUserMedia({{video:{{facingMode:'environment'}}}});
    v.srcObject=stream;await v.play();
    var detector=('BarcodeDetector' in window)?new BarcodeDetector({{formats:['qr_code']}}):null;
    var canvas=document.createElement('canvas'),ctx=canvas.getContext('2d');
    function found(text){{stream.getTracks().forEach(function(t){{t.stop()}});v.hidden=true;field.value=text;field.form.submit();}}
    async function tick(){{
      if(detector){{var c=await detector.detect(v);if(c.length)return found(c[0].rawValue);}}
      else if(window.jsQR&&v.videoWidth){{canvas.width=v.videoWidth;canvas.height=v.videoHeight;ctx.drawImage(v,0,0);
        var img=ctx.getImageData(0,0,canvas.width,canvas.height);var r=jsQR(img.data,img.width,img.height);if(r)return found(r.data);}}
      setTimeout(tick,250);
    }}
    if(detector)tick();else load(tick);
  }};
}})();
</script>"#,
        label = lang.t("用摄像头扫描", "Scan with the camera"),
    )
}

/// An SVG QR code of `text` (for receipts and credentials), or nothing if it cannot be made.
pub fn qr_svg(text: &str, label: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => {
            let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(240, 240).quiet_zone(true).build();
            let svg = svg.strip_prefix(r#"<?xml version="1.0" standalone="yes"?>"#).unwrap_or(&svg);
            svg.replacen("<svg ", &format!(r#"<svg role="img" aria-label="{}" "#, escape(label)), 1)
        }
        Err(_) => String::new(),
    }
}
