/*
 * The portfolio's filters start folded on narrow screens (the table is what a phone shows
 * first); on wider screens they stay open. The fold is a plain <details>, so without this
 * script the filters are simply open.
 */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // The entry the page was opened at is htmx's too, so going back to it reloads its table.
  if (document.getElementById("portfolio-form") && !(history.state && history.state.htmx)) {
    history.replaceState({ htmx: true }, "", window.location.href);
  }
  // Going back to an address of this page loads it afresh (no snapshot is kept: hx-history).
  if (window.htmx && document.getElementById("portfolio-form")) {
    window.htmx.config.refreshOnHistoryMiss = true;
  }
  var filters = document.querySelector(".portfolio-filters");
  if (filters && window.matchMedia("(max-width: 640px)").matches) {
    filters.removeAttribute("open");
  }
});

/*
 * The address keeps only what differs from the defaults: blank fields, the default sort and
 * the role's default owner are left out of the request htmx sends (and pushes into the
 * address), so a bookmark reads "?band=poor&sort=-mrr", not every empty field.
 */
document.addEventListener("htmx:configRequest", function (event) {
  var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("#portfolio-form");
  var data = event.detail.formData;
  if (!form || !data || event.detail.verb !== "get") {
    return;
  }
  var defaults = { sort: "name", owner: form.getAttribute("data-default-owner") || "all" };
  Array.from(data.keys()).forEach(function (key) {
    var values = data.getAll(key).filter(function (value) {
      return value !== "" && value !== defaults[key];
    });
    data.delete(key);
    values.forEach(function (value) { data.append(key, value); });
  });
});
