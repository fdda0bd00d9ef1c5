// A checkbox with data-select-all="NAME" ticks or clears every checkbox named NAME in its form
// (a group of workers on one flight). Without this script it stays hidden and each box is
// ticked by hand.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-select-all]").forEach(function (all) {
      var boxes = all.form.querySelectorAll('input[type=checkbox][name="' + all.dataset.selectAll + '"]');
      all.closest("[hidden]") && all.closest("[hidden]").removeAttribute("hidden");
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
      });
    });
  });
})();
