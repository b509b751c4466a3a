/* KPI trends: editing a From/To day switches the range to "From – to", before the change
   reaches the form (htmx sends the form on change; without JavaScript the user picks
   "From – to" and presses Show). */
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("[data-custom-range]")) return;
  var range = input.form && input.form.elements.namedItem("range");
  if (range) range.value = "custom";
}, true);
