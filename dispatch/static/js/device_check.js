/* The technician confirms the device on site is the visit's device by reading the sticker's
   QR code (serial and support pack ID, reports/sticker.py) with the camera (js/scan.js).
   Serials compare as the server compares them (domain/support_pack_id.py normalise_serial):
   NFKC, upper case, no spaces or hyphens. */
(function () {
  "use strict";
  var DASHES = /[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70]/g;

  function fold(text) {
    return String(text || "").normalize("NFKC").toUpperCase().replace(/\s+/g, "").replace(DASHES, "");
  }
  function packKey(text) {
    var folded = fold(text);
    return folded.indexOf("SP") === 0 ? folded.slice(2) : folded;
  }
  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  /* The outcome of one reading: {state: "match"|"mismatch"|"unreadable", message}. */
  function check(box, text) {
    var value = window.DispatchScan.parse(text);
    var scanned = value.raw !== undefined ? value.raw : value.serial;
    var d = box.dataset;
    if (!scanned) { return { state: "unreadable", message: d.msgUnreadable }; }
    if (fold(scanned) !== fold(d.expectedSerial)) {
      return { state: "mismatch",
               message: say(d.msgMismatch, { scanned: scanned, expected: d.expectedSerial }) };
    }
    var message = say(d.msgMatch, { serial: d.expectedSerial });
    if (value.support_pack_id && d.expectedPack && packKey(value.support_pack_id) !== packKey(d.expectedPack)) {
      // The right device with another pack's sticker (an older or a newer pack): worth a word.
      message += " " + say(d.msgOtherPack, { scanned: value.support_pack_id, expected: d.expectedPack });
    }
    return { state: "match", message: message };
  }

  function show(box, outcome) {
    var result = box.querySelector(".device-check-result");
    result.textContent = outcome.message;
    result.hidden = false;
    box.dataset.state = outcome.state;
    result.className = "device-check-result " + (outcome.state === "match" ? "ok" : "alert");
  }

  document.querySelectorAll(".device-check[data-expected-serial]").forEach(function (box) {
    var button = box.querySelector("button.scan-device");
    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      window.DispatchScan.open(button, function (text) { show(box, check(box, text)); });
    });
  });

  window.DispatchDeviceCheck = { check: check, show: show, fold: fold };
})();
