// Draws the stacked bar charts whose data a page embeds with json_script.
(function () {
  var canvas = document.getElementById("registered-chart");
  var source = document.getElementById("registered-data");
  if (!canvas || !source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var colours = ["#1565c0", "#ef6c00", "#6a1b9a"];
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (s, i) {
        return { label: s.label, data: s.data, backgroundColor: colours[i % colours.length] };
      })
    },
    options: { responsive: true, maintainAspectRatio: false, indexAxis: "y",
               scales: { x: { stacked: true }, y: { stacked: true } } }
  });
})();
