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
  // a for-vote past the seats is taken back at once, with the reason. Where the
  // election takes write-ins (另选他人, R9), the names written in count with the
  // for-votes (R10), and a write-in past the seats is not taken either.
  var counter = document.getElementById("counter");
  var writeIns = Array.prototype.slice.call(document.querySelectorAll("input[data-write-in]"));
  // The names written in rows marked against (a row whose against mark was just
  // taken back is about to lose its name, and counts no more).
  var written = function () {
    return writeIns.filter(function (w) {
      return w.value.trim() !== "" && !!document.querySelector("input[name=i" + w.dataset.writeIn + "][data-against]:checked");
    }).length;
  };
  var live = document.getElementById("live"), fors = document.getElementById("fors");
  var say = function (text) { if (live) { live.textContent = text; live.hidden = false; } };
  var recount = function () {
    var n = document.querySelectorAll("input[data-for]:checked").length + written();
    if (fors) fors.textContent = n;
    return n;
  };
  var seats = counter ? Number(counter.dataset.seats) : Infinity;
  if (counter) {
    document.querySelectorAll("input[type=radio]").forEach(function (r) {
      r.addEventListener("change", function () {
        if (r.dataset.for && r.checked && recount() > seats) {
          r.checked = false;
          say(counter.dataset.over);
        } else if (live) { live.hidden = true; }
        recount();
      });
    });
  }

  // The write-in field of each row (<div class="write-in" data-row>): shown while
  // the row is marked against; un-marking against clears the name, saying so. As
  // the delegate types, the eligible list (<script id="eligible">, in stroke order)
  // is searched by characters or by pinyin initials ("zs" finds 张三, every reading
  // of a character counted) and the persons found are buttons that fill the field.
  var listBlock = document.getElementById("eligible");
  if (listBlock && writeIns.length) {
    var people = JSON.parse(listBlock.textContent) || [];
    var status = document.getElementById("write-in-status");
    var tell = function (template, name) { status.textContent = template.replace("{name}", name); };
    var matches = function (p, q) {
      q = q.trim();
      if (!q) return false;
      if (/^[A-Za-z]+$/.test(q)) {
        q = q.toLowerCase();
        var byInitials = q.length <= p.initials.length && q.split("").every(function (c, i) {
          return p.initials[i].indexOf(c) >= 0;
        });
        return byInitials || p.name.toLowerCase().indexOf(q) >= 0;
      }
      return p.name.indexOf(q) >= 0;
    };
    var MOST = 8, zh = document.documentElement.lang.indexOf("zh") === 0;
    writeIns.forEach(function (field) {
      var row = field.dataset.writeIn;
      var box = document.getElementById("wi-" + row), found = document.getElementById("wm-" + row);
      var show = function () {
        var hits = people.filter(function (p) { return matches(p, field.value); });
        found.replaceChildren();
        if (!field.value.trim() || (hits.length === 1 && hits[0].name === field.value.trim())) {
          found.hidden = true; return;
        }
        if (!hits.length) { tell(listBlock.dataset.none, ""); found.hidden = true; return; }
        status.textContent = "";
        hits.slice(0, MOST).forEach(function (p) {
          var b = document.createElement("button");
          b.type = "button"; b.className = "secondary pick"; b.dataset.name = p.name;
          b.textContent = p.unit ? p.name + (zh ? "（" : " (") + p.unit + (zh ? "）" : ")") : p.name;
          b.addEventListener("click", function () {
            field.value = p.name;
            found.replaceChildren(); found.hidden = true;
            if (recount() > seats) { field.value = ""; recount(); say(counter.dataset.overWriteIn); return; }
            tell(listBlock.dataset.picked, p.name);
            field.focus();
          });
          var li = document.createElement("li"); li.appendChild(b); found.appendChild(li);
        });
        found.hidden = false;
      };
      field.addEventListener("input", function () {
        if (counter && recount() > seats) {
          field.value = ""; recount(); found.hidden = true;
          say(counter.dataset.overWriteIn);
          return;
        }
        if (live) live.hidden = true;
        show();
      });
      // Enter in the field while persons are listed picks the one found, or goes to
      // the list to choose, rather than sending the page with a search unfinished.
      field.addEventListener("keydown", function (e) {
        if (e.key !== "Enter" || found.hidden) return;
        var buttons = found.querySelectorAll("button");
        if (!buttons.length) return;
        e.preventDefault();
        if (buttons.length === 1) buttons[0].click(); else buttons[0].focus();
      });
      // The row's marks: the field is there only while the row is marked against.
      document.querySelectorAll("input[type=radio][name=i" + row + "]").forEach(function (r) {
        r.addEventListener("change", function () {
          var against = !!document.querySelector("input[name=i" + row + "][data-against]:checked");
          box.hidden = !against;
          if (!against && field.value.trim() !== "") {
            tell(listBlock.dataset.cleared, field.value.trim());
            field.value = ""; found.replaceChildren(); found.hidden = true;
          }
          recount();
        });
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
