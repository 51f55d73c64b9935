// The script of every station page (booth, desk, scrutineer), a file so that the
// pages pass the strict Content-Security-Policy: no inline script or handler. What
// it needs from the page is in data-* attributes. Each part acts only where its
// elements are on the page.
(function () {
  "use strict";

  // The idle timer (<body data-idle-ms>): it restarts on every touch, key or scan;
  // when it runs out the station forgets the visit (a script, not a meta refresh,
  // so that it waits while someone is still at the page).
  var idle = Number(document.body.dataset.idleMs);
  if (idle > 0) {
    var timer;
    var go = function () { location.href = "/timeout"; };
    var reset = function () { clearTimeout(timer); timer = setTimeout(go, idle); };
    ["keydown", "pointerdown", "input"].forEach(function (e) { addEventListener(e, reset, true); });
    reset();
  }

  // The booth's display switches (<form data-mode>): the booth remembers the
  // switch for the visit; here it is applied in place, so that marks not yet sent
  // stay on the page. Without the script the form reloads the page.
  document.querySelectorAll("form[data-mode]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      fetch(f.action, { method: "POST", credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { f.submit(); return; }
        var on = document.documentElement.classList.toggle(f.dataset.mode);
        f.querySelector("button").setAttribute("aria-pressed", on ? "true" : "false");
      }, function () { f.submit(); });
    });
  });

  // Print buttons (<button data-action="print">).
  document.querySelectorAll("[data-action=print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });

  // A page that prints itself once loaded (<body data-autoprint>): a credential.
  if (document.body.hasAttribute("data-autoprint")) {
    addEventListener("load", function () { window.print(); });
  }

  // The for-vote counter of an election page (<p id="counter" data-seats data-over>):
  // a for-vote past the seats is taken back at once, with the reason.
  var counter = document.getElementById("counter");
  if (counter) {
    var seats = Number(counter.dataset.seats);
    var live = document.getElementById("live"), fors = document.getElementById("fors");
    document.querySelectorAll("input[type=radio]").forEach(function (r) {
      r.addEventListener("change", function () {
        var n = document.querySelectorAll("input[data-for]:checked").length;
        if (r.dataset.for && r.checked && n > seats) {
          r.checked = false; n -= 1;
          live.textContent = counter.dataset.over; live.hidden = false;
        } else { live.hidden = true; }
        fors.textContent = n;
      });
    });
  }

  // The camera button (<button id="camera" data-field>): reads a QR code with the
  // browser's BarcodeDetector, or with the vendored jsQR where there is none, puts
  // the text in the form's field and submits the form, as a scanner would. It stays
  // hidden where there is no camera.
  var camera = document.getElementById("camera");
  if (camera && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    var field = document.getElementById(camera.dataset.field);
    camera.hidden = false;
    var load = function (cb) {
      if (window.jsQR) return cb();
      var s = document.createElement("script"); s.src = "/assets/jsQR.js"; s.onload = cb; document.head.appendChild(s);
    };
    camera.addEventListener("click", async function () {
      var v = document.getElementById("preview"); v.hidden = false;
      var stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      v.srcObject = stream; await v.play();
      var detector = ("BarcodeDetector" in window) ? new BarcodeDetector({ formats: ["qr_code"] }) : null;
      var canvas = document.createElement("canvas"), ctx = canvas.getContext("2d");
      var found = function (text) {
        stream.getTracks().forEach(function (t) { t.stop(); }); v.hidden = true; field.value = text; field.form.submit();
      };
      var tick = async function () {
        if (detector) { var c = await detector.detect(v); if (c.length) return found(c[0].rawValue); }
        else if (window.jsQR && v.videoWidth) {
          canvas.width = v.videoWidth; canvas.height = v.videoHeight; ctx.drawImage(v, 0, 0);
          var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
          var r = jsQR(img.data, img.width, img.height); if (r) return found(r.data);
        }
        setTimeout(tick, 250);
      };
      if (detector) tick(); else load(tick);
    });
  }
})();
