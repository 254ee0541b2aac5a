// A move that decides or ends the case (approve, refuse, return) asks once before it is sent.
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var button = e.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) { e.preventDefault(); return; }
    // A handover to the next step, to someone whose role is not the step's: say so before it goes.
    var form = e.target, expected = form.dataset.nextRole;
    var officer = form.querySelector("select[name$='to_user']"), onward = form.querySelector("input[name$='next_step']");
    if (!expected || !officer || !officer.value || (onward && !onward.checked)) return;
    var chosen = officer.options[officer.selectedIndex];
    if (chosen.dataset.role !== expected &&
        !window.confirm("Bước tiếp theo không do vai trò của " + chosen.text.split(" · ")[0] + " thực hiện. Vẫn chuyển?")) {
      e.preventDefault();
    }
  });
})();
