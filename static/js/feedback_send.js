/* The feedback form: show only the boxes for what the feedback is about (a dossier: its code and PIN;
   a procedure: the procedure and the unit; a unit: the unit). Without JavaScript every box shows. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("feedback-send");
    if (!form) { return; }
    function update() {
      var chosen = form.querySelector("input[name=subject]:checked");
      var subject = chosen ? chosen.value : "";
      form.querySelectorAll("[data-subject]").forEach(function (box) {
        var shown = box.getAttribute("data-subject").split(" ").indexOf(subject) !== -1;
        box.hidden = !shown;
        box.querySelectorAll("input, select").forEach(function (input) { input.disabled = !shown; });
      });
    }
    form.querySelectorAll("input[name=subject]").forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  });
})();
