/* The remote-signing link page: copy the URL (Clipboard API, or select it for a manual copy). */
(function () {
  "use strict";
  var app = document.getElementById("link-app");
  if (!app) { return; }
  var input = document.getElementById("signing-url");
  var state = document.getElementById("copy-state");
  function copied() { state.textContent = app.dataset.msgCopied; state.hidden = false; }
  document.getElementById("copy-link").addEventListener("click", function () {
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(copied, function () {
        document.execCommand("copy"); copied();
      });
    } else {
      document.execCommand("copy");
      copied();
    }
  });
})();
