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

  // Enter moves to the next field (the counter types fast and Enter is a habit); it never submits:
  // the accept is a button press, then a confirmed summary.
  form.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key !== "Enter" || t.tagName === "TEXTAREA" || t.tagName === "BUTTON" || t.tagName === "SUMMARY") return;
    e.preventDefault();
    var fields = Array.prototype.filter.call(form.elements, function (el) {
      return !el.disabled && el.type !== "hidden" && el.offsetParent !== null && el.tabIndex >= 0;
    });
    var next = fields[fields.indexOf(t) + 1];
    if (next) next.focus();
  });

  // Unticking a mandatory paper: the dossier cannot be accepted, the guidance slip (Mẫu 02) is the path.
  var note = document.getElementById("mandatory-missing");
  var others = document.getElementById("other-outcomes");
  function mandatoryMissing() {
    var missing = false;
    form.querySelectorAll("tr[data-mandatory='1'] input[type=checkbox][name$='_provided']").forEach(function (box) {
      if (!box.checked) missing = true;
    });
    note.hidden = !missing;
    if (missing) others.open = true;
  }
  form.querySelectorAll("input[type=checkbox][name$='_provided']").forEach(function (box) {
    box.addEventListener("change", mandatoryMissing);
  });

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
