// The main menu folds behind a button on a phone. Without this script the menu simply stays
// open; with it, the button (a real <button>, so Enter, Space and Tab work) opens and closes
// it, and Escape closes it and returns focus to the button.
(function () {
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) return;
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { set(false); button.focus(); }
    });
  });
})();
