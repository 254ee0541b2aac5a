// The counter tablet: show the reason box for "not satisfied", and reload when the officer
// hands back another dossier (polled every few seconds).
(function () {
  "use strict";
  var panel = document.getElementById("kiosk");
  if (!panel) return;
  var bad = document.getElementById("not-satisfied");
  if (bad) bad.addEventListener("click", function () {
    var box = document.getElementById("reason-box");
    box.hidden = false;
    box.querySelector("textarea").focus();
  });
  setInterval(function () {
    fetch(panel.dataset.poll, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (data) { if ((data.code || "") !== panel.dataset.code) window.location.reload(); })
      .catch(function () { /* the network blinked; try again at the next tick */ });
  }, 4000);
})();
