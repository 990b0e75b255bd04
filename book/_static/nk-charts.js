// Draws every chart of a page from the Vega spec embedded next to its container (the
// chart's Vega-Lite spec, compiled when the book was built: book/_ext/nkbook_figures.py).
// Vega comes from the book's own static files (no CDN).
//
// Each chart is drawn for the width of its column and the page's colour mode, and drawn again
// when either changes: the column's width (window resized, phone turned; debounced) or the
// theme's light/dark mode (`data-theme` on <html>). The spec in the page is never changed;
// every drawing starts from a copy of it, fitted by `fitSpec` and coloured by `colourSpec`.
(function () {
  "use strict";

  var REDRAW_DELAY_MS = 200;    // debounce of redraws while the window is being resized
  var NARROW_PX = 600;          // below this drawing width, legends stack into columns
  var LEGEND_COLUMN_PX = 150;   // room per legend column when legends wrap
  var Y_LABEL_SHARE = 0.4;      // share of the width the y-axis labels may take at most
  var X_TITLE_SHARE = 0.5;      // width of the plot, under which an x-axis title is centred
  var FIXED_VIEW_ROOM_PX = 70;  // room left of a fixed-width view for its y axis
  var MAX_FIT_ROUNDS = 4;       // redraws allowed to shrink a chart that still overflows

  // --- small helpers ---------------------------------------------------------------------

  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  function isObject(value) { return value && typeof value === "object" && !Array.isArray(value); }

  // Deep merge of `extra` into `base` (objects merged, anything else replaced); returns base.
  function merge(base, extra) {
    Object.keys(extra).forEach(function (key) {
      if (isObject(extra[key]) && isObject(base[key])) { merge(base[key], extra[key]); }
      else { base[key] = extra[key]; }
    });
    return base;
  }

  // Calls fn(view) for the spec and every group mark nested in it (Vega-Lite's layers,
  // concatenations and facets compile to groups, each with its own title, axes and legends).
  function eachView(spec, fn) {
    fn(spec);
    (spec.marks || []).forEach(function (mark) {
      if (mark.type === "group") { eachView(mark, fn); }
    });
  }

  // --- fitting a spec to a width ---------------------------------------------------------

  var measureContext = document.createElement("canvas").getContext("2d");

  // Splits a title into lines no wider than `width` pixels (Vega draws an array of
  // strings as several lines). Titles already given as lines are kept.
  function wrapText(text, width, fontSize, fontWeight, font) {
    if (typeof text !== "string") { return text; }
    measureContext.font = (fontWeight || "normal") + " " + fontSize + "px " + font;
    var lines = [], line = "";
    text.split(/\s+/).forEach(function (word) {
      var tried = line ? line + " " + word : word;
      if (line && measureContext.measureText(tried).width > width) {
        lines.push(line);
        line = word;
      } else {
        line = tried;
      }
    });
    if (line) { lines.push(line); }
    return lines.length > 1 ? lines : text;
  }

  // A view's or a channel's title wrapped to `width`; titles are strings or {text: ...}.
  function wrapTitle(title, width, style, font) {
    var params = isObject(title) ? title : { text: title };
    var size = params.fontSize || style.fontSize || 13;
    var weight = params.fontWeight || style.fontWeight;
    var text = wrapText(params.text, width, size, weight, font);
    return isObject(title) ? merge(title, { text: text }) : text;
  }

  function isSide(orient) { return orient === "left" || orient === "right"; }

  // Legends, axis labels and titles sized to `width`: titles wrap, y-axis (left or right)
  // labels take at most a share of the width, legends wrap into columns when the drawing is
  // narrow.
  function fitGuides(view, width, config) {
    var style = config.style || {};
    var titleStyle = merge(merge({}, style["group-title"] || {}), config.title || {});
    var font = titleStyle.font || (style["guide-title"] || {}).font || config.font || "sans-serif";
    if (view.title) { view.title = wrapTitle(view.title, width, titleStyle, font); }
    (view.axes || []).forEach(function (axis) {
      if (isSide(axis.orient)) {
        axis.labelLimit = Math.min(axis.labelLimit || 180, Math.round(width * Y_LABEL_SHARE));
      } else if (typeof axis.title === "string") {   // x titles run under the plot only
        axis.title = wrapTitle(axis.title, width * X_TITLE_SHARE, { fontSize: 12 }, font);
      }   // a y title is drawn sideways: its length runs along the height
    });
    var legendOrient = (config.legend || {}).orient || "right";
    (view.legends || []).forEach(function (legend) {
      if (typeof legend.title === "string") {
        legend.title = wrapTitle(legend.title, width * X_TITLE_SHARE, { fontSize: 12 }, font);
      }
      if (width < NARROW_PX) {
        delete legend.labelLimit;   // the config's limits and columns decide
        // the direction Vega-Lite gives a legend of its side when the spec sets none
        if (isSide(legend.orient || legendOrient)) { delete legend.direction; }
        else if (legend.direction) { legend.direction = "horizontal"; }
      }
    });
  }

  // Fixed-width views (concatenated views cannot use width "container") narrowed to fit:
  // a number as the spec's width, or a width signal of a value (not one Vega computes).
  function fitFixedWidth(spec, width, shrink) {
    var room = Math.max(80, width - FIXED_VIEW_ROOM_PX - shrink);
    if (typeof spec.width === "number") { spec.width = Math.min(spec.width, room); }
    (spec.signals || []).forEach(function (signal) {
      if (/(^|_)width$|^childWidth$/.test(signal.name) && typeof signal.value === "number") {
        signal.value = Math.min(signal.value, room);
      }
    });
  }

  // As many legend columns as the width holds, one fewer for each redraw that still overflowed.
  function legendColumns(width, fit) {
    return Math.max(1, Math.floor(width / LEGEND_COLUMN_PX) - fit.round);
  }

  // A copy of the spec fitted to `width` pixels. A drawing that still came out too wide is
  // fitted again (`fit.round` 1, 2, ...), tighter by what was measured: `fit.shrink` pixels
  // off the fixed-width views; `fit.cut` pixels more padding on the right for edge labels;
  // legend labels no longer than `fit.limit`; one legend column fewer each round.
  function fitSpec(spec, width, fit) {
    var fitted = copy(spec);
    fitted.config = fitted.config || {};
    var config = fitted.config;
    eachView(fitted, function (view) { fitGuides(view, width, config); });
    fitFixedWidth(fitted, width, fit.shrink);
    // legends in rows of as many columns as the width holds, rather than one long row
    var columns = legendColumns(width, fit);
    // the first and last time labels inside the plot, not half past its edges
    merge(config, { axisX: { labelFlush: true } });
    merge(config, { legend: { columns: columns, labelLimit: Math.max(60, Math.min(width - 40, fit.limit)),
                              titleLimit: width - 20 } });
    if (fit.cut) {   // room on the right for labels that reached past the edge
      fitted.padding = { left: 5, top: 5, bottom: 5, right: 5 + fit.cut };
    }
    return fitted;
  }

  // A narrow drawing's legends one under the other rather than side by side.
  function stackLegends(spec, width) {
    if (width < NARROW_PX) {
      merge(spec.config, { legend: { layout: {
        bottom: { anchor: "start", direction: "vertical" },
        top: { anchor: "start", direction: "vertical" } } } });
    }
    return spec;
  }

  // --- colours for the page's colour mode -------------------------------------------------

  function isDark() { return document.documentElement.dataset.theme === "dark"; }

  // A CSS custom property of the theme, or the fallback where the theme has none.
  function themeColour(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  // The page's colours, read from pydata-sphinx-theme's custom properties.
  function pageColours() {
    return {
      background: themeColour("--pst-color-background", "#14181e"),
      text: themeColour("--pst-color-text-base", "#ced6dd"),
      muted: themeColour("--pst-color-text-muted", "#9ca4af"),
      grid: themeColour("--pst-color-border", "#48566b")
    };
  }

  // A Vega config for dark pages: the page's background, light text, axes and grid.
  function darkConfig(page) {
    var label = { labelColor: page.text, titleColor: page.text };
    return {
      background: page.background,
      title: { color: page.text, subtitleColor: page.muted },
      axis: merge({ domainColor: page.muted, tickColor: page.muted, gridColor: page.grid }, label),
      // symbols that no scale colours (the size legend's dots) drawn in the muted text colour
      legend: merge({ symbolFillColor: page.muted, symbolStrokeColor: page.muted }, label),
      // facet headers and other guide text (Vega-Lite compiles them to these styles)
      style: { cell: { stroke: null }, "guide-label": { fill: page.text },
               "guide-title": { fill: page.text }, "group-title": { fill: page.text },
               "group-subtitle": { fill: page.muted } },
      text: { fill: page.text }
    };
  }

  // A neutral grey (or white/black) in a mark or scale, as its dark-page counterpart: white
  // becomes the page's background (outlines that separate dots), dark greys become light
  // greys of the same distance from the middle. Colours with a hue are kept.
  function darkCounterpart(colour, page) {
    var named = { white: "#ffffff", black: "#000000" };
    var hex = (named[colour] || colour).toLowerCase();
    var match = /^#([0-9a-f]{6}|[0-9a-f]{3})$/.exec(hex);
    if (!match) { return colour; }
    var digits = match[1].length === 3 ? match[1].replace(/./g, "$&$&") : match[1];
    var rgb = [0, 2, 4].map(function (i) { return parseInt(digits.substr(i, 2), 16); });
    if (Math.max.apply(null, rgb) - Math.min.apply(null, rgb) > 12) { return colour; }
    if (rgb[0] >= 0xf0) { return page.background; }
    if (rgb[0] >= 0x80) { return colour; }
    var light = (255 - rgb[0]).toString(16).padStart(2, "0");
    return "#" + light + light + light;
  }

  var COLOUR_KEYS = /^(color|fill|stroke|range|value|background)$/;

  // Replaces the neutral colours the spec sets itself (marks' colours, scale ranges), which
  // a config cannot override. Only values under colour keys change; data are left alone.
  function recolour(node, page) {
    Object.keys(node).forEach(function (key) {
      var value = node[key];
      if (key === "data" || key === "config") { return; }
      if (COLOUR_KEYS.test(key) && typeof value === "string") {
        node[key] = darkCounterpart(value, page);
      } else if (COLOUR_KEYS.test(key) && Array.isArray(value)) {
        node[key] = value.map(function (item) {
          return typeof item === "string" ? darkCounterpart(item, page) : item;
        });
      } else if (value && typeof value === "object") {
        recolour(value, page);   // nested views, encodings, marks, lists of them
      }
    });
  }

  // The fitted spec in the page's colour mode: the dark settings merged into its config.
  function colourSpec(spec) {
    if (!isDark()) { return spec; }
    var page = pageColours();
    recolour(spec, page);
    merge(spec.config, darkConfig(page));
    return spec;
  }

  // --- drawing ---------------------------------------------------------------------------

  // The width a chart may take: its container's, less the room for the action menu.
  function drawingWidth(target) {
    var style = getComputedStyle(target);
    return Math.floor(target.clientWidth - parseFloat(style.paddingLeft || 0)
                      - parseFloat(style.paddingRight || 0));
  }

  // How far a drawing reaches out of bounds: `svg`, pixels by which its SVG is wider than
  // `width`; `text`, pixels by which its text reaches past the SVG's right edge; `limit`, the
  // longest a label may be to end at that edge (for the longest label that does not).
  function excess(target, width) {
    var svg = target.querySelector("svg"), out = { svg: 0, text: 0, limit: Infinity };
    if (!svg) { return out; }
    var box = svg.getBoundingClientRect();
    out.svg = Math.max(0, Math.ceil(box.width - width));
    svg.querySelectorAll("text").forEach(function (node) {
      var r = node.getBoundingClientRect(), over = Math.ceil(r.right - box.right);
      if (over > 0) {
        out.text = Math.max(out.text, over);
        // only a legend label that reached past the edge shortens the legend's labels
        if (node.closest(".role-legend-label")) {
          out.limit = Math.min(out.limit, Math.floor(r.width - over - 2));
        }
      }
    });
    return out;
  }

  function labelSvg(el, target) {
    var svg = target.querySelector("svg");
    if (svg) {
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", el.getAttribute("aria-label") || "Chart");
    }
  }

  // The action menu (as vega-embed draws it, with its stylesheet in nk-charts.css): save the drawing
  // as SVG or PNG, made by Vega from the view on the page when the link is followed.
  var MENU_ICON = '<svg viewBox="0 0 16 16" fill="currentColor" aria-hidden="true"><circle r="2" cy="8" cx="2">'
    + '</circle><circle r="2" cy="8" cx="8"></circle><circle r="2" cy="8" cx="14"></circle></svg>';

  function addActions(el, target, view) {
    var details = document.createElement("details"), summary = document.createElement("summary");
    var menu = document.createElement("div");
    details.title = "Click to view actions";
    summary.setAttribute("aria-label", "Chart actions");
    summary.innerHTML = MENU_ICON;
    menu.className = "vega-actions";
    ["svg", "png"].forEach(function (ext) {
      var link = document.createElement("a");
      link.textContent = "Save as " + ext.toUpperCase();
      link.href = "#";
      link.target = "_blank";
      link.download = el.id + "." + ext;
      link.addEventListener("click", function (event) {
        if (link.dataset.made) { delete link.dataset.made; return; }   // follow the image made
        event.preventDefault();
        view.toImageURL(ext).then(function (url) {
          link.href = url;
          link.dataset.made = "1";
          link.click();
        });
      });
      menu.appendChild(link);
    });
    details.append(summary, menu);
    target.appendChild(details);
  }

  // Vega's tooltips (the spec's tooltip channels) in one box that follows the pointer.
  var tooltipBox = null;
  function showTooltip(handler, event, item, value) {
    if (!tooltipBox) {
      tooltipBox = document.createElement("div");
      tooltipBox.className = "nk-chart-tooltip";
      tooltipBox.setAttribute("role", "tooltip");
      document.body.appendChild(tooltipBox);
    }
    tooltipBox.hidden = value == null || value === "";
    if (tooltipBox.hidden) { return; }
    tooltipBox.replaceChildren();
    if (isObject(value)) {
      var table = document.createElement("table");
      Object.keys(value).forEach(function (key) {
        var row = table.insertRow();
        row.insertCell().textContent = key;
        row.insertCell().textContent = String(value[key]);
      });
      tooltipBox.appendChild(table);
    } else {
      tooltipBox.textContent = String(value);
    }
    var box = tooltipBox.getBoundingClientRect(), x = event.clientX + 10, y = event.clientY + 10;
    if (x + box.width > window.innerWidth) { x = Math.max(0, event.clientX - 10 - box.width); }
    if (y + box.height > window.innerHeight) { y = Math.max(0, event.clientY - 10 - box.height); }
    tooltipBox.style.left = x + "px";
    tooltipBox.style.top = y + "px";
  }

  // Draws the spec into `target` (emptied first) with Vega's SVG renderer.
  function embed(target, spec) {
    target.replaceChildren();
    var wrapper = document.createElement("div");
    wrapper.className = "chart-wrapper";
    target.appendChild(wrapper);
    return new Promise(function (resolve) {
      var view = new window.vega.View(window.vega.parse(spec), { renderer: "svg", container: wrapper });
      view.tooltip(showTooltip);
      resolve(view.runAsync());
    });
  }

  function showError(el, target, message) {
    target.textContent = message;
    el.classList.add("nk-chart-error");
  }

  // Draws one chart for its current width and colour mode; a drawing that still comes out
  // too wide is drawn again, fitted tighter by what was measured (see fitSpec).
  function render(el, fit) {
    fit = fit || { shrink: 0, cut: 0, limit: Infinity, round: 0 };
    var state = el.nkChart;
    var width = drawingWidth(state.target);
    var spec = stackLegends(colourSpec(fitSpec(state.spec, width, fit)), width);
    el.dataset.nkDrawing = "1";   // removed when this drawing is final
    var drawing = embed(state.target, spec);
    state.pending = drawing;
    return drawing.then(function (result) {
      if (state.pending !== drawing) { result.finalize(); return; }  // a newer drawing won
      if (state.view) { state.view.finalize(); }
      state.view = result;
      state.width = width;
      state.dark = isDark();
      // what was drawn, for readers of the page's state (the browser tests)
      el.dataset.nkWidth = String(width);
      el.dataset.nkMode = state.dark ? "dark" : "light";
      el.dataset.nkFit = JSON.stringify(fit);
      labelSvg(el, state.target);
      addActions(el, state.target, result);
      var out = excess(state.target, width);
      if ((out.svg || out.text) && fit.round < MAX_FIT_ROUNDS) {
        // legend labels are shortened only once the legend is down to one column
        var oneColumn = legendColumns(width, fit) === 1;
        return render(el, { shrink: fit.shrink + out.svg + out.text, cut: fit.cut + out.text,
                            limit: oneColumn ? Math.min(fit.limit, out.limit) : fit.limit,
                            round: fit.round + 1 });
      }
      delete el.dataset.nkDrawing;
      el.classList.add("nk-chart-ready");
    }).catch(function (err) {
      delete el.dataset.nkDrawing;
      showError(el, state.target, "The chart could not be drawn: " + err);
      if (window.console) { console.error(err); }
    });
  }

  // Draws again the charts whose width or colour mode changed since they were drawn.
  function redrawChanged() {
    document.querySelectorAll(".nk-chart").forEach(function (el) {
      var state = el.nkChart;
      if (!state || !state.view) { return; }
      if (drawingWidth(state.target) !== state.width || isDark() !== state.dark) {
        render(el);
      }
    });
  }

  var redrawTimer = null;
  function redrawSoon() {
    clearTimeout(redrawTimer);
    redrawTimer = setTimeout(redrawChanged, REDRAW_DELAY_MS);
  }

  // Sets up one chart: its drawing area, its spec from the JSON script, its first drawing.
  function setUp(el, resizes) {
    if (el.dataset.drawn) { return; }
    el.dataset.drawn = "1";
    var holder = el.querySelector(".nk-chart-spec");
    var target = document.createElement("div");
    target.className = "nk-chart-view vega-embed has-actions";
    el.appendChild(target);
    if (!window.vega || typeof window.vega.View !== "function") {
      showError(el, target, "The chart library did not load.");
      return;
    }
    var spec;
    try { spec = JSON.parse(holder.textContent); } catch (err) {
      showError(el, target, "The chart could not be drawn: " + err);
      return;
    }
    el.nkChart = { spec: spec, target: target };
    render(el);
    if (resizes) { resizes.observe(el); }
  }

  function draw() {
    var resizes = window.ResizeObserver ? new ResizeObserver(redrawSoon) : null;
    if (!resizes) { window.addEventListener("resize", redrawSoon); }
    document.querySelectorAll(".nk-chart").forEach(function (el) { setUp(el, resizes); });
    // a click elsewhere closes an open action menu
    document.addEventListener("click", function (event) {
      document.querySelectorAll(".nk-chart .vega-embed details[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
      });
    });
    // the theme's colour-mode button sets data-theme on <html>: follow it
    new MutationObserver(redrawChanged).observe(document.documentElement,
                                                 { attributes: true, attributeFilter: ["data-theme"] });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
