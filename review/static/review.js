// Review pages: keyboard shortcuts, queue selection and bulk ticks, the full-size image viewer
// (zoom / pan / window-level, side by side). No inline script anywhere (the Content-Security-Policy
// forbids it); this file is all there is.
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

  // --- one viewer pane: wheel or +/- to zoom, drag to pan, sliders for level (brightness) / window (contrast)
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
    v.show = function (src, label) {
      v.zoom("reset");
      img.src = src;
      img.alt = label;
      var l = v.querySelector(".pane-label");
      if (l) l.textContent = label;
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
    stage.addEventListener("mousedown", function (e) { e.preventDefault(); drag = { x: e.clientX - st.x, y: e.clientY - st.y }; });
    window.addEventListener("mouseup", function () { drag = null; });
    window.addEventListener("mousemove", function (e) { if (drag) { st.x = e.clientX - drag.x; st.y = e.clientY - drag.y; apply(); } });
    stage.addEventListener("dblclick", function () { v.zoom("reset"); });
    apply();
  }

  // --- the dialog: one image full size, a second one beside it on demand
  function setupDialog() {
    var dialog = document.getElementById("viewer");
    if (!dialog) return null;
    var main = document.getElementById("viewer-main"), other = document.getElementById("viewer-other");
    setupViewer(main);
    setupViewer(other);
    var select = document.getElementById("compare-with");
    select.addEventListener("change", function () {
      if (select.value) { other.hidden = false; other.show(select.value, select.options[select.selectedIndex].text); }
      else other.hidden = true;
      dialog.classList.toggle("two", !!select.value);
    });
    document.getElementById("viewer-close").addEventListener("click", function () { dialog.close(); });
    function open(button) {
      main.show(button.getAttribute("data-src"), button.getAttribute("data-label"));
      select.length = 1;
      var options = [];
      try { options = JSON.parse(button.getAttribute("data-compare") || "[]"); } catch (e) { options = []; }
      options.forEach(function (o) { var opt = document.createElement("option"); opt.value = o.src; opt.text = o.label; select.add(opt); });
      var near = options.filter(function (o) { return o.label.indexOf("near-duplicate") >= 0; });
      select.value = near.length ? near[0].src : "";
      select.dispatchEvent(new Event("change"));
      if (!dialog.open) dialog.showModal();
    }
    document.querySelectorAll("button.open-viewer").forEach(function (b) {
      b.addEventListener("click", function () { open(b); });
    });
    return {
      dialog: dialog,
      openFirst: function () { var b = document.querySelector("button.open-viewer"); if (b) open(b); },
      panes: [main, other],
    };
  }

  // --- queue: j/k select a row, Enter opens it, x ticks it for a bulk action
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
    function ticks() { return Array.prototype.slice.call(document.querySelectorAll("tr.row input[name=case_id]")); }
    function counted() {
      var n = ticks().filter(function (t) { return t.checked; }).length;
      var label = document.getElementById("bulk-count");
      if (label) label.textContent = n ? n + " case(s) ticked:" : "with the ticked cases (x ticks the selected row):";
      document.querySelectorAll("#bulk-bar button").forEach(function (b) { b.disabled = !n; });
    }
    rows.forEach(function (r) {
      r.addEventListener("click", function (e) {
        var t = e.target;
        if (t.tagName === "A" || t.tagName === "INPUT" || t.closest("td.tick")) return;
        window.location.href = r.getAttribute("data-href");
      });
    });
    ticks().forEach(function (t) { t.addEventListener("change", counted); });
    var all = document.getElementById("tick-all");
    if (all) all.addEventListener("change", function () { ticks().forEach(function (t) { t.checked = all.checked; }); counted(); });
    counted();
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      if (e.key === "j" || e.key === "ArrowDown") { select(at + 1); e.preventDefault(); }
      else if (e.key === "k" || e.key === "ArrowUp") { select(at - 1); e.preventDefault(); }
      else if (e.key === "x") { if (at < 0) select(0); var t = rows[at] && rows[at].querySelector("input[name=case_id]"); if (t) { t.checked = !t.checked; counted(); } }
      else if (e.key === "Enter" || e.key === "o") { if (at >= 0) window.location.href = rows[at].getAttribute("data-href"); else if (rows.length) window.location.href = rows[0].getAttribute("data-href"); }
      else if (e.key === "n") { var n = document.querySelector(".pager a[rel=next]"); if (n) window.location.href = n.href; }
      else if (e.key === "p") { var p = document.querySelector(".pager a[rel=prev]"); if (p) window.location.href = p.href; }
    });
  }

  function setupCase() {
    var viewer = setupDialog();
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      var k = e.key;
      if (viewer && viewer.dialog.open) {  // the viewer has the keys while it is open (Esc closes it)
        if (e.target.tagName === "TEXTAREA" || (e.target.tagName === "INPUT" && e.target.type === "text")) return;
        var panes = viewer.panes.filter(function (p) { return !p.hidden; });
        var how = k === "+" || k === "=" ? "in" : k === "-" ? "out" : k === "0" ? "reset" : null;
        if (how) { e.preventDefault(); panes.forEach(function (p) { p.zoom(how); }); }
        return;
      }
      if (typing(e.target)) { if (k === "Escape") e.target.blur(); return; }
      if (k === "j" || k === "ArrowRight") go("next-link");
      else if (k === "k" || k === "ArrowLeft") go("prev-link");
      else if (k === "u") go("queue-link");
      else if (k === "a") { e.preventDefault(); submit("approve-form"); }
      else if (k === "r") { e.preventDefault(); var r = document.getElementById("reject-reason"); if (r) r.focus(); }
      else if (k === "i") { e.preventDefault(); var n = document.getElementById("needs-info-reason"); if (n) n.focus(); }
      else if (k === "e") { e.preventDefault(); var f = document.querySelector(".decide-input") || document.querySelector(".field-input"); if (f) { f.focus(); if (f.select) f.select(); } }
      else if (k === "v" && viewer) { e.preventDefault(); viewer.openFirst(); }
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
