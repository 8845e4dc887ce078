/* The public one-time signing page: sign or refuse, once, without a login. */
(function () {
  "use strict";
  var app = document.getElementById("remote-app");
  if (!app) { return; }
  var lib = window.DispatchSignPad;
  var holder = lib.create(document.getElementById("signature-pad"));
  holder.resize();
  var error = document.getElementById("sign-error");

  function show(message) { error.textContent = message; error.hidden = false; }

  function finish(response) {
    if (!response.ok) { show(app.dataset.msgError); return; }
    document.getElementById("sign-step").hidden = true;
    var done = document.getElementById("remote-done");
    done.textContent = app.dataset.msgDone;
    done.hidden = false;
  }

  document.getElementById("pad-clear").addEventListener("click", function () {
    holder.pad.clear();
  });
  document.getElementById("pad-sign").addEventListener("click", function () {
    if (holder.pad.isEmpty()) { show(app.dataset.msgEmpty); return; }
    lib.send(app.dataset.signUrl, {
      signer_name: document.getElementById("signer_name").value,
      image: holder.pad.toDataURL("image/png")
    }, app.dataset.csrf).then(finish, function () { show(app.dataset.msgError); });
  });
  document.getElementById("show-refusal").addEventListener("click", function () {
    document.getElementById("refusal").hidden = false;
    document.getElementById("refusal_reason").focus();
  });
  document.getElementById("confirm-refusal").addEventListener("click", function () {
    lib.send(app.dataset.refuseUrl, {
      signer_name: document.getElementById("signer_name").value,
      reason: document.getElementById("refusal_reason").value
    }, app.dataset.csrf).then(finish, function () { show(app.dataset.msgError); });
  });
})();
