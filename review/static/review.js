// Review pages: keyboard shortcuts, queue selection, image zoom / pan / window-level.
// No inline script anywhere (the Content-Security-Policy forbids it); this file is all there is.
(function () {
  "use strict";
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }
  function go(id) { var a = document.getElementById(id); if (a) window.location.href = a.href; }
  function submit(id) {
    var f = document.getElementById(id);
    if (!f) return;
    if (f.requestSubmit) f.requestSubmit(); else f.submit();
  }

  // --- image viewer: wheel or +/- to zoom, drag to pan, sliders for level (brightness) / window (contrast)
  function setupViewer(v) {
    var img = v.querySelector("img.xray");
    if (!img) return;
    var st = { z: 1, x: 0, y: 0, b: 100, c: 100, inv: false };
    function apply() {
      img.style.transform = "translate(" + st.x + "px," + st.y + "px) scale(" + st.z + ")";
      img.style.filter = "brightness(" + st.b + "%) contrast(" + st.c + "%)" + (st.inv ? " invert(1)" : "");
    }
    v.zoom = function (how) {
      if (how === "in") st.z = Math.min(st.z * 1.25, 16);
      else if (how === "out") st.z = Math.max(st.z / 1.25, 0.25);
      else { st.z = 1; st.x = 0; st.y = 0; st.b = 100; st.c = 100; st.inv = false;
        v.querySelectorAll("input[data-filter]").forEach(function (i) { if (i.type === "range") i.value = 100; else i.checked = false; }); }
      apply();
    };
    v.querySelectorAll("button[data-zoom]").forEach(function (b) {
      b.addEventListener("click", function () { v.zoom(b.getAttribute("data-zoom")); });
    });
    v.querySelectorAll("input[data-filter]").forEach(function (i) {
      i.addEventListener("input", function () {
        var kind = i.getAttribute("data-filter");
        if (kind === "brightness") st.b = +i.value; else if (kind === "contrast") st.c = +i.value; else st.inv = i.checked;
        apply();
      });
    });
    var stage = v.querySelector(".stage");
    stage.addEventListener("wheel", function (e) { e.preventDefault(); v.zoom(e.deltaY < 0 ? "in" : "out"); }, { passive: false });
    var drag = null;
    stage.addEventListener("mousedown", function (e) { drag = { x: e.clientX - st.x, y: e.clientY - st.y }; });
    window.addEventListener("mouseup", function () { drag = null; });
    window.addEventListener("mousemove", function (e) { if (drag) { st.x = e.clientX - drag.x; st.y = e.clientY - drag.y; apply(); } });
    stage.addEventListener("dblclick", function () { v.zoom("reset"); });
    apply();
  }
  function activeViewer() {
    var viewers = Array.prototype.slice.call(document.querySelectorAll("[data-viewer]"));
    for (var i = 0; i < viewers.length; i++) {
      var r = viewers[i].getBoundingClientRect();
      if (r.bottom > 0 && r.top < window.innerHeight) return viewers[i];
    }
    return viewers[0];
  }

  // --- queue: j/k select a row, Enter opens it
  function setupQueue() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.row"));
    var at = -1;
    function select(i) {
      if (!rows.length) return;
      if (at >= 0) rows[at].classList.remove("selected");
      at = Math.max(0, Math.min(rows.length - 1, i));
      rows[at].classList.add("selected");
      rows[at].scrollIntoView({ block: "nearest" });
    }
    rows.forEach(function (r, i) {
      r.addEventListener("click", function (e) { if (e.target.tagName !== "A") { window.location.href = r.getAttribute("data-href"); } });
    });
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      if (e.key === "j" || e.key === "ArrowDown") { select(at + 1); e.preventDefault(); }
      else if (e.key === "k" || e.key === "ArrowUp") { select(at - 1); e.preventDefault(); }
      else if (e.key === "Enter" || e.key === "o") { if (at >= 0) window.location.href = rows[at].getAttribute("data-href"); else if (rows.length) window.location.href = rows[0].getAttribute("data-href"); }
      else if (e.key === "n") { var n = document.querySelector(".pager a[rel=next]"); if (n) window.location.href = n.href; }
      else if (e.key === "p") { var p = document.querySelector(".pager a[rel=prev]"); if (p) window.location.href = p.href; }
    });
  }

  function setupCase() {
    document.querySelectorAll("[data-viewer]").forEach(setupViewer);
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (typing(e.target)) { if (e.key === "Escape") e.target.blur(); return; }
      var k = e.key;
      if (k === "j" || k === "ArrowRight") go("next-link");
      else if (k === "k" || k === "ArrowLeft") go("prev-link");
      else if (k === "u") go("queue-link");
      else if (k === "a") { e.preventDefault(); submit("approve-form"); }
      else if (k === "r") { e.preventDefault(); var r = document.getElementById("reject-reason"); if (r) r.focus(); }
      else if (k === "i") { e.preventDefault(); var n = document.getElementById("needs-info-reason"); if (n) n.focus(); }
      else if (k === "e") { e.preventDefault(); var f = document.querySelector(".fields-section .field-input") || document.querySelector(".field-input"); if (f) { f.focus(); if (f.select) f.select(); } }
      else if (k === "+" || k === "=") { var v = activeViewer(); if (v && v.zoom) v.zoom("in"); }
      else if (k === "-") { var w = activeViewer(); if (w && w.zoom) w.zoom("out"); }
      else if (k === "0") { var x = activeViewer(); if (x && x.zoom) x.zoom("reset"); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var help = document.getElementById("help");
    function toggleHelp() { if (help) help.hidden = !help.hidden; }
    document.querySelectorAll("[data-help]").forEach(function (b) { b.addEventListener("click", toggleHelp); });
    document.addEventListener("keydown", function (e) { if (e.key === "?" && !typing(e.target)) toggleHelp(); });
    var page = document.body.getAttribute("data-page");
    if (page === "queue") setupQueue();
    if (page === "case") setupCase();
  });
})();
