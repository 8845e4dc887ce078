/* The tablet's work report: form → signing step, kept on the device while offline.

   Every submission goes through a queue in localStorage with a client-generated UUID sent
   as Idempotency-Key; the queue is flushed in order when the network returns, and the
   server answers a repeated key with the first result, so each submission applies once. */
(function () {
  "use strict";
  var app = document.getElementById("report-app");
  if (!app) { return; }
  var lib = window.DispatchSignPad;
  var QUEUE = "dispatch.reportQueue.v1";
  var msg = app.dataset;
  var flushing = false;
  var holder = null;

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function store(items) { localStorage.setItem(QUEUE, JSON.stringify(items)); render(); }

  function render() {
    var list = document.getElementById("sync-list");
    var items = load();
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = msg["kind" + item.kind.charAt(0).toUpperCase() + item.kind.slice(1)] +
        " — " + msg.msgPending + " (" + new Date(item.at).toLocaleTimeString("ja-JP") + ")";
      list.appendChild(li);
    });
    var state = document.getElementById("net-state");
    state.textContent = navigator.onLine ? (items.length ? "" : msg.msgNone) : msg.msgOffline;
  }

  /* False when the device has no room left for it (photos are the large part). */
  function enqueue(kind, url, method, body) {
    var items = load();
    // A newer draft replaces one still waiting right before it: a PUT replaces the whole
    // draft anyway, and two copies of six photos would not fit in the device's storage.
    var last = items[items.length - 1];
    if (kind === "report" && last && last.kind === "report" && last.url === url) { items.pop(); }
    items.push({ key: uuid(), kind: kind, url: url, method: method, body: body,
                 at: Date.now() });
    try {
      store(items);
    } catch (e) {  // QuotaExceededError: the queue stays as it was
      return false;
    }
    return true;
  }

  function showError(id, text) {
    var el = document.getElementById(id);
    el.textContent = text; el.hidden = false;
  }

  var validation = {};
  try { validation = JSON.parse(msg.validation || "{}"); } catch (e) { validation = {}; }

  /* Field errors in the screen's language: the field's label, then the translated message
     (the API answers in English; rules.md §7). "parts.0.qty" is labelled by the parts box. */
  function fieldText(field, messages) {
    var id = field.split(".")[0];
    var fieldset = (id === "parts" || id === "photos") && document.getElementById(id);
    var label = fieldset ? fieldset.closest("fieldset").querySelector("legend").textContent
      : labelOf(id);
    return label + ": " + messages.map(function (m) { return validation[m] || m; }).join(" ");
  }

  function problemText(data) {
    if (!data || !data.errors) { return msg.msgError; }
    return msg.msgError + " " + Object.keys(data.errors).map(function (k) {
      return fieldText(k, data.errors[k]);
    }).join(" / ");
  }

  function handled(item, response, data) {
    if (response.ok) {
      if (item.kind === "signature") {
        window.location.href = msg.doneUrl.replace("/0/", "/" + data.id + "/");
      } else if (item.kind === "refusal") {
        window.location.reload();
      }
      return true;
    }
    var box = item.kind === "report" ? "form-error" : "sign-error";
    if (item.kind === "report") { showStep("form"); }
    showError(box, problemText(data));
    return true;
  }

  /* Send the queue in order; stop at the first network failure and keep the rest. */
  function flush() {
    if (flushing) { return Promise.resolve(); }
    var items = load();
    if (!items.length) { render(); return Promise.resolve(); }
    flushing = true;
    var item = items[0];
    return lib.send(item.url, item.body, msg.csrf, item.key, item.method).then(function (response) {
      if (response.redirected || response.status === 401 || response.status === 400) {
        throw new Error("session");  // logged out or stale CSRF: keep it for later
      }
      return response.json().catch(function () { return {}; }).then(function (data) {
        store(load().filter(function (i) { return i.key !== item.key; }));
        handled(item, response, data);
        flushing = false;
        return flush();
      });
    }).catch(function () { flushing = false; render(); });
  }

  function localToIso(value) { return value ? value + ":00+09:00" : ""; }

  /* Now as a datetime-local value in Japan, whatever the device's own time zone. */
  function tokyoNow() { return new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 16); }

  /* The checks the server makes too, before anything is queued (rules.md §7): both times on
     the visit's day, departure after arrival, and no signature before the departure. */
  function timeErrors(forSigning) {
    var f = document.getElementById("report-form");
    var errors = {};
    var arrived = f.arrived_at.value, departed = f.departed_at.value;
    if (!arrived) { errors.arrived_at = ["is required"]; }
    if (!departed) { errors.departed_at = ["is required"]; }
    [["arrived_at", arrived], ["departed_at", departed]].forEach(function (pair) {
      if (pair[1] && pair[1].slice(0, 10) !== msg.day) { errors[pair[0]] = ["must be on the visit's day"]; }
    });
    if (arrived && departed && !errors.departed_at && departed <= arrived) {
      errors.departed_at = ["must be after arrived_at"];
    }
    if (forSigning && departed && !errors.departed_at && departed > tokyoNow()) {
      errors.departed_at = ["must not be after the signature"];
    }
    return errors;
  }

  function prefillDeparture() {
    var f = document.getElementById("report-form");
    var now = tokyoNow();
    if (!f.departed_at.value && f.arrived_at.value && now.slice(0, 10) === msg.day &&
        now > f.arrived_at.value) {
      f.departed_at.value = now;
    }
  }

  function payload() {
    var f = document.getElementById("report-form");
    var counter = f.counter_reading.value;
    var cause = f.exclusion_cause.value;
    var result = f.querySelector("input[name=result]:checked");
    var parts = Array.prototype.map.call(document.querySelectorAll("#parts .part-row"), function (row) {
      return { part_no: row.querySelector(".part-no").value,
               qty: parseInt(row.querySelector(".part-qty").value, 10),
               condition: row.querySelector(".part-condition").value,
               removed_returned: row.querySelector(".part-returned").checked };
    });
    var data = {
      arrived_at: localToIso(f.arrived_at.value), departed_at: localToIso(f.departed_at.value),
      work_done: f.work_done.value, result: result ? result.value : "",
      parts: parts,
      technical_changes: f.technical_changes.value.split("\n").map(function (s) { return s.trim(); })
        .filter(function (s) { return s; }),
      data_initialized: f.data_initialized.checked,
      attendee_name: f.attendee_name.value, exclusion_cause: cause || null
    };
    if (counter !== "") { data.counter_reading = parseInt(counter, 10); }
    if (window.DispatchPhotos) {
      data.photos = window.DispatchPhotos.collect();
      if (data.photos === null) { return null; }  // a photo is still being resized
    }
    var checks = f.querySelectorAll("#checklist input[data-item]");
    if (checks.length) {
      data.checklist = {};
      Array.prototype.forEach.call(checks, function (box) { data.checklist[box.dataset.item] = box.checked; });
    }
    return data;
  }

  function labelOf(id) {
    var label = document.querySelector("label[for=" + id + "]");
    return label ? label.textContent : id;
  }

  function choiceText(input) { return input ? input.parentNode.textContent.trim() : ""; }

  /* The signing summary lists everything that is sealed, each under its form label. */
  function summarize(data) {
    var dl = document.getElementById("summary");
    var form = document.getElementById("report-form");
    var parts = data.parts.map(function (p, i) {
      var row = document.querySelectorAll("#parts .part-row")[i];
      var condition = row.querySelector(".part-condition");
      return p.part_no + " × " + p.qty + " (" + condition.selectedOptions[0].textContent.trim() +
        ", " + (p.removed_returned ? msg.msgReturnedYes : msg.msgReturnedNo) + ")";
    });
    var rows = [
      [labelOf("arrived_at"), form.arrived_at.value.replace("T", " ")],
      [labelOf("departed_at"), form.departed_at.value.replace("T", " ")],
      [labelOf("work_done"), data.work_done],
      [form.querySelector(".choices legend").textContent,
       choiceText(form.querySelector("input[name=result]:checked"))],
      [document.querySelector("#parts").closest("fieldset").querySelector("legend").textContent,
       parts.join("\n") || "—"],
      [labelOf("technical_changes"), data.technical_changes.join("\n") || "—"],
      [choiceText(form.data_initialized), data.data_initialized ? msg.msgYes : msg.msgNo],
      [labelOf("counter_reading"), data.counter_reading === undefined ? "—" : String(data.counter_reading)],
      [labelOf("attendee_name"), data.attendee_name],
      [labelOf("exclusion_cause"), data.exclusion_cause ? form.exclusion_cause.selectedOptions[0].textContent : "—"]
    ];
    Array.prototype.forEach.call(form.querySelectorAll("#checklist input[data-item]"), function (box) {
      rows.unshift([box.parentNode.textContent.trim(), box.checked ? "✓" : "✗", true]);
    });
    dl.textContent = "";
    rows.forEach(function (r) {
      var dt = document.createElement("dt"); dt.textContent = r[0];
      var dd = document.createElement("dd"); dd.textContent = r[1]; dd.className = "pre";
      dl.appendChild(dt); dl.appendChild(dd);
    });
    if (window.DispatchPhotos) { summarizePhotos(dl); }
  }

  /* The photos are sealed too: the signer sees each one with its kind. */
  function summarizePhotos(dl) {
    var photos = window.DispatchPhotos.describe();
    var dt = document.createElement("dt");
    dt.textContent = document.querySelector("#photos legend").textContent;
    var dd = document.createElement("dd");
    dd.className = "summary-photos";
    if (!photos.length) { dd.textContent = "—"; }
    photos.forEach(function (photo, i) {
      var figure = document.createElement("figure");
      var img = document.createElement("img");
      img.src = photo[0]; img.alt = photo[1];
      var caption = document.createElement("figcaption");
      caption.textContent = (i + 1) + ". " + photo[1];
      figure.appendChild(img); figure.appendChild(caption);
      dd.appendChild(figure);
    });
    dl.appendChild(dt); dl.appendChild(dd);
  }

  function showStep(step) {
    document.getElementById("report-form").hidden = step !== "form";
    document.getElementById("sign-step").hidden = step !== "sign";
    document.getElementById("back-to-form").hidden = step !== "sign";
    if (step === "sign") {
      if (!holder) { holder = lib.create(document.getElementById("signature-pad")); }
      holder.resize();
      document.getElementById("sign-step").scrollIntoView();
    }
  }

  function saveDraft(thenSign) {
    var data = payload();
    if (data === null) { return; }  // photos.js says why
    document.getElementById("form-error").hidden = true;
    var errors = timeErrors(thenSign);
    if (Object.keys(errors).length) {
      showError("form-error", problemText({ errors: errors }));
      return;
    }
    if (!enqueue("report", msg.saveUrl, "PUT", data)) {
      showError("form-error", msg.msgStorageFull);
      return;
    }
    flush();
    if (thenSign) {
      summarize(data);
      if (!document.getElementById("signer_name").value) {
        document.getElementById("signer_name").value = data.attendee_name;
      }
      showStep("sign");
    }
  }

  function wire() {
    var form = document.getElementById("report-form");
    form.addEventListener("submit", function (e) { e.preventDefault(); saveDraft(true); });
    document.getElementById("save-draft").addEventListener("click", function () { saveDraft(false); });
    document.getElementById("add-part").addEventListener("click", function () {
      var tpl = document.getElementById("part-template");
      document.getElementById("parts").appendChild(tpl.content.cloneNode(true));
    });
    document.getElementById("parts").addEventListener("click", function (e) {
      if (e.target.classList.contains("remove-part")) { e.target.closest(".part-row").remove(); }
    });
    document.getElementById("back-to-form").addEventListener("click", function () { showStep("form"); });
    document.getElementById("pad-clear").addEventListener("click", function () { holder.pad.clear(); });
    document.getElementById("pad-sign").addEventListener("click", function () {
      document.getElementById("sign-error").hidden = true;
      if (holder.pad.isEmpty()) { showError("sign-error", msg.msgEmpty); return; }
      enqueue("signature", msg.signUrl, "POST", {
        signer_name: document.getElementById("signer_name").value,
        image: holder.pad.toDataURL("image/png") });
      flush();
    });
    document.getElementById("show-refusal").addEventListener("click", function () {
      document.getElementById("refusal").hidden = false;
      document.getElementById("refusal_reason").focus();
    });
    document.getElementById("confirm-refusal").addEventListener("click", function () {
      enqueue("refusal", msg.refuseUrl, "POST", {
        signer_name: document.getElementById("signer_name").value,
        reason: document.getElementById("refusal_reason").value });
      flush();
    });
    // Seed §13: no attendant → no work. Unticking the box offers rescheduling instead of
    // saving and signing a report of work that cannot be done.
    var attendant = form.querySelector("input[data-item=attendant_present]");
    if (attendant) {
      var syncAttendant = function () {
        var absent = !attendant.checked;
        document.getElementById("no-attendant-note").hidden = !absent;
        document.getElementById("no-attendant-form").hidden = !absent;
        form.querySelectorAll(".actions button").forEach(function (b) { b.disabled = absent; });
      };
      attendant.addEventListener("change", syncAttendant);
      syncAttendant();
    }
    window.addEventListener("online", flush);
    window.addEventListener("offline", render);
    window.setInterval(flush, 5000);
  }

  wire();
  prefillDeparture();
  render();
  flush();
})();
