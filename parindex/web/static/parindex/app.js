/* parindex — small page behaviours, no inline scripts (the pages run under a CSP).
 *
 * - The menu's groups (<details class="navgroup">) close when another opens, on a click
 *   elsewhere and on Escape, as a menu does.
 * - A file box behind its "Chọn tệp…" button shows the chosen files' names
 *   (parindex/formfields: .filepick, .filepick-input, .filepick-name).
 * - A button with `data-print` prints the page (the printable self-assessment form).
 * - A select with `data-autosubmit` sends its form when changed (the language switch; the
 *   form's own button does it without this file).
 * - When htmx replaces the part of the page that holds the keyboard focus (a row saved in
 *   place), the focus goes back to the same control in the new content, not to the page's top.
 * Everything works without this file; it only makes it pleasanter.
 */
(function () {
  "use strict";

  function closeGroups(except) {
    document.querySelectorAll("details.navgroup[open]").forEach(function (group) {
      if (group !== except) group.removeAttribute("open");
    });
  }

  document.addEventListener("toggle", function (event) {
    var group = event.target;
    if (group.matches && group.matches("details.navgroup") && group.open) closeGroups(group);
  }, true);

  document.addEventListener("click", function (event) {
    if (!event.target.closest("details.navgroup")) closeGroups(null);
    if (event.target.closest("[data-print]")) window.print();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details.navgroup[open]");
    if (open) {
      open.removeAttribute("open");
      open.querySelector("summary").focus();
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("select[data-autosubmit]") && input.form) {
      input.form.submit();
      return;
    }
    if (!input.matches || !input.matches(".filepick input[type=file]")) return;
    var shown = input.closest(".filepick").querySelector(".filepick-name");
    if (!shown) return;
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    shown.textContent = names.length ? names.join(", ") : shown.getAttribute("data-empty");
  });

  var FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
  var lostFocus = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    lostFocus = null;
    if (!target || !target.id || !active || active === document.body || !target.contains(active)) return;
    var index = Array.prototype.indexOf.call(target.querySelectorAll(FOCUSABLE), active);
    lostFocus = { id: target.id, index: index };
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!lostFocus) return;
    var fresh = document.getElementById(lostFocus.id);
    var index = lostFocus.index;
    lostFocus = null;
    if (!fresh || fresh.contains(document.activeElement)) return;
    var spot = fresh.querySelectorAll(FOCUSABLE)[index];
    if (!spot) {
      spot = fresh;
      if (!fresh.hasAttribute("tabindex")) fresh.setAttribute("tabindex", "-1");
    }
    spot.focus({ preventScroll: true });
  });
})();
