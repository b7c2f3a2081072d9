// The staff sidebar on narrow screens: hidden behind the Menu button once this script runs.
// Without JavaScript the sidebar simply stays open above the page (nothing is lost).
(function () {
  var button = document.querySelector(".menu-toggle");
  var sidebar = document.getElementById("sidebar");
  if (!button || !sidebar) {
    return;
  }
  document.documentElement.classList.add("js-menu");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = sidebar.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
