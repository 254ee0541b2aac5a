// Intake step 2: show the owner's fields only when needed, pick the outcome from the button
// pressed, and list unticked mandatory papers as the guidance (Mẫu 02) text.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form) return;
  var owner = document.getElementById("owner-fields");
  var ownerToggle = form.elements["owner_differs"];
  var returnMethod = form.elements["return_method"];
  var returnAddress = form.elements["return_address"];

  function sync() {
    owner.hidden = !ownerToggle.checked;
    returnAddress.closest("label").hidden = returnMethod.value !== "post";
  }
  ownerToggle.addEventListener("change", sync);
  returnMethod.addEventListener("change", sync);
  sync();

  form.querySelectorAll("button[data-outcome]").forEach(function (button) {
    button.addEventListener("click", function () {
      form.elements["outcome"].value = button.dataset.outcome;
      var missing = form.elements["missing_papers"];
      if (button.dataset.outcome === "guide" && !missing.value.trim()) {
        var names = [];
        form.querySelectorAll("tr[data-mandatory='1']").forEach(function (row) {
          var box = row.querySelector("input[type=checkbox][name$='_provided']");
          if (box && !box.checked) names.push(row.dataset.name);
        });
        missing.value = names.join("\n");
      }
    });
  });
})();
