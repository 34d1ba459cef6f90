// The self-assessment and appraisal sheets, folded by area (<details class="area">; htmx
// fetches an area's rows the first time it is opened). Progressive enhancement: every link
// and form works without this file (the pages run under a CSP: no inline scripts).
// - Opening an area writes it in the address (?area=…): a reload, or coming back to the page,
//   opens the area the user was working in.
// - A link to a row (data-open-area, e.g. "missing evidence: 2.3") opens the row's area first
//   and, once htmx has loaded it, brings the row into view and focuses its first field.
(function () {
  "use strict";

  function remember(area) {
    if (!window.history || !window.history.replaceState) return;
    var url = new URL(window.location.href);
    url.searchParams.set("area", area.getAttribute("data-area"));
    window.history.replaceState(window.history.state, "", url.toString());
  }

  document.addEventListener("toggle", function (event) {
    var area = event.target;
    if (area.matches && area.matches("details.area") && area.open) remember(area);
  }, true);

  function reveal(id) {
    var row = document.getElementById(id);
    if (!row) return false;
    row.scrollIntoView({ block: "start" });
    var field = row.querySelector("input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])");
    if (field) field.focus({ preventScroll: true });
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-open-area]");
    if (!link) return;
    var area = document.getElementById(link.getAttribute("data-open-area"));
    if (!area) return; // not on this page: the link reloads it with the area open
    var target = decodeURIComponent(link.hash.slice(1));
    event.preventDefault();
    if (window.history && window.history.replaceState) {
      window.history.replaceState(window.history.state, "", link.href);
    }
    if (!area.open) area.open = true; // a closed area's rows load now (hx-trigger="toggle once")
    if (reveal(target)) return;
    area.addEventListener("htmx:afterSettle", function settled() {
      if (reveal(target)) area.removeEventListener("htmx:afterSettle", settled);
    });
  });
})();
