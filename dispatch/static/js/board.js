/* Coordinator board (rules.md §6): day figures, alerts, an offline map of Japan (Leaflet),
   technician timelines on an hour scale, the unassigned list, dispatch by hand (drag a visit
   onto a technician's row, or select it and use the assign control; pin and unpin) through
   the assignment service with its optimistic versions, a visit detail panel, planning with
   progress, and live updates by short polling with ETags (every open board within 5 s).
   Everything shown from the data is set as text (textContent), never as HTML. */
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) { return; }
  var LABELS = JSON.parse(document.getElementById("board-labels").textContent);
  var COLORS = ["#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#4e342e",
                "#ad1457", "#283593", "#558b2f"];
  var POLL_MS = 2000;
  var state = { data: null, base: "", etag: null, selected: null, detail: null, clockOffset: 0 };
  var map = null, layer = null, outline = null;

  function t(key, values) {
    var text = LABELS[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function hhmm(iso) { return iso ? iso.substr(11, 5) : "--:--"; }
  function minutes(iso) { return parseInt(iso.substr(11, 2), 10) * 60 + parseInt(iso.substr(14, 2), 10); }
  function csrf() { return document.querySelector("meta[name=csrf-token]").getAttribute("content"); }
  function colorOf(techId) {
    var ids = state.data.routes.map(function (r) { return r.technician_id; });
    var i = ids.indexOf(techId);
    return i < 0 ? "#777" : COLORS[i % COLORS.length];
  }
  function flash(text, kind) {
    var box = document.getElementById("flash");
    box.textContent = text;
    box.className = "flash " + (kind || "ok");
    box.hidden = false;
    clearTimeout(flash.timer);
    flash.timer = setTimeout(function () { box.hidden = true; }, kind === "error" ? 15000 : 4000);
  }

  /* ---------- the visits of the day, by id ---------- */
  function allVisits() {
    var out = {};
    state.data.routes.forEach(function (r) { r.stops.forEach(function (s) { out[s.visit_id] = s; }); });
    state.data.unassigned.forEach(function (u) { out[u.visit_id] = u; });
    return out;
  }
  function visibleRoutes() {
    return state.data.routes.filter(function (r) { return !state.base || r.base_code === state.base; });
  }

  /* ---------- KPIs and alerts ---------- */
  function drawKpis() {
    var k = state.data.kpis, box = document.getElementById("kpis");
    box.textContent = "";
    [["kpi-same-day", t("kpi_same_day"), k.same_day_kept + " / " + k.same_day_total],
     ["kpi-done", t("kpi_done"), k.done + " / " + k.planned],
     ["kpi-at-risk", t("kpi_at_risk"), String(k.at_risk)],
     ["kpi-km", t("kpi_km"), k.km_planned.toFixed(1) + " km"]].forEach(function (row) {
      var card = el("div", "kpi " + row[0] + (row[0] === "kpi-at-risk" && k.at_risk ? " warn" : ""));
      card.id = row[0];
      card.appendChild(el("span", "kpi-label", row[1]));
      card.appendChild(el("strong", "kpi-value", row[2]));
      box.appendChild(card);
    });
  }

  function drawAlerts() {
    var list = document.getElementById("alert-list"), alerts = state.data.alerts || [];
    list.textContent = "";
    document.getElementById("alerts").hidden = !alerts.length;
    var visits = allVisits();
    alerts.forEach(function (a) {
      var li = el("li", "alert-item " + a.kind);
      li.setAttribute("data-visit", a.visit_id);
      var v = visits[a.visit_id] || {};
      li.appendChild(el("strong", "", "#" + a.call_id + " " + (v.site || "")));
      li.appendChild(el("span", "", " " + t("alert." + a.kind, { n: a.times_moved })));
      if (a.reasons && a.reasons.length) { li.appendChild(el("span", "reason", "（" + a.reasons.join(" / ") + "）")); }
      var button = el("button", "button small", t("alert_action"));
      button.type = "button";
      button.addEventListener("click", function () { openDetail(a.visit_id, true); });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  /* ---------- map ---------- */
  function setupMap() {
    if (typeof L === "undefined") { return; }
    map = L.map("map", { preferCanvas: false, zoomSnap: 0.25 }).setView([36.2, 138.2], 5);
    var tiles = root.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
    } else {
      // Offline base map: the vendored coastline and prefecture outline (Natural Earth).
      fetch(root.getAttribute("data-outline"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (geo) {
          outline = L.geoJSON(geo, { interactive: false, style: function () {
            return { color: "#8797a8", weight: 0.8, fillColor: "#fbfaf4", fillOpacity: 1, className: "japan-outline" };
          } }).addTo(map);
          outline.bringToBack();
          root.setAttribute("data-outline-loaded", "1");
        });
    }
    layer = L.layerGroup().addTo(map);
  }

  function tooltipText(lines) {
    // Leaflet sets a string tooltip as HTML; an element built from text nodes cannot inject.
    var box = document.createElement("div");
    lines.forEach(function (line, i) {
      if (i) { box.appendChild(document.createElement("br")); }
      box.appendChild(document.createTextNode(line));
    });
    return box;
  }

  function drawMap() {
    if (!map) { return; }
    layer.clearLayers();
    var points = [];
    // Remote islands of the registry (rules.md §5): circles and polygons as stored there.
    var en = root.getAttribute("data-locale") === "en";
    state.data.islands.forEach(function (i) {
      var style = { color: "#00838f", weight: 1, dashArray: "3 3", fillOpacity: 0.08, className: "island-area" };
      ((i.geometry || {}).shapes || []).forEach(function (shape) {
        var drawn = null;
        if (shape.type === "circle") {
          drawn = L.circle([shape.lat, shape.lon], L.extend({ radius: shape.radius_km * 1000 }, style));
        } else if (shape.type === "polygon") {
          drawn = L.polygon(shape.ring.map(function (p) { return [p[1], p[0]]; }), style);
        }
        if (drawn) { drawn.bindTooltip(tooltipText([en ? i.name_en : i.name_ja])).addTo(layer); }
      });
    });
    state.data.bases.forEach(function (b) {
      if (state.base && b.code !== state.base) { return; }
      L.circle([b.lat, b.lon], { radius: b.same_day_radius_km * 1000, color: "#b28704", weight: 1,
        dashArray: "4 4", fill: false, interactive: false, className: "base-area" }).addTo(layer);
      L.circleMarker([b.lat, b.lon], { radius: 9, color: "#000", fillColor: "#ffb300",
        fillOpacity: 1, className: "base-marker base-" + b.code })
        .bindTooltip(tooltipText([b.code + " " + b.name])).addTo(layer);
      points.push([b.lat, b.lon]);
    });
    // One marker per site: several visits at one address are one dot with a count.
    var groups = {}, order = [];
    function add(visit, color, label) {
      if (visit.lat === null || visit.lat === undefined) { return; }
      var key = visit.lat.toFixed(5) + "," + visit.lon.toFixed(5);
      if (!groups[key]) { groups[key] = { lat: visit.lat, lon: visit.lon, visits: [], color: color }; order.push(key); }
      groups[key].visits.push({ visit: visit, label: label, color: color });
    }
    visibleRoutes().forEach(function (r) {
      var color = colorOf(r.technician_id);
      var timed = r.stops.filter(function (s) { return s.lat !== null; });
      if (timed.length) {
        var path = [r.start].concat(timed.map(function (s) { return [s.lat, s.lon]; })).concat([r.start]);
        L.polyline(path, { color: color, weight: 3, opacity: 0.85,
          className: "route-line route-" + r.technician_id }).addTo(layer);
      }
      r.stops.forEach(function (s, k) { add(s, color, (k + 1) + ". " + r.name + " " + hhmm(s.eta) + " " + s.site); });
    });
    state.data.unassigned.forEach(function (u) { add(u, "#c00", "#" + u.call_id + " " + u.site + " (" + t("status.unassigned") + ")"); });
    order.forEach(function (key) {
      var g = groups[key];
      var unassigned = g.visits.every(function (v) { return v.color === "#c00"; });
      var classes = "site-marker" + (unassigned ? " unassigned-marker" : "") + g.visits.map(function (v) {
        return " visit-" + v.visit.visit_id + " " + v.visit.status; }).join("");
      var marker = L.circleMarker([g.lat, g.lon], { radius: g.visits.length > 1 ? 10 : 7, color: g.color,
        weight: 3, fillColor: unassigned ? "#c00" : "#fff", fillOpacity: unassigned ? 0.8 : 1, className: classes });
      var lines = g.visits.length > 1 ? [t("group", { n: g.visits.length })] : [];
      marker.bindTooltip(tooltipText(lines.concat(g.visits.map(function (v) { return v.label; }))));
      marker.on("click", function () { openDetail(g.visits[0].visit.visit_id); });
      marker.addTo(layer);
      if (g.visits.length > 1) {
        L.marker([g.lat, g.lon], { interactive: false, keyboard: false, icon: L.divIcon({
          className: "group-count", iconSize: [18, 18], html: String(g.visits.length) }) }).addTo(layer);
      }
      points.push([g.lat, g.lon]);
    });
    if (points.length && !state.fitted) {
      map.fitBounds(points, { padding: [24, 24], maxZoom: 10 });
      state.fitted = true;  // keep the coordinator's zoom when live updates redraw
    }
  }

  /* ---------- timeline ---------- */
  function scale() {
    var lo = 8 * 60, hi = 19 * 60;
    state.data.routes.forEach(function (r) {
      lo = Math.min(lo, Math.floor(minutes(r.shift[0]) / 60) * 60);
      hi = Math.max(hi, Math.ceil(minutes(r.shift[1]) / 60) * 60);
      r.stops.forEach(function (s) { if (s.end) { hi = Math.max(hi, Math.ceil(minutes(s.end) / 60) * 60); } });
    });
    return { lo: lo, hi: Math.min(hi, 24 * 60) };
  }
  function place(node, a, b, sc) {
    node.style.left = (100 * (a - sc.lo) / (sc.hi - sc.lo)) + "%";
    node.style.width = Math.max(0.4, 100 * (b - a) / (sc.hi - sc.lo)) + "%";
    return node;
  }
  function vline(cls, at, sc, title) {
    var line = el("div", "tl-line " + cls);
    line.style.left = (100 * (at - sc.lo) / (sc.hi - sc.lo)) + "%";
    line.title = title;
    return line;
  }

  function visitButton(s, cls) {
    var b = el("button", cls + " " + s.status + (s.pinned ? " pinned" : "") + (s.at_risk ? " at-risk" : ""));
    b.type = "button";
    b.draggable = true;
    b.setAttribute("data-visit", s.visit_id);
    b.setAttribute("data-status", s.status);
    b.setAttribute("data-pinned", s.pinned ? "1" : "0");
    b.setAttribute("aria-pressed", state.selected === s.visit_id ? "true" : "false");
    if (s.pinned) { b.appendChild(el("span", "pin", "📌")); b.lastChild.setAttribute("aria-label", t("pinned")); }
    b.appendChild(el("span", "tl-label", (s.start ? hhmm(s.start) + " " : "") + s.site));
    b.title = "#" + s.call_id + " " + s.site + (s.start ? " " + hhmm(s.start) + "–" + hhmm(s.end) : "") +
      " · " + t("status." + s.status) + (s.pinned ? " · " + t("pinned") : "");
    b.addEventListener("click", function () { openDetail(s.visit_id); });
    b.addEventListener("dragstart", function (e) {
      e.dataTransfer.setData("text/plain", String(s.visit_id));
      e.dataTransfer.effectAllowed = "move";
      root.classList.add("dragging");
    });
    b.addEventListener("dragend", function () { root.classList.remove("dragging"); });
    return b;
  }

  function dropTarget(row, techId) {
    row.addEventListener("dragover", function (e) { e.preventDefault(); e.dataTransfer.dropEffect = "move"; row.classList.add("drop-over"); });
    row.addEventListener("dragleave", function () { row.classList.remove("drop-over"); });
    row.addEventListener("drop", function (e) {
      e.preventDefault();
      row.classList.remove("drop-over");
      root.classList.remove("dragging");
      var id = parseInt(e.dataTransfer.getData("text/plain"), 10);
      var visit = allVisits()[id];
      if (!visit) { return; }
      root.setAttribute("data-dropped-at", String(Date.now()));
      assign(visit, techId, visit.pinned);
    });
  }

  function drawTimeline() {
    var box = document.getElementById("timeline"), sc = scale();
    box.textContent = "";
    var head = el("div", "tl-row tl-head");
    head.appendChild(el("div", "tl-name"));
    var ticks = el("div", "tl-scale");
    for (var h = sc.lo; h <= sc.hi; h += 60) {
      var tick = el("span", "tl-tick", (h / 60) + ":00");
      tick.style.left = (100 * (h - sc.lo) / (sc.hi - sc.lo)) + "%";
      ticks.appendChild(tick);
    }
    head.appendChild(ticks);
    box.appendChild(head);
    var cutoff = state.data.cutoff_at ? minutes(state.data.cutoff_at) : null;
    var now = serverNow();
    var nowMin = tokyoMinutes(now);
    var isToday = tokyoDate(now) === state.data.date;
    visibleRoutes().forEach(function (r) {
      var row = el("div", "tl-row");
      row.setAttribute("data-technician", r.technician_id);
      var name = el("div", "tl-name");
      var swatch = el("span", "swatch");
      swatch.style.background = colorOf(r.technician_id);
      name.appendChild(swatch);
      name.appendChild(el("strong", "", r.name));
      name.appendChild(el("small", "", " " + r.base_code + " · " + r.distance_km.toFixed(1) + " km" +
        (r.company ? " · " + r.company : "")));  // seed §11: a subcontractor's company
      row.appendChild(name);
      var track = el("div", "tl-track");
      for (var hh = sc.lo + 60; hh < sc.hi; hh += 60) { track.appendChild(vline("tl-hour", hh, sc, "")); }
      var s0 = minutes(r.shift[0]), s1 = minutes(r.shift[1]);
      if (s0 > sc.lo) { track.appendChild(place(el("div", "tl-off"), sc.lo, s0, sc)); }
      if (s1 < sc.hi) { track.appendChild(place(el("div", "tl-off"), s1, sc.hi, sc)); }
      if (r.lunch) {
        var lunch = place(el("div", "tl-lunch", t("lunch")), minutes(r.lunch[0]), minutes(r.lunch[1]), sc);
        lunch.title = t("lunch") + " " + r.lunch_minutes + "min (" + hhmm(r.lunch[0]) + "–" + hhmm(r.lunch[1]) + ")";
        track.appendChild(lunch);
      }
      var prevEnd = s0, untimed = [];
      r.stops.forEach(function (s) {
        if (s.hours) {
          var band = place(el("div", "tl-hours"), minutes(s.hours[0]), minutes(s.hours[1]), sc);
          band.title = t("support_band") + " " + hhmm(s.hours[0]) + "–" + hhmm(s.hours[1]);
          track.appendChild(band);
        }
        if (!s.start) { untimed.push(s); return; }
        var a = minutes(s.start), b = s.end ? minutes(s.end) : a + 60;
        var eta = s.eta ? minutes(s.eta) : a;
        if (eta > prevEnd) {
          var travel = place(el("div", "tl-travel"), prevEnd, eta, sc);
          travel.title = t("travel") + " " + (eta - prevEnd) + "min";
          track.appendChild(travel);
        }
        track.appendChild(place(visitButton(s, "tl-bar"), a, b, sc));
        prevEnd = Math.max(prevEnd, b);
      });
      if (cutoff !== null && cutoff > sc.lo && cutoff < sc.hi) {
        track.appendChild(vline("tl-cutoff", cutoff, sc, t("cutoff_line") + " " + hhmm(state.data.cutoff_at)));
      }
      if (isToday && nowMin > sc.lo && nowMin < sc.hi) { track.appendChild(vline("tl-now", nowMin, sc, t("now"))); }
      row.appendChild(track);
      var pending = el("div", "tl-untimed");
      pending.title = t("untimed");
      untimed.forEach(function (s) { pending.appendChild(visitButton(s, "chip")); });
      row.appendChild(pending);
      dropTarget(row, r.technician_id);
      box.appendChild(row);
    });
  }

  function drawUnassigned() {
    var list = document.getElementById("unassigned");
    list.textContent = "";
    var items = state.data.unassigned.slice();
    var moved = state.data.moved.filter(function (m) { return !items.some(function (u) { return u.visit_id === m.visit_id; }); });
    if (!items.length && !moved.length) { list.appendChild(el("li", "empty", list.getAttribute("data-empty"))); return; }
    items.forEach(function (u) {
      var li = el("li", "unassigned-item" + (u.at_risk ? " at-risk" : ""));
      li.setAttribute("data-visit", u.visit_id);
      li.draggable = true;
      li.addEventListener("dragstart", function (e) {
        e.dataTransfer.setData("text/plain", String(u.visit_id));
        root.classList.add("dragging");
      });
      li.addEventListener("dragend", function () { root.classList.remove("dragging"); });
      li.appendChild(el("strong", "", "#" + u.call_id + " " + (u.site || "")));
      li.appendChild(el("div", "reason", (u.reasons || []).join(" / ")));
      var b = el("button", "button small assign-open", t("assign_open"));
      b.type = "button";
      b.addEventListener("click", function () { openDetail(u.visit_id, true); });
      li.appendChild(b);
      list.appendChild(li);
    });
    moved.forEach(function (m) {
      var li = el("li", "unassigned-item moved");
      li.setAttribute("data-visit", m.visit_id);
      li.appendChild(el("strong", "", "#" + m.call_id + " " + t("moved_to", { to: m.to })));
      li.appendChild(el("div", "reason", (m.reasons || []).join(" / ")));
      list.appendChild(li);
    });
  }

  /* ---------- detail panel and the assign control ---------- */
  function openDetail(visitId, focusAssign) {
    state.selected = visitId;
    var url = root.getAttribute("data-detail").replace("/0.json", "/" + visitId + ".json");
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) { return; }
        state.detail = d;
        drawDetail();
        var panel = document.getElementById("detail");
        panel.hidden = false;
        if (focusAssign) { document.getElementById("assign-tech").focus(); } else { panel.focus(); }
        markSelected();
      });
  }

  function markSelected() {
    document.querySelectorAll("[data-visit][aria-pressed]").forEach(function (n) {
      n.setAttribute("aria-pressed", String(parseInt(n.getAttribute("data-visit"), 10) === state.selected));
    });
  }

  function drawDetail() {
    var d = state.detail, body = document.getElementById("detail-body");
    if (!d) { return; }
    var live = allVisits()[d.visit_id];
    if (live) { d.version = live.version; d.pinned = live.pinned; d.technician_id = live.technician_id; d.status = live.status; }
    body.textContent = "";
    body.setAttribute("data-visit", d.visit_id);
    body.appendChild(el("p", "detail-title", "#" + d.call_id + " · " + (d.site || "")));
    var dl = el("dl", "facts");
    [[t("customer"), d.customer], [t("site"), (d.site || "") + " " + (d.address || "")],
     [t("device"), d.serial + " " + (d.model || "")], [t("pack"), d.support_pack_id + (d.product ? " (" + d.product + ")" : "")],
     [t("hours"), d.support_hours], [t("decision"), d.decision_label], [t("status"), t("status." + d.status) + (d.pinned ? " · " + t("pinned") : "")],
     [t("eta"), d.eta ? hhmm(d.eta) : "—"], [t("symptom"), d.symptom],
     [t("codes"), d.code_labels.length ? d.code_labels.join(" / ") : "—"]].forEach(function (row) {
      dl.appendChild(el("dt", "", row[0]));
      dl.appendChild(el("dd", "", row[1] || "—"));
    });
    body.appendChild(dl);
    var controls = el("div", "assign-controls");
    var label = el("label", "", t("assign_to") + " ");
    label.setAttribute("for", "assign-tech");
    var select = el("select");
    select.id = "assign-tech";
    state.data.routes.forEach(function (r) {
      var o = el("option", "", r.name + " (" + r.base_code + ")");
      o.value = r.technician_id;
      if (r.technician_id === d.technician_id) { o.selected = true; }
      select.appendChild(o);
    });
    var go = el("button", "button", t("assign"));
    go.type = "button"; go.id = "assign-button";
    go.addEventListener("click", function () {
      assign(allVisits()[d.visit_id] || d, parseInt(select.value, 10), d.pinned);
    });
    var pin = el("button", "button", d.pinned ? t("unpin") : t("pin"));
    pin.type = "button"; pin.id = "pin-button";
    pin.disabled = d.technician_id === null;
    pin.addEventListener("click", function () {
      assign(allVisits()[d.visit_id] || d, d.technician_id, !d.pinned);
    });
    var close = el("button", "button", t("close"));
    close.type = "button";
    close.addEventListener("click", function () {
      document.getElementById("detail").hidden = true; state.selected = null; state.detail = null; markSelected();
    });
    controls.appendChild(label); controls.appendChild(select); controls.appendChild(go);
    controls.appendChild(pin); controls.appendChild(close);
    body.appendChild(controls);
    body.appendChild(el("h3", "", t("history")));
    var hist = el("ul", "history");
    d.history.forEach(function (h) {
      hist.appendChild(el("li", "", hhmm(h.at) + " " + h.who + " " + h.action + (h.changed_labels.length ? " (" + h.changed_labels.join(", ") + ")" : "")));
    });
    body.appendChild(hist);
  }

  function assign(visit, techId, pinned) {
    var url = root.getAttribute("data-assign").replace("/visits/0/", "/visits/" + visit.visit_id + "/");
    return fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Content-Type": "application/json" },
      body: JSON.stringify({ technician_id: techId, pinned: !!pinned, version: visit.version }) })
      .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); })
      .then(function (res) {
        if (res.status === 200) {
          accept(res.body, null);
          flash(t("assigned"), "ok");
          if (state.selected === visit.visit_id) { openDetail(visit.visit_id); }
        } else if (res.status === 409) {
          var c = res.body.changed_by || {};
          flash(t("conflict", { who: c.who || "?", at: hhmm(c.at), what: (c.changed_labels || []).join(", ") }), "error");
          load(true).then(function () { if (state.selected) { openDetail(state.selected); } });
        } else {
          flash(res.body.detail || String(res.status), "error");
        }
      });
  }

  /* ---------- clock, countdown ---------- */
  function serverNow() { return new Date(Date.now() + state.clockOffset); }
  function tokyo(d) { return new Date(d.getTime() + 9 * 3600 * 1000); }
  function tokyoMinutes(d) { var x = tokyo(d); return x.getUTCHours() * 60 + x.getUTCMinutes(); }
  function tokyoDate(d) { return tokyo(d).toISOString().substr(0, 10); }
  function tick() {
    var out = document.getElementById("cutoff-countdown");
    if (!state.data || !state.data.cutoff_at) { out.textContent = "—"; return; }
    var left = Math.floor((Date.parse(state.data.cutoff_at) - serverNow().getTime()) / 60000);
    out.textContent = left <= 0 ? t("cutoff_passed") : Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
  }

  /* ---------- data, live updates, planning ---------- */
  function render() {
    document.getElementById("no-plan").hidden = state.data.plan_id !== null;
    drawKpis(); drawAlerts(); drawMap(); drawTimeline(); drawUnassigned(); tick(); markSelected();
    if (state.detail) { drawDetail(); }
    document.getElementById("updated-at").textContent = t("updated") + " " + hhmm(tokyo(new Date()).toISOString());
  }

  function accept(data, etag) {
    state.data = data;
    if (etag !== null) { state.etag = etag; } else { state.etag = null; }
    if (data.now) { state.clockOffset = Date.parse(data.now) - Date.now(); }
    render();
    root.setAttribute("data-loaded", "1");
    root.setAttribute("data-rendered-at", String(Date.now()));
  }

  function load(force) {
    // Redrawing under a drag would pull the dragged element away: wait for the drop.
    if (!force && root.classList.contains("dragging")) { return Promise.resolve(); }
    var headers = {};
    if (state.etag && !force) { headers["If-None-Match"] = state.etag; }
    return fetch(root.getAttribute("data-source"), { credentials: "same-origin", headers: headers, cache: "no-store" })
      .then(function (r) {
        if (r.status === 304) { return; }
        if (!r.ok) { throw new Error(String(r.status)); }
        var etag = r.headers.get("ETag");
        return r.json().then(function (data) { accept(data, etag); });
      })
      .then(function () { document.getElementById("live").classList.remove("offline"); },
            function (err) {
              document.getElementById("live").classList.add("offline");
              state.etag = null;  // draw again on the next poll
              if (window.console) { console.error(err); }
            });
  }

  function busy(text) {
    var node = document.getElementById("busy");
    node.hidden = text === null;
    node.textContent = text || "";
  }

  function pollJob(location, started) {
    // A background planner (202 + Location) reports {status, progress}; poll until done.
    return fetch(location, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        var status = job.status;
        if (status === "done" || status === "succeeded" || status === "finished") { return load(true); }
        if (status === "failed" || status === "error") { throw new Error(job.error || "failed"); }
        var pct = typeof job.progress === "number" ? Math.round(job.progress * (job.progress <= 1 ? 100 : 1)) : null;
        busy(t("planning") + (pct !== null ? " " + pct + "%" : " " + Math.round((Date.now() - started) / 1000) + "s"));
        return new Promise(function (resolve) { setTimeout(resolve, 1000); })
          .then(function () { return pollJob(location, started); });
      });
  }

  function plan() {
    var button = document.getElementById("plan-button"), started = Date.now();
    busy(t("planning"));
    button.disabled = true; root.setAttribute("aria-busy", "true");
    var timer = setInterval(function () {
      if (!document.getElementById("busy").hidden && !/%$/.test(document.getElementById("busy").textContent)) {
        busy(t("planning") + " " + Math.round((Date.now() - started) / 1000) + "s");
      }
    }, 500);
    fetch(root.getAttribute("data-plan"), { method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Content-Type": "application/json" }, body: "{}" })
      .then(function (r) {
        if (r.status === 202) { return pollJob(r.headers.get("Location"), started); }
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json().then(function (data) { accept(data, null); });
      })
      .then(function () { flash(t("planned"), "ok"); },
            function () { flash(t("plan_failed"), "error"); })
      .finally(function () {
        clearInterval(timer);
        busy(null); button.disabled = false; root.removeAttribute("aria-busy");
      });
  }

  document.getElementById("plan-button").addEventListener("click", plan);
  document.getElementById("base-filter").addEventListener("change", function (e) {
    state.base = e.target.value; state.fitted = false; render();
  });
  setupMap();
  load();
  setInterval(tick, 15000);
  // Live: every open board asks "changed?" often; an unchanged board costs a 304.
  setInterval(function () { if (!document.hidden) { load(); } }, POLL_MS);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { load(); } });
})();
