/* The signature canvas: signature_pad (pointer + touch) scaled for devicePixelRatio so
   strokes stay sharp on high-density tablets and survive rotation (1280×800 ↔ 800×1280). */
(function () {
  "use strict";

  function create(canvas) {
    var pad = new window.SignaturePad(canvas, {
      minWidth: 1, maxWidth: 3, penColor: "#000", backgroundColor: "rgb(255,255,255)"
    });

    function resize() {
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var data = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      pad.fromData(data);
    }

    window.addEventListener("resize", resize);
    return { pad: pad, resize: resize };
  }

  /* One JSON request with the CSRF header and an optional Idempotency-Key. */
  function send(url, body, csrf, key, method) {
    var headers = { "Content-Type": "application/json", "X-CSRFToken": csrf,
                    "Accept": "application/json" };
    if (key) { headers["Idempotency-Key"] = key; }
    return fetch(url, { method: method || "POST", headers: headers, credentials: "same-origin",
                        body: JSON.stringify(body) });
  }

  window.DispatchSignPad = { create: create, send: send };
})();
