/* "Explore the data": a row's address (explore.html#<row id>) shows that row.
 *
 * The tables are itables (DataTables); each registers its DataTables API in
 * window.nkExploreTables when it is ready (book/nkbook/explore.py). For the row the address
 * names, this clears the table's search and filters if the row is hidden, goes to the row's
 * page, scrolls it into view and highlights it; the same when the address changes. Rows on
 * the current page carry their row id as their element id.
 */
(function () {
  "use strict";

  function rowId(data) {
    const cell = Array.isArray(data) ? data[0] : Object.values(data)[0];
    return String(cell).replace(/<[^>]*>/g, "").trim();
  }

  function labelRows(api) {
    api.rows({ page: "current" }).every(function () {
      const node = this.node();
      if (node) node.id = rowId(this.data());
    });
  }

  function findRow(api, id) {
    let found = null;
    api.rows().every(function (index) {
      if (found === null && rowId(this.data()) === id) found = index;
    });
    return found;
  }

  function shown(api, index) {
    return api.rows({ page: "current" }).indexes().toArray().includes(index);
  }

  function clearFilters(api) {
    api.search("");
    api.columns().search("");
    if (api.searchPanes) api.searchPanes.clearSelections();
    if (api.searchBuilder) api.searchBuilder.rebuild({ criteria: [], logic: "AND" });
    api.draw(false);
  }

  function reveal(api, index) {
    if (!shown(api, index)) {
      if (!api.rows({ search: "applied" }).indexes().toArray().includes(index)) clearFilters(api);
      const order = api.rows({ search: "applied", order: "applied" }).indexes().toArray();
      const length = api.page.len();
      api.page(length > 0 ? Math.floor(order.indexOf(index) / length) : 0).draw(false);
    }
    const node = api.row(index).node();
    document.querySelectorAll(".nk-row-target").forEach((n) => n.classList.remove("nk-row-target"));
    node.classList.add("nk-row-target");
    node.setAttribute("tabindex", "-1");
    node.scrollIntoView({ block: "center" });
    node.focus({ preventScroll: true });
  }

  function showAddressed() {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    for (const api of window.nkExploreTables || []) {
      const index = findRow(api, id);
      if (index !== null) {
        reveal(api, index);
        return;
      }
    }
  }

  // Names for the controls the filter panes draw without one (their search inputs carry
  // only a title; their lists scroll), and one name per table for its page navigation.
  function nameControls(api) {
    const container = api.table().container();
    const caption = api.table().node().querySelector("caption");
    const table = caption ? caption.textContent.replace(/\s*\(.*\)$/, "") : "table";
    container.querySelectorAll("input[title]:not([aria-label])").forEach((input) => {
      input.setAttribute("aria-label", input.title);
    });
    container.querySelectorAll(".dtsp-searchPane .dt-scroll-body").forEach((body) => {
      const pane = body.closest(".dtsp-searchPane").querySelector("input[title]");
      body.setAttribute("tabindex", "0");
      body.setAttribute("role", "region");
      body.setAttribute("aria-label", `${table}: ${pane ? pane.placeholder : "values"} to filter by`);
    });
    container.querySelectorAll('nav[aria-label="pagination"]').forEach((nav) => {
      nav.setAttribute("aria-label", `Pages of the ${table.toLowerCase()} table`);
    });
  }

  function register(api) {
    if (api.nkExplore) return;
    api.nkExplore = true;
    nameControls(api);
    labelRows(api);
    api.on("draw", () => {
      labelRows(api);
      nameControls(api);
    });
    showAddressed();
  }

  (window.nkExploreTables || []).forEach(register);
  document.addEventListener("nk-explore-table", (event) => register(event.detail));
  window.addEventListener("hashchange", showAddressed);
})();
