// A move that decides or ends the case (approve, refuse, return) asks once before it is sent.
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var button = e.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) e.preventDefault();
  });
})();
