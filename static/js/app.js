/*
 * The pages' only script besides htmx. The Content-Security-Policy forbids inline handlers,
 * so behaviour is declared with data attributes and wired here:
 *   <form data-confirm="Question?">   asks before submitting (the text is never evaluated);
 *   <select data-autosubmit>          submits its form when the choice changes.
 * Listeners sit on the document, so content swapped in by htmx is covered too.
 */
"use strict";

document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) {
    return;
  }
  if (!window.confirm(form.getAttribute("data-confirm"))) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit();
  }
});

/*
 * The top bar folds behind "Menu" (a <details>) on narrow screens; on wide ones CSS shows its
 * content with ::details-content. Browsers without that selector get the menu opened here.
 * Escape closes an open drop-down menu and puts the focus back on its button.
 */
(function () {
  var nav = document.querySelector(".nav-collapse");
  if (nav && window.CSS && !CSS.supports("selector(::details-content)")) {
    var wide = window.matchMedia("(min-width: 1101px)");
    var sync = function () { nav.open = wide.matches; };
    sync();
    wide.addEventListener("change", sync);
  }
})();

document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") {
    return;
  }
  var open = document.activeElement && document.activeElement.closest("details[open]");
  if (open && (open.classList.contains("navmenu") || open.classList.contains("nav-collapse") || open.classList.contains("menu"))) {
    open.open = false;
    open.querySelector("summary").focus();
  }
});

/*
 * The top bar's drop-down menus (More, Settings, the user's): opening one closes the others,
 * and a click elsewhere closes them, so two menus never lie on top of each other.
 */
document.addEventListener("toggle", function (event) {
  var menu = event.target;
  if (!(menu instanceof HTMLDetailsElement) || !menu.classList.contains("navmenu") || !menu.open) {
    return;
  }
  document.querySelectorAll("details.navmenu[open]").forEach(function (other) {
    if (other !== menu) {
      other.open = false;
    }
  });
}, true);

document.addEventListener("click", function (event) {
  document.querySelectorAll("details.navmenu[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) {
      menu.open = false;
    }
  });
});
