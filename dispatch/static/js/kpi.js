// Draws each KPI chart from the data its server-rendered table holds (rules.md §10).
(function () {
  "use strict";
  var palette = ["#1f6feb", "#d97706", "#15803d", "#b91c1c", "#7c3aed", "#0e7490"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.dataset.chart);
    var datasets = spec.datasets.map(function (set, i) {
      return {
        label: set.label,
        data: set.data.map(function (v) { return v === null ? null : (spec.rates ? v * 100 : v); }),
        borderColor: palette[i % palette.length],
        backgroundColor: palette[i % palette.length],
        spanGaps: true
      };
    });
    var y = spec.rates ? { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; } } }
                       : { beginAtZero: true };
    canvas.chart = new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { y: y } }
    });
  });
})();
