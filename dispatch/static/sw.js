/* The technician's offline start (rules.md §7): today's stop list and the report forms open
   with no network once the day has been loaded.

   Pages: network first, the last good copy when offline (never a redirect, e.g. to the
   login). Static files: the cached copy at once, refreshed in the background. Writes (PUT,
   POST) are never touched: the report queue in js/reports.js keeps them on the device and
   sends each exactly once (Idempotency-Key) when the network is back. */
"use strict";
var PAGES = "dispatch-pages-v1";
var STATIC = "dispatch-static-v1";

function isPage(url) {
  // A draft's photos too, so its form shows them with no network.
  return url.pathname === "/tablet" || /^\/visits\/\d+\/report$/.test(url.pathname) ||
    /^\/reports\/\d+\/photos\/\d+\.jpg$/.test(url.pathname);
}

function pageKey(url) { return url.origin + url.pathname; }

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== PAGES && n !== STATIC; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(cache, key, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    return cache.put(key, response.clone()).then(function () { return response; });
  }
  return Promise.resolve(response);
}

function networkFirst(request, url) {
  return caches.open(PAGES).then(function (cache) {
    return fetch(request).then(function (response) {
      return keep(cache, pageKey(url), response);
    }, function (error) {
      return cache.match(pageKey(url)).then(function (hit) { if (hit) { return hit; } throw error; });
    });
  });
}

function cachedThenRefresh(request) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        return keep(cache, request, response);
      });
      return hit || fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (isPage(url)) { event.respondWith(networkFirst(request, url)); return; }
  if (url.pathname.indexOf("/static/") === 0) { event.respondWith(cachedThenRefresh(request)); }
});

/* The stop list asks for its day: the list itself, each report form and their files. */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "forget") {
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (data.type !== "precache") { return; }
  event.waitUntil(caches.open(PAGES).then(function (pages) {
    return Promise.all((data.pages || []).map(function (path) {
      var url = new URL(path, self.location.origin);
      return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
        return keep(pages, pageKey(url), response);
      });
    }));
  }).then(function () {
    return caches.open(STATIC).then(function (files) { return files.addAll(data.files || []); });
  }).then(function () {
    if (event.source) { event.source.postMessage({ type: "precached" }); }
  }));
});
