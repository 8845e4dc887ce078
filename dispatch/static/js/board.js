/* Coordinator board: map (Leaflet), timelines, unassigned list, plan button, cutoff. */
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) { return; }
  var COLORS = ["#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#4e342e"];
  var DAY_START = 8 * 60, DAY_END = 19 * 60;
  var state = { data: null, base: "" };
  var map = null, layer = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function hhmm(iso) { return iso ? iso.substr(11, 5) : "--:--"; }
  function minutes(iso) { return parseInt(iso.substr(11, 2), 10) * 60 + parseInt(iso.substr(14, 2), 10); }

  function setupMap() {
    if (typeof L === "undefined") { return; }
    map = L.map("map", { preferCanvas: false }).setView([36.2, 138.2], 5);
    var tiles = root.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
    }
    layer = L.layerGroup().addTo(map);
  }

  function visibleRoutes() {
    return state.data.routes.filter(function (r) { return !state.base || r.base_code === state.base; });
  }

  function drawMap() {
    if (!map) { return; }
    layer.clearLayers();
    var points = [];
    state.data.bases.forEach(function (b) {
      if (state.base && b.code !== state.base) { return; }
      L.circleMarker([b.lat, b.lon], { radius: 9, color: "#000", fillColor: "#ffb300",
        fillOpacity: 1, className: "base-marker base-" + b.code })
        .bindTooltip(b.code + " " + b.name).addTo(layer);
      points.push([b.lat, b.lon]);
    });
    visibleRoutes().forEach(function (r, i) {
      if (!r.stops.length) { return; }
      var color = COLORS[i % COLORS.length];
      var path = [r.start].concat(r.stops.map(function (s) { return [s.lat, s.lon]; })).concat([r.start]);
      L.polyline(path, { color: color, weight: 3, className: "route-line route-" + r.technician_id }).addTo(layer);
      r.stops.forEach(function (s, k) {
        L.circleMarker([s.lat, s.lon], { radius: 7, color: color, fillColor: "#fff", fillOpacity: 1,
          className: "site-marker " + s.status + " visit-" + s.visit_id })
          .bindTooltip((k + 1) + ". " + s.site + " " + hhmm(s.eta)).addTo(layer);
        points.push([s.lat, s.lon]);
      });
    });
    state.data.unassigned.forEach(function (u) {
      if (u.lat === null) { return; }
      L.circleMarker([u.lat, u.lon], { radius: 7, color: "#c00", fillColor: "#c00", fillOpacity: 0.8,
        className: "site-marker unassigned-marker visit-" + u.visit_id })
        .bindTooltip(u.site).addTo(layer);
      points.push([u.lat, u.lon]);
    });
    if (points.length) { map.fitBounds(points, { padding: [20, 20], maxZoom: 13 }); }
  }

  function drawTimeline() {
    var box = document.getElementById("timeline");
    box.textContent = "";
    visibleRoutes().forEach(function (r) {
      var row = el("div", "tl-row");
      row.setAttribute("data-technician", r.technician_id);
      row.appendChild(el("div", "tl-name", r.name + " (" + r.base_code +
        (r.company ? " · " + r.company : "") + ")"));
      var track = el("div", "tl-track");
      r.stops.forEach(function (s) {
        if (!s.start) { return; }
        var a = minutes(s.start), b = s.end ? minutes(s.end) : a + 60;
        var bar = el("div", "tl-bar " + s.status, hhmm(s.start) + " " + s.site);
        bar.setAttribute("data-visit", s.visit_id);
        bar.setAttribute("data-status", s.status);
        bar.title = s.site + " " + hhmm(s.start) + "–" + hhmm(s.end) + " (" + s.status + ")";
        bar.style.left = (100 * (a - DAY_START) / (DAY_END - DAY_START)) + "%";
        bar.style.width = Math.max(1, 100 * (b - a) / (DAY_END - DAY_START)) + "%";
        track.appendChild(bar);
      });
      row.appendChild(track);
      box.appendChild(row);
    });
  }

  function drawUnassigned() {
    var list = document.getElementById("unassigned");
    list.textContent = "";
    var items = state.data.unassigned.concat(state.data.moved.map(function (m) {
      return { visit_id: m.visit_id, call_id: m.call_id, site: "→ " + m.to, reasons: m.reasons, moved: true };
    }));
    if (!items.length) { list.appendChild(el("li", "empty", list.getAttribute("data-empty"))); return; }
    items.forEach(function (u) {
      var li = el("li", "unassigned-item" + (u.moved ? " moved" : ""));
      li.setAttribute("data-visit", u.visit_id);
      li.appendChild(el("strong", "", "#" + u.call_id + " " + (u.site || "")));
      li.appendChild(el("div", "reason", (u.reasons || []).join(" / ")));
      list.appendChild(li);
    });
  }

  function render() {
    document.getElementById("no-plan").hidden = state.data.plan_id !== null;
    drawMap(); drawTimeline(); drawUnassigned(); tick();
  }

  function tick() {
    var out = document.getElementById("cutoff-countdown");
    if (!state.data || !state.data.cutoff_at) { out.textContent = "--:--"; return; }
    var left = Math.floor((Date.parse(state.data.cutoff_at) - Date.now()) / 60000);
    out.textContent = left <= 0 ? "締切済" : Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
  }

  function load() {
    return fetch(root.getAttribute("data-source"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { state.data = data; render(); root.setAttribute("data-loaded", "1"); });
  }

  function plan() {
    var busy = document.getElementById("busy"), button = document.getElementById("plan-button");
    busy.textContent = busy.getAttribute("data-text");
    busy.hidden = false; button.disabled = true; root.setAttribute("aria-busy", "true");
    var token = document.querySelector("meta[name=csrf-token]").getAttribute("content");
    fetch(root.getAttribute("data-plan"), { method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Content-Type": "application/json" }, body: "{}" })
      .then(function (r) { return r.json(); })
      .then(function (data) { state.data = data; render(); })
      .finally(function () { busy.hidden = true; button.disabled = false; root.removeAttribute("aria-busy"); });
  }

  document.getElementById("plan-button").addEventListener("click", plan);
  document.getElementById("base-filter").addEventListener("change", function (e) {
    state.base = e.target.value; render();
  });
  setupMap();
  load();
  setInterval(tick, 30000);
  setInterval(load, 30000);  // technicians' status updates appear without a reload
})();
