// Draws every chart of a page from the Vega-Lite spec embedded next to its container.
// vega, vega-lite and vega-embed come from the book's own static files (no CDN).
(function () {
  "use strict";
  // vega-embed's action menu: its <summary> shows only an icon; give it a name.
  function labelActions(el) {
    el.querySelectorAll(".vega-embed details > summary").forEach(function (summary) {
      summary.setAttribute("aria-label", "Chart actions");
      var icon = summary.querySelector("svg");
      if (icon) { icon.setAttribute("aria-hidden", "true"); }
    });
  }
  function draw() {
    var containers = document.querySelectorAll(".nk-chart");
    containers.forEach(function (el) {
      if (el.dataset.drawn) { return; }
      el.dataset.drawn = "1";
      var holder = el.querySelector(".nk-chart-spec");
      var target = document.createElement("div");
      target.className = "nk-chart-view";
      el.appendChild(target);
      if (typeof window.vegaEmbed !== "function") {
        target.textContent = "The chart library did not load.";
        el.classList.add("nk-chart-error");
        return;
      }
      var spec = JSON.parse(holder.textContent);
      window.vegaEmbed(target, spec, {
        renderer: "svg",
        actions: { export: true, source: false, compiled: false, editor: false },
        downloadFileName: el.id
      }).then(function (result) {
        var svg = target.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", el.getAttribute("aria-label") || "Chart");
        }
        labelActions(el);
        el.classList.add("nk-chart-ready");
      }).catch(function (err) {
        target.textContent = "The chart could not be drawn: " + err;
        el.classList.add("nk-chart-error");
        if (window.console) { console.error(err); }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
