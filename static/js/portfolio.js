/*
 * The portfolio's filters start folded on narrow screens (the table is what a phone shows
 * first); on wider screens they stay open. The fold is a plain <details>, so without this
 * script the filters are simply open.
 */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var filters = document.querySelector(".portfolio-filters");
  if (filters && window.matchMedia("(max-width: 640px)").matches) {
    filters.removeAttribute("open");
  }
});
