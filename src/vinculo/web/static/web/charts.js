// Draws the horizontal bar charts a page asks for: each <canvas data-chart="ID"> reads its data,
// {labels: [...], series: [{label, data: [...]}, ...]}, from the json_script element ID. Several
// series stack. The same numbers are always in a table beside the chart.
(function () {
  if (!window.Chart) { return; }
  var colours = ["#1565c0", "#ef6c00", "#6a1b9a"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: colours[i % colours.length] };
        })
      },
      // Numbers on the axes in the page's language ("1 200" in Spanish, "1,200" in English).
      options: { locale: document.documentElement.lang || undefined,
                 responsive: true, maintainAspectRatio: false, indexAxis: "y",
                 plugins: { legend: { display: data.series.length > 1 } },
                 // A long name (a fair's, a programme's) is cut on a phone's width rather than
                 // pushing the bars off the screen; the table beside the chart has it whole.
                 scales: { x: { stacked: true },
                           y: { stacked: true, ticks: { callback: function (value) {
                             var label = String(this.getLabelForValue(value));
                             return label.length > 24 ? label.slice(0, 23) + "…" : label;
                           } } } } }
    });
  });
})();
