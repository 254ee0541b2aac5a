// The online rating form (ratings/_form.html): "Không hài lòng" needs a reason. The server
// refuses it too, but its answer is a separate page; asking here keeps what the citizen typed.
(function () {
  "use strict";
  var form = document.getElementById("rating-form");
  if (!form) return;
  var reason = form.elements["reason"];

  function sync() {
    var level = form.querySelector("input[name=level]:checked");
    reason.required = !!level && level.value === "not_satisfied";
  }
  form.querySelectorAll("input[name=level]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      sync();
      if (reason.required) reason.focus();
    });
  });
  sync();
})();
