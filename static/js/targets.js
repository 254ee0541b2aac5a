/* The targets page: choosing a unit in the form fills in the targets it already has (from the table),
   so that a leader changes one value without retyping the others. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("target-form");
    if (!form) { return; }
    var unit = form.querySelector("[name=agency]");
    function fill(keepTyped) {
      var row = document.querySelector('#targets-table tr[data-agency="' + unit.value + '"]');
      form.querySelectorAll("input[type=number]:not([name=year])").forEach(function (input) {
        if (keepTyped && input.value !== "") { return; }  // typed before this script ran
        var cell = row ? row.querySelector('[data-target="' + input.name + '"]') : null;
        input.value = cell ? cell.getAttribute("data-value") : "";
      });
    }
    unit.addEventListener("change", function () { fill(false); });
    fill(true);
  });
})();
