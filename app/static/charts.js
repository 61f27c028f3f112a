/* SafeCase charts: draw a chart from a table already on the page (progressive enhancement).
 *
 * A <table data-chart="bar|line"> is the source: the first cell of each body row is the
 * label, every header cell marked data-series is a series, and each of its cells gives its
 * number in data-value (empty: no figure). The chart goes into the element marked
 * data-chart-for="<table id>" (or just before the table). Options on the table:
 * data-horizontal="true" (bars across), data-stacked="true"; on a header cell
 * data-style="light" (a lighter, dashed-edged series: last year, a projection) or data-type="line" (a line over
 * bars). Without JavaScript, or if Chart.js is missing, the table is all there is — and it
 * is always there, so the numbers never depend on the drawing.
 */
(function () {
  "use strict";

  var COLOURS = ["#0b4f8a", "#a4161a", "#1e6b32", "#b7791f", "#5b3f8c", "#4a5560"];

  function number(cell) {
    var raw = cell ? cell.getAttribute("data-value") : null;
    if (raw === null || raw === "") return null;
    var value = Number(raw);
    return isFinite(value) ? value : null;
  }

  function text(el) {
    return (el.textContent || "").replace(/\s+/g, " ").trim();
  }

  function datasetsOf(table) {
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var labels = rows.map(function (row) {
      return text(row.cells[0]);
    });
    var datasets = [];
    headers.forEach(function (th, column) {
      if (!th.hasAttribute("data-series")) return;
      var colour = COLOURS[datasets.length % COLOURS.length];
      var projected = th.getAttribute("data-style") === "light";
      var dataset = {
        label: text(th),
        data: rows.map(function (row) {
          return number(row.cells[column]);
        }),
        backgroundColor: projected ? "rgba(11, 79, 138, 0.25)" : colour,
        borderColor: colour,
        borderWidth: projected ? 2 : 1,
        borderDash: projected ? [6, 4] : []
      };
      if (th.getAttribute("data-type") === "line") {
        dataset.type = "line";
        dataset.fill = false;
        dataset.backgroundColor = colour;
      }
      datasets.push(dataset);
    });
    return { labels: labels, datasets: datasets };
  }

  // Long category names (industries, communes) on a horizontal chart are shortened with "…"
  // so Chart.js does not clip them at the canvas edge; the full name is in the tooltip and
  // in the table below the chart.
  function categoryTicks(canvas) {
    return {
      callback: function (value) {
        var label = String(this.getLabelForValue(value));
        var room = Math.max(12, Math.floor((canvas.parentNode.clientWidth || 360) / 18));
        return label.length > room ? label.slice(0, room - 1) + "…" : label;
      }
    };
  }

  function draw(table) {
    var data = datasetsOf(table);
    if (!data.datasets.length || !data.labels.length) return;
    var holder = table.id && document.querySelector("[data-chart-for='" + table.id + "']");
    if (!holder) {
      holder = document.createElement("div");
      holder.className = "chart-box";
      table.parentNode.insertBefore(holder, table);
    }
    var canvas = document.createElement("canvas");
    var caption = table.caption ? text(table.caption) : "";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", caption || data.datasets.map(function (d) {
      return d.label;
    }).join(", "));
    holder.appendChild(canvas);
    var horizontal = table.getAttribute("data-horizontal") === "true";
    // Counts get whole-number ticks; durations and projections keep their decimals.
    var whole = data.datasets.every(function (d) {
      return d.data.every(function (v) {
        return v === null || Math.round(v) === v;
      });
    });
    var ticks = whole ? { precision: 0 } : {};
    var stacked = table.getAttribute("data-stacked") === "true";
    holder.classList.add("drawn");
    if (horizontal) holder.style.height = Math.max(12, data.labels.length * 2.4 + 6) + "rem";
    new window.Chart(canvas, {
      type: table.getAttribute("data-chart") === "line" ? "line" : "bar",
      data: data,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? "y" : "x",
        scales: {
          x: { stacked: stacked, beginAtZero: true, ticks: horizontal ? ticks : {} },
          y: { stacked: stacked, beginAtZero: true, ticks: horizontal ? categoryTicks(canvas) : ticks }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  function init() {
    if (!window.Chart) return;
    Array.prototype.forEach.call(document.querySelectorAll("table[data-chart]"), function (table) {
      try {
        draw(table);
      } catch (error) {
        // A chart that cannot be drawn leaves its table, which holds the same numbers.
        if (window.console) window.console.warn("chart not drawn", error);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
