/* Leaders' pages: show only the period inputs that matter for the chosen kind, and draw the
   month-by-month chart of the dashboard with the vendored Chart.js (static/vendor/chartjs). */
(function () {
  "use strict";

  function periodInputs() {
    var form = document.getElementById("leader-filters");
    if (!form) { return; }
    var kind = form.querySelector("[name=period]");
    function update() {
      form.querySelectorAll("[data-period]").forEach(function (label) {
        var shown = label.getAttribute("data-period").split(" ").indexOf(kind.value) !== -1;
        label.hidden = !shown;
        label.querySelectorAll("input, select").forEach(function (input) { input.disabled = !shown; });
      });
    }
    kind.addEventListener("change", update);
    update();
  }

  function monthlyChart() {
    var canvas = document.getElementById("monthly-chart");
    var source = document.getElementById("monthly-data");
    if (!canvas || !source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: "Giải quyết trước hạn", data: data.early, backgroundColor: "#2e8b57", stack: "resolved" },
          { type: "bar", label: "Giải quyết đúng hạn", data: data.on_time, backgroundColor: "#7cb9e8", stack: "resolved" },
          { type: "bar", label: "Giải quyết quá hạn", data: data.late, backgroundColor: "#b3141b", stack: "resolved" },
          { type: "line", label: "Tiếp nhận mới", data: data.received, borderColor: "#1d232b", backgroundColor: "#1d232b", tension: 0.2 }
        ]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  // A bar chart over a table: <canvas data-chart="ID"> and json_script ID holding
  // {labels, horizontal, datasets: [{label, data, color}]} (the officers' late steps, the 766 points).
  function barCharts() {
    if (typeof window.Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      if (!data.labels.length) { canvas.closest(".chart-box").hidden = true; return; }
      if (data.horizontal) { canvas.closest(".chart-box").style.height = Math.max(160, 28 * data.labels.length + 60) + "px"; }
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: data.labels, datasets: data.datasets.map(function (d) {
          return { label: d.label, data: d.data, backgroundColor: d.color };
        }) },
        options: {
          indexAxis: data.horizontal ? "y" : "x", maintainAspectRatio: false, animation: false,
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true } },
          plugins: { legend: { position: "bottom" } }
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    periodInputs();
    monthlyChart();
    barCharts();
  });
})();
