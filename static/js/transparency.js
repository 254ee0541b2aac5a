/* The transparency page's two charts, with the vendored Chart.js (static/vendor/chartjs): received
   and resolved per month (resolved split on time / late), and the units' 766 score. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("transparency-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var months = document.getElementById("months-chart");
    if (months) {
      new window.Chart(months, {
        data: {
          labels: data.months.map(function (m) { return m.month; }),
          datasets: [
            { type: "bar", label: "Giải quyết đúng hạn", data: data.months.map(function (m) { return m.on_time; }),
              backgroundColor: "#2e8b57", stack: "resolved" },
            { type: "bar", label: "Giải quyết quá hạn", data: data.months.map(function (m) { return m.late; }),
              backgroundColor: "#b3141b", stack: "resolved" },
            { type: "line", label: "Tiếp nhận", data: data.months.map(function (m) { return m.received; }),
              borderColor: "#1d232b", backgroundColor: "#1d232b", tension: 0.2 }
          ]
        },
        options: {
          maintainAspectRatio: false, animation: false,
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
          plugins: { legend: { position: "bottom" } }
        }
      });
    }
    var units = document.getElementById("units-chart");
    if (units) {
      new window.Chart(units, {
        type: "bar",
        data: {
          labels: data.units.map(function (u) { return u.name; }),
          datasets: [{ label: "Điểm 766 (thang 100)", data: data.units.map(function (u) { return u.score; }),
                       backgroundColor: "#1a5fb4" }]
        },
        options: {
          indexAxis: "y", maintainAspectRatio: false, animation: false,
          scales: { x: { beginAtZero: true, max: 100 }, y: { ticks: { autoSkip: false,
            callback: function (value) { var name = this.getLabelForValue(value);
                                         return name.length > 24 ? name.slice(0, 23) + "…" : name; } } } },
          plugins: { legend: { display: false } }
        }
      });
    }
  });
})();
