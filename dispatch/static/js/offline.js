/* Installs the service worker (/sw.js) on the technician's pages and, on the stop list,
   asks it to keep today's stops and report forms for a start with no network. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) { return; }
  var root = document.getElementById("offline-day");
  navigator.serviceWorker.register(root ? root.dataset.worker : "/sw.js").then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    if (!root || !navigator.onLine) { return; }
    var pages = [location.pathname].concat(Array.prototype.map.call(
      document.querySelectorAll("a.report"), function (a) { return a.getAttribute("href"); }));
    var files = JSON.parse(root.dataset.files || "[]");
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "precached") { root.dataset.state = "ready"; }
    });
    registration.active.postMessage({ type: "precache", pages: pages, files: files });
  });
  // Logging out leaves no copy of customers' pages on the device.
  var logout = document.querySelector("form[action$='/logout']");
  if (logout) {
    logout.addEventListener("submit", function () {
      if (navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "forget" });
      }
    });
  }
})();
