/* Scan instead of typing: the sticker's QR code (serial and support pack ID together, see
   reports/sticker.py) or a barcode, read by the camera. BarcodeDetector where the browser has
   it; otherwise the vendored jsQR (vendor/jsqr) decodes the camera frames. */
(function () {
  "use strict";
  var PREFIX = "OKISP:";
  var FORMATS = ["qr_code", "code_128", "code_39", "ean_13"];

  /* "OKISP:SN=AK1;SP=SP1" → {serial, support_pack_id}; any other text is one value. */
  function parse(text) {
    if (text.indexOf(PREFIX) !== 0) { return { raw: text.trim() }; }
    var out = {};
    text.slice(PREFIX.length).split(";").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at < 0) { return; }
      var key = pair.slice(0, at), value = pair.slice(at + 1).trim();
      if (key === "SN") { out.serial = value; }
      if (key === "SP") { out.support_pack_id = value; }
    });
    return out;
  }

  /* The text of the first QR code in an ImageData, or null (the fallback decoder). */
  function decode(imageData) {
    if (!window.jsQR) { return null; }
    var found = window.jsQR(imageData.data, imageData.width, imageData.height);
    return found ? found.data : null;
  }

  function fill(button, text) {
    var value = parse(text);
    var serial = document.getElementById(button.dataset.scanSerial);
    var pack = document.getElementById(button.dataset.scanPack);
    if (value.raw !== undefined) {
      var target = document.activeElement === pack ? pack : serial;
      target.value = value.raw;
    } else {
      if (value.serial && serial) { serial.value = value.serial; }
      if (value.support_pack_id && pack) { pack.value = value.support_pack_id; }
    }
    (serial || pack).dispatchEvent(new Event("input", { bubbles: true }));
  }

  /* Open the camera dialog; `onText` gets the first code read (the dialog then closes). */
  function open(button, onText) {
    var dialog = document.createElement("div");
    dialog.className = "scan-dialog";
    dialog.setAttribute("role", "dialog");
    var video = document.createElement("video");
    video.setAttribute("playsinline", "");
    video.muted = true;
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = button.dataset.msgClose;
    dialog.appendChild(video);
    dialog.appendChild(close);
    document.body.appendChild(dialog);
    var stream = null, done = false;
    var canvas = document.createElement("canvas");
    var detector = "BarcodeDetector" in window ? new window.BarcodeDetector({ formats: FORMATS }) : null;

    function stop() {
      done = true;
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      dialog.remove();
    }
    function found(text) { if (!done && text) { stop(); onText(text); } }
    function frame() {
      if (done) { return; }
      if (video.readyState >= 2) {
        if (detector) {
          detector.detect(video).then(function (codes) {
            if (codes.length) { found(codes[0].rawValue); }
          }).catch(function () { detector = null; });
        } else {
          canvas.width = video.videoWidth; canvas.height = video.videoHeight;
          var ctx = canvas.getContext("2d");
          ctx.drawImage(video, 0, 0);
          found(decode(ctx.getImageData(0, 0, canvas.width, canvas.height)));
        }
      }
      window.setTimeout(frame, 200);
    }
    close.addEventListener("click", stop);
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      return video.play();
    }).then(frame, function () {
      close.textContent = button.dataset.msgNoCamera;
    });
  }

  document.querySelectorAll("button[data-scan-serial]").forEach(function (button) {
    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      open(button, function (text) { fill(button, text); });
    });
  });

  /* Whether this browser reads codes natively (BarcodeDetector) or through jsQR. */
  function engine() { return "BarcodeDetector" in window ? "barcode-detector" : "jsqr"; }

  window.DispatchScan = { parse: parse, decode: decode, fill: fill, open: open, engine: engine };
})();
