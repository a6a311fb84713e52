// Annotations over an image: masks (coloured, with an opacity slider), boxes with their label, and
// the tools to draw them. Coordinates are the image's own pixels (canvases have the image's size
// and are scaled by CSS). The working mask is a Uint8Array of the image's size, painted without
// anti-aliasing, so what is saved is exactly what was drawn; it travels as run lengths (row-major,
// runs alternating 0, 1, ... from 0).
(function () {
  "use strict";
  var COLOURS = { lung: [43, 108, 176], lesion: [197, 48, 48], mask: [56, 161, 105], working: [236, 201, 75] };

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); });
  }

  function post(url, body, csrf) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); });
  }

  function loadImage(url) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = reject;
      img.src = url;
    });
  }

  // Paint the saved masks of `items` into `canvas`, each in its label's colour.
  function drawMasks(canvas, items) {
    var ctx = canvas.getContext("2d");
    var w = canvas.width, h = canvas.height;
    var out = ctx.createImageData(w, h);
    var masks = items.filter(function (a) { return a.kind === "mask" && a.mask_url; });
    return Promise.all(masks.map(function (a) {
      return loadImage(a.mask_url).then(function (img) {
        var tmp = document.createElement("canvas");
        tmp.width = w; tmp.height = h;
        var tctx = tmp.getContext("2d");
        tctx.imageSmoothingEnabled = false;
        tctx.drawImage(img, 0, 0, w, h);
        var src = tctx.getImageData(0, 0, w, h).data;
        var c = COLOURS[(a.data && a.data.label) || "mask"] || COLOURS.mask;
        for (var i = 0; i < w * h; i++) {
          if (src[i * 4] === 255) { out.data[i * 4] = c[0]; out.data[i * 4 + 1] = c[1]; out.data[i * 4 + 2] = c[2]; out.data[i * 4 + 3] = 255; }
        }
      });
    })).then(function () { ctx.putImageData(out, 0, 0); return out; });
  }

  function drawBoxes(ctx, items, w) {
    var line = Math.max(2, Math.round(w / 300));
    ctx.lineWidth = line;
    ctx.font = (line * 7) + "px sans-serif";
    items.forEach(function (a) {
      if (a.kind !== "box") return;
      var b = a.data.bbox;
      ctx.strokeStyle = "#f6ad55";
      ctx.strokeRect(b[0] + line / 2, b[1] + line / 2, b[2] - line, b[3] - line);
      ctx.fillStyle = "#f6ad55";
      ctx.fillText(String(a.data.label || ""), b[0] + line * 2, b[1] + line * 8);
    });
  }

  function scoresText(items) {
    return items.filter(function (a) { return a.kind === "severity"; }).map(function (a) {
      return "geographic " + a.data.geographic_mean + ", opacity " + a.data.opacity_mean;
    }).join("; ");
  }

  // --- read-only views (case page) ----------------------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll(".ann-view"), function (fig) {
    fetchJSON(fig.getAttribute("data-json-url")).then(function (doc) {
      var canvas = fig.querySelector("canvas");
      canvas.width = doc.width; canvas.height = doc.height;
      drawMasks(canvas, doc.annotations).then(function () { drawBoxes(canvas.getContext("2d"), doc.annotations, doc.width); });
      fig.querySelector(".ann-scores").textContent = scoresText(doc.annotations);
    });
  });

  // --- the annotator -------------------------------------------------------------------------
  var root = document.getElementById("annotator");
  if (!root) return;
  var W = +root.getAttribute("data-width"), H = +root.getAttribute("data-height");
  var csrf = root.getAttribute("data-csrf");
  var maskCanvas = document.getElementById("ann-masks"), drawCanvas = document.getElementById("ann-draw");
  var dctx = drawCanvas.getContext("2d");
  var status = document.getElementById("ann-status");
  var saved = [], savedMaskPixels = null;
  var working = new Uint8Array(W * H), polygon = [], drag = null, painting = false;

  function tool() { return document.querySelector("input[name=tool]:checked").value; }
  function say(text) { status.textContent = text; }

  function toImage(e) {
    var r = drawCanvas.getBoundingClientRect();
    return [Math.min(W, Math.max(0, (e.clientX - r.left) * W / r.width)),
            Math.min(H, Math.max(0, (e.clientY - r.top) * H / r.height))];
  }

  function refresh() {
    return fetchJSON(root.getAttribute("data-json-url")).then(function (doc) {
      saved = doc.annotations;
      return drawMasks(maskCanvas, saved).then(function (img) { savedMaskPixels = img; renderWorking(); redraw(); });
    });
  }

  function renderWorking() {
    var ctx = maskCanvas.getContext("2d");
    var img = ctx.createImageData(W, H);
    if (savedMaskPixels) img.data.set(savedMaskPixels.data);
    var c = COLOURS.working;
    for (var i = 0; i < W * H; i++) {
      if (working[i]) { img.data[i * 4] = c[0]; img.data[i * 4 + 1] = c[1]; img.data[i * 4 + 2] = c[2]; img.data[i * 4 + 3] = 255; }
    }
    ctx.putImageData(img, 0, 0);
  }

  function redraw() {
    dctx.clearRect(0, 0, W, H);
    drawBoxes(dctx, saved, W);
    if (drag) {
      dctx.strokeStyle = "#fefcbf";
      dctx.lineWidth = Math.max(2, Math.round(W / 300));
      var b = box(drag);
      dctx.strokeRect(b[0], b[1], b[2], b[3]);
    }
    if (polygon.length) {
      dctx.strokeStyle = "#fefcbf";
      dctx.beginPath();
      dctx.moveTo(polygon[0][0], polygon[0][1]);
      polygon.forEach(function (p) { dctx.lineTo(p[0], p[1]); });
      dctx.stroke();
    }
  }

  function box(d) {
    var x0 = Math.round(Math.min(d.x0, d.x1)), y0 = Math.round(Math.min(d.y0, d.y1));
    var x1 = Math.round(Math.max(d.x0, d.x1)), y1 = Math.round(Math.max(d.y0, d.y1));
    return [x0, y0, x1 - x0, y1 - y0];
  }

  function stamp(p, value) {
    var r = +document.getElementById("brush").value * Math.max(1, W / drawCanvas.getBoundingClientRect().width);
    var cx = p[0], cy = p[1];
    for (var y = Math.max(0, Math.floor(cy - r)); y < Math.min(H, Math.ceil(cy + r)); y++) {
      for (var x = Math.max(0, Math.floor(cx - r)); x < Math.min(W, Math.ceil(cx + r)); x++) {
        var dx = x + 0.5 - cx, dy = y + 0.5 - cy;
        if (dx * dx + dy * dy <= r * r) working[y * W + x] = value;
      }
    }
  }

  // Even-odd rule on pixel centres: the pixels whose centre lies inside the outline.
  function fillPolygon(points) {
    var ys = points.map(function (p) { return p[1]; });
    var top = Math.max(0, Math.floor(Math.min.apply(null, ys))), bottom = Math.min(H - 1, Math.ceil(Math.max.apply(null, ys)));
    for (var y = top; y <= bottom; y++) {
      var cy = y + 0.5, xs = [];
      for (var i = 0, j = points.length - 1; i < points.length; j = i++) {
        var a = points[i], b = points[j];
        if ((a[1] > cy) !== (b[1] > cy)) xs.push(a[0] + (cy - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
      }
      xs.sort(function (m, n) { return m - n; });
      for (var k = 0; k + 1 < xs.length; k += 2) {
        for (var x = Math.max(0, Math.ceil(xs[k] - 0.5)); x < Math.min(W, Math.ceil(xs[k + 1] - 0.5)); x++) working[y * W + x] = 1;
      }
    }
  }

  function rle(mask) {
    var runs = [], current = 0, n = 0;
    for (var i = 0; i < mask.length; i++) {
      if (mask[i] !== current) { runs.push(n); n = 0; current = mask[i]; }
      n++;
    }
    runs.push(n);
    return runs;
  }

  drawCanvas.addEventListener("pointerdown", function (e) {
    var p = toImage(e), t = tool();
    drawCanvas.setPointerCapture(e.pointerId);
    if (t === "box") { drag = { x0: p[0], y0: p[1], x1: p[0], y1: p[1] }; }
    else if (t === "paint" || t === "erase") { painting = true; stamp(p, t === "paint" ? 1 : 0); renderWorking(); }
    else if (t === "polygon") { polygon.push(p); redraw(); }
  });
  drawCanvas.addEventListener("pointermove", function (e) {
    var p = toImage(e);
    if (drag) { drag.x1 = p[0]; drag.y1 = p[1]; redraw(); }
    else if (painting) { stamp(p, tool() === "paint" ? 1 : 0); renderWorking(); }
  });
  drawCanvas.addEventListener("pointerup", function () {
    if (painting) { painting = false; return; }
    if (!drag) return;
    var b = box(drag);
    drag = null;
    redraw();
    if (b[2] < 2 || b[3] < 2) return;
    var label = document.getElementById("box-label").value;
    post(root.getAttribute("data-box-url"), { x: b[0], y: b[1], w: b[2], h: b[3], label: label }, csrf).then(function (r) {
      say(r.ok ? "box saved: " + label + " " + b.join(",") : r.body.error);
      refresh();
    });
  });

  document.getElementById("close-polygon").addEventListener("click", function () {
    if (polygon.length < 3) { say("click at least three points of the outline first"); return; }
    fillPolygon(polygon);
    polygon = [];
    renderWorking();
    redraw();
  });
  document.getElementById("clear-mask").addEventListener("click", function () {
    working = new Uint8Array(W * H); polygon = []; renderWorking(); redraw();
  });
  document.getElementById("save-mask").addEventListener("click", function () {
    var label = document.getElementById("mask-label").value;
    post(root.getAttribute("data-mask-url"), { label: label, counts: rle(working) }, csrf).then(function (r) {
      if (r.ok) { working = new Uint8Array(W * H); say("mask saved: " + label); }
      else { say(r.body.error); }
      refresh();
    });
  });
  var opacity = document.getElementById("opacity");
  function applyOpacity() { maskCanvas.style.opacity = String(opacity.value / 100); }
  opacity.addEventListener("input", applyOpacity);
  applyOpacity();
  refresh();
})();
