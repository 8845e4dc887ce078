// Live eligibility advice on the pack form: asks the page's JSON endpoint and shows the
// reasons in the user's language. No inline scripts (CSP).
(function () {
  "use strict";
  var form = document.getElementById("pack-form");
  if (!form) { return; }
  var out = document.getElementById("pack-advice");
  var product = document.getElementById("pack-product");
  var bought = document.getElementById("pack-purchased-on");
  var pending = null;

  function show(data) {
    out.textContent = "";
    var head = document.createElement("strong");
    head.textContent = data.eligible ? form.dataset.yes : form.dataset.no;
    out.className = data.eligible ? "notice-ok" : "alert";
    out.appendChild(head);
    if (data.coverage_end) {
      out.appendChild(document.createTextNode(" · " + form.dataset.end + " " + data.coverage_end));
    }
    (data.messages || []).forEach(function (m) {
      var li = document.createElement("div");
      li.textContent = m;
      out.appendChild(li);
    });
  }

  function check() {
    if (!product.value || !bought.value) { return; }
    out.textContent = form.dataset.wait;
    var url = form.dataset.checkUrl + "?product=" + encodeURIComponent(product.value) +
      "&on=" + encodeURIComponent(bought.value);
    var mine = pending = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (mine === pending) { show(data); } })
      .catch(function () { out.textContent = ""; });
  }

  product.addEventListener("change", check);
  bought.addEventListener("change", check);
  check();
}());
