// The province's long lists (appraisal queue, council, publication), progressively enhanced:
// every control works without this file (CSP forbids inline scripts; this is a static file).
// - a select with data-autosubmit submits its form when it changes (the "Lọc" button stays);
// - a checkbox with data-select-all="NAME" appears and ticks every enabled box named NAME.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("select[data-autosubmit]") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
      return;
    }
    if (target.matches("input[data-select-all]")) {
      var name = target.getAttribute("data-select-all");
      document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
        if (!box.disabled) box.checked = target.checked;
      });
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-select-all][hidden]").forEach(function (box) {
      box.hidden = false;
    });
  });
})();
