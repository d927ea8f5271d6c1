/* Draws each chart of the insights dashboard from the JSON its table's figures were written to (json_script):
   <canvas data-chart="KEY"> is drawn from <script type="application/json" id="KEY">. No inline script (CSP). */
(function () {
  "use strict";
  var PALETTE = ["#198754", "#0b4f9c", "#ef6c00", "#6a1b9a", "#c62828", "#37474f"];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var rtl = document.documentElement.dir === "rtl";
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = PALETTE[index % PALETTE.length];
      return { label: dataset.label, data: dataset.data, backgroundColor: colour, borderColor: colour };
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { rtl: rtl } },
        scales: {
          x: { stacked: spec.stacked, reverse: rtl && !spec.horizontal, beginAtZero: true },
          y: { stacked: spec.stacked, beginAtZero: true }
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
