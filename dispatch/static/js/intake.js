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

  document.addEventListener("DOMContentLoaded", function () {
    if (document.getElementById("decision-label")) { announceDecision(); } else { startCountdowns(); }
    document.addEventListener("keydown", shortcuts);
  });
})();
