// Progressive enhancements of every page; each works without JavaScript.
(function () {
  "use strict";
  // The site menu is a <details>: collapsed on phones, usable without JavaScript. On a wide
  // screen it is opened at load, so the links show in the header bar (CSS hides the summary).
  var menu = document.getElementById("site-menu");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 48rem)");
    var fit = function () {
      menu.open = wide.matches;
    };
    fit();
    if (wide.addEventListener) {
      wide.addEventListener("change", fit);
    }
  }
  // On a phone a wide table scrolls inside itself (CSS): it takes the keyboard focus, so it
  // can be scrolled with the arrow keys too (WCAG 2.1.1).
  var tables = document.querySelectorAll("main table");
  for (var i = 0; i < tables.length; i += 1) {
    if (tables[i].scrollWidth > tables[i].clientWidth + 1 && !tables[i].hasAttribute("tabindex")) {
      tables[i].setAttribute("tabindex", "0");
    }
  }
})();
