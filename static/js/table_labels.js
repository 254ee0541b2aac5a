// On a phone, table.list rows become stacked blocks (base.css) and the header row is hidden: each
// cell takes its column's heading as a label, so fees, papers and the timeline keep their headings.
(function () {
  "use strict";
  document.querySelectorAll("table.list").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (!heads.length) return;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (!cell.hasAttribute("data-label") && heads[i] && cell.colSpan === 1) cell.setAttribute("data-label", heads[i]);
      });
    });
  });
})();
