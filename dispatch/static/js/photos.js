/* Photos of the work report (rules.md §7): taken or picked, resized on the tablet, listed
   with their kind and a remove button, at most data-max of them.

   Each new photo is drawn onto a canvas at most 1600 px a side and kept as a JPEG data URL
   (quality 0.85), so the report's queued submission (js/reports.js) carries it whole and
   small enough for the device's storage while offline. A photo the draft already holds is
   sent back as {kind, sha256}: the server keeps its stored bytes. */
(function () {
  "use strict";
  var box = document.getElementById("photos");
  if (!box) { return; }
  var MAX_SIDE = 1600;
  var QUALITY = 0.85;
  var max = parseInt(box.dataset.max, 10);
  var list = document.getElementById("photo-list");
  var input = document.getElementById("photo-input");
  var pending = 0;

  function items() { return Array.prototype.slice.call(list.querySelectorAll(".photo-item")); }

  function showError(text) {
    var el = document.getElementById("photo-error");
    el.textContent = text || ""; el.hidden = !text;
  }

  function refresh() {
    var count = document.getElementById("photo-count");
    count.textContent = count.dataset.template.replace("{n}", items().length).replace("{max}", max);
    var full = items().length + pending >= max;
    input.disabled = full;
    document.getElementById("photo-pick").classList.toggle("disabled", full);
  }

  function loadImage(file) {
    if (window.createImageBitmap) {
      // Browsers apply the EXIF orientation here, so a portrait photo stays upright.
      return window.createImageBitmap(file, { imageOrientation: "from-image" });
    }
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = reject;
      img.src = URL.createObjectURL(file);
    });
  }

  function resized(file) {
    return loadImage(file).then(function (image) {
      var scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(image.width * scale));
      canvas.height = Math.max(1, Math.round(image.height * scale));
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      if (image.close) { image.close(); }
      return canvas.toDataURL("image/jpeg", QUALITY);
    });
  }

  function add(dataUrl, kind) {
    var item = document.getElementById("photo-template").content.firstElementChild.cloneNode(true);
    item.dataset.image = dataUrl;
    item.querySelector(".photo-thumb").src = dataUrl;
    item.querySelector(".photo-kind").value = kind;
    list.appendChild(item);
  }

  /* A first photo is most likely "before", later ones "after"; the technician changes it. */
  function likelyKind() { return items().length ? "after" : "before"; }

  input.addEventListener("change", function () {
    var files = Array.prototype.slice.call(input.files || []);
    input.value = "";
    showError("");
    var room = max - items().length - pending;
    if (files.length > room) { showError(box.dataset.msgFull); files = files.slice(0, Math.max(room, 0)); }
    pending += files.length;
    refresh();
    files.reduce(function (chain, file) {
      return chain.then(function () {
        return resized(file).then(function (url) { add(url, likelyKind()); }, function () {
          showError(box.dataset.msgUnreadable);
        }).then(function () { pending -= 1; refresh(); });
      });
    }, Promise.resolve());
  });

  list.addEventListener("click", function (e) {
    if (e.target.classList.contains("remove-photo")) {
      e.target.closest(".photo-item").remove();
      showError("");
      refresh();
    }
  });

  window.DispatchPhotos = {
    /* The payload's photos, in order; null while a photo is still being resized. */
    collect: function () {
      if (pending) { showError(box.dataset.msgBusy); return null; }
      return items().map(function (item) {
        var kind = item.querySelector(".photo-kind").value;
        return item.dataset.sha256 ? { kind: kind, sha256: item.dataset.sha256 }
          : { kind: kind, image: item.dataset.image };
      });
    },
    /* [thumbnail src, kind label] of each photo, for the signing summary. */
    describe: function () {
      return items().map(function (item) {
        var kind = item.querySelector(".photo-kind");
        return [item.querySelector(".photo-thumb").src, kind.selectedOptions[0].textContent.trim()];
      });
    }
  };
  refresh();
})();
