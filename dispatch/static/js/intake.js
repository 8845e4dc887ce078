/* Call screen: live countdowns to the same-day cutoff and keyboard shortcuts (rules.md §5).
   Countdowns run on the server's clock (data-now), so a desk PC with a wrong clock still
   shows the right time left. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function format(ms) {
    var s = Math.floor(ms / 1000);
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
  }

  function startCountdowns() {
    var loaded = Date.now();
    var nodes = document.querySelectorAll("[data-countdown-to]");
    var items = [];
    nodes.forEach(function (node) {
      var target = node.classList.contains("remaining") ? node : node.querySelector(".remaining");
      items.push({
        node: node, target: target,
        cutoff: Date.parse(node.getAttribute("data-countdown-to")),
        serverNow: Date.parse(node.getAttribute("data-now"))
      });
    });
    function tick() {
      var elapsed = Date.now() - loaded;
      items.forEach(function (item) {
        var left = item.cutoff - (item.serverNow + elapsed);
        if (left > 0) {
          item.target.textContent = format(left);
        } else {
          item.target.textContent = item.node.getAttribute("data-passed");
          item.node.classList.add("passed");
        }
      });
    }
    if (items.length) { tick(); window.setInterval(tick, 1000); }
  }

  function announceDecision() {
    // Re-insert the decision so screen readers announce it after the page has loaded.
    var live = document.getElementById("decision-live");
    if (!live || !document.getElementById("decision-label")) { return; }
    var html = live.innerHTML;
    live.innerHTML = "";
    window.setTimeout(function () { live.innerHTML = html; startCountdowns(); }, 50);
    document.getElementById("decision").scrollIntoView({ block: "nearest" });
  }

  function shortcuts(event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key.toLowerCase();
    if (key === "b") {
      var board = document.getElementById("board");
      board.focus(); board.scrollIntoView();
      event.preventDefault();
    }
  }

  // What the server will read (dispatch/domain/support_pack_id.py): NFKC, upper case, no
  // spaces; Japanese dashes are hyphens; serials drop hyphens, pack IDs read as "SP-…".
  var DASHES = /[\u2010-\u2015\u2212\u30fc\uff70]/g;
  function fold(raw) {
    return raw.normalize("NFKC").toUpperCase().replace(DASHES, "-").replace(/\s+/g, "");
  }
  function canonical(kind, raw) {
    var text = fold(raw);
    if (kind === "serial") { return text.replace(/-/g, ""); }
    if (text.indexOf("SP") === 0) { text = text.slice(2); }
    return "SP-" + text.replace(/-/g, "");
  }
  function previews() {
    document.querySelectorAll("[data-canonical]").forEach(function (input) {
      var out = document.getElementById(input.id + "-canonical");
      function show() {
        var raw = input.value.trim(), read = raw ? canonical(input.getAttribute("data-canonical"), raw) : "";
        out.textContent = read && read !== raw ? "→ " + read : "";
      }
      input.addEventListener("input", show);
      show();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    previews();
    if (document.getElementById("decision-label")) { announceDecision(); } else { startCountdowns(); }
    document.addEventListener("keydown", shortcuts);
  });
})();
