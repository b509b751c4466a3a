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
