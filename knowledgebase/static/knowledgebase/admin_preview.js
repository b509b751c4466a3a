/*
 * Live preview of an article's Markdown in the admin site. Each body textarea that carries
 * data-preview-url gets a preview box under it; typing pauses for a moment, then the text is
 * POSTed (with the page's CSRF token) and the sanitised HTML that comes back is shown. The
 * HTML is made by the server's renderer, which readers' pages use too, so what is shown here
 * is what readers will see. Listeners sit on the document, so rows added with "Add another"
 * are covered too.
 */
"use strict";

(function () {
  var DELAY = 400;
  var timers = new WeakMap();
  var sent = new WeakMap();

  function csrfToken(field) {
    var input = field.form && field.form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) {
      return input.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function box(field) {
    var next = field.nextElementSibling;
    if (next && next.classList.contains("kb-preview")) {
      return next;
    }
    var preview = document.createElement("div");
    preview.className = "kb-preview";
    preview.setAttribute("aria-live", "polite");
    var label = document.createElement("div");
    label.className = "kb-preview-label";
    label.textContent = field.getAttribute("data-preview-label") || "Preview";
    var content = document.createElement("div");
    content.className = "kb-preview-content";
    preview.appendChild(label);
    preview.appendChild(content);
    field.insertAdjacentElement("afterend", preview);
    return preview;
  }

  function show(field) {
    var url = field.getAttribute("data-preview-url");
    if (!url || field.name.indexOf("__prefix__") !== -1) {
      return;
    }
    var preview = box(field);
    var content = preview.querySelector(".kb-preview-content");
    var text = field.value;
    if (sent.get(field) === text) {
      return;
    }
    sent.set(field, text);
    var body = new FormData();
    body.append("body", text);
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(field), "X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.json().then(function (data) {
        return {ok: response.ok, data: data};
      });
    }).then(function (result) {
      if (sent.get(field) !== text) {
        return; // a newer text is on its way
      }
      preview.classList.toggle("kb-preview-error", !result.ok);
      if (result.ok) {
        // Sanitised by the server (knowledgebase.rendering), the same HTML readers get.
        content.innerHTML = result.data.html;
      } else {
        content.textContent = result.data.error || "";
      }
    }).catch(function () {
      sent.delete(field);
      preview.classList.add("kb-preview-error");
    });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || !field.hasAttribute("data-preview-url")) {
      return;
    }
    clearTimeout(timers.get(field));
    timers.set(field, setTimeout(function () { show(field); }, DELAY));
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-preview-url]").forEach(function (field) {
      if (field.value) {
        show(field);
      }
    });
  });
})();
