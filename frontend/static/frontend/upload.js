/*
 * Uploads with a progress bar and drag-and-drop, over forms that work without this script.
 *
 * A form marked data-upload-form is sent with XMLHttpRequest (fetch cannot report upload
 * progress) when it carries a file; the server answers {redirect} on success, where the page
 * goes as a plain submission would, or {message, errors} on refusal, shown on the form
 * without touching what was typed. Without a file the form is submitted the classic way.
 * A form with data-direct-start (documents kept in S3) sends its file straight to the bucket
 * instead, so a large file never crosses the app.
 */
(function () {
  "use strict";

  var node = document.getElementById("upload-strings");
  var strings = {};
  try { strings = node ? JSON.parse(node.textContent) : {}; } catch (e) { strings = {}; }

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function hasFile(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  // --- errors shown on the form, as the server would render them ---------------------------
  function clearErrors(form) {
    form.querySelectorAll("[data-js-error]").forEach(function (item) { item.remove(); });
    form.querySelectorAll(".field-invalid").forEach(function (field) { field.classList.remove("field-invalid"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
  }

  function showErrors(form, data) {
    clearErrors(form);
    var first = null;
    Object.keys(data.errors || {}).forEach(function (name) {
      var input = form.querySelector('[name="' + (name === "__all__" ? "" : name) + '"]');
      var list = document.createElement("ul");
      list.className = "errorlist";
      list.setAttribute("data-js-error", "");
      list.id = "js-error-" + (name === "__all__" ? "form" : name);
      data.errors[name].forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
      if (input && input.type !== "hidden") {
        input.parentNode.insertBefore(list, input);
        input.parentNode.classList.add("field-invalid");
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", list.id);
        first = first || input;
      }
    });
    var summary = document.createElement("div");
    summary.className = "form-errors";
    summary.setAttribute("role", "alert");
    summary.setAttribute("data-js-error", "");
    var text = document.createElement("p");
    text.textContent = data.message || strings.failed;
    summary.appendChild(text);
    form.insertBefore(summary, form.firstElementChild && form.firstElementChild.nextSibling);
    if (first) first.focus();
  }

  // --- sending ------------------------------------------------------------------------------
  function progressParts(form) {
    var box = form.querySelector("[data-upload-progress]");
    return {
      box: box,
      bar: box && box.querySelector("progress"),
      percent: box && box.querySelector("[data-upload-percent]"),
      status: form.querySelector("[data-upload-status]")
    };
  }

  function setProgress(parts, percent) {
    if (!parts.box) return;
    parts.box.hidden = false;
    parts.bar.value = percent;
    parts.percent.textContent = percent + " %";
    // Announced in steps of a quarter, not at every event, so screen readers are not flooded.
    var step = Math.floor(percent / 25) * 25;
    if (parts.status && parts.status.getAttribute("data-step") !== String(step)) {
      parts.status.setAttribute("data-step", String(step));
      parts.status.textContent = fill(strings.progress, { percent: step });
    }
  }

  // One POST; answers (status, JSON body or null). Progress, if asked, for the request body.
  function post(url, body, options) {
    return new Promise(function (resolve) {
      var request = new XMLHttpRequest();
      request.open("POST", url);
      if (options.ours) request.setRequestHeader("X-Requested-With", "fetch");
      request.responseType = "json";
      if (options.progress) {
        request.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) options.progress(Math.round(100 * event.loaded / event.total));
        });
        request.upload.addEventListener("load", function () { options.progress(100); });
      }
      request.addEventListener("load", function () {
        resolve({ status: request.status, data: request.response || {} });
      });
      request.addEventListener("error", function () { resolve({ status: 0, data: {} }); });
      request.send(body);
    });
  }

  function ok(answer) { return answer.status >= 200 && answer.status < 300; }

  function fileInput(form) {
    return Array.prototype.find.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  function csrf(form) {
    var body = new FormData();
    var token = form.querySelector("[name=csrfmiddlewaretoken]");
    if (token) body.append("csrfmiddlewaretoken", token.value);
    return body;
  }

  // Through the app: the whole form, file included; the view answers {redirect} or errors.
  function throughApp(form, progress) {
    return post(form.action, new FormData(form), { ours: true, progress: progress });
  }

  // Straight to S3: the form without its file gets an offer (a presigned POST) from the app,
  // the file goes to the bucket, then the app checks it and answers as the plain form would.
  // Whatever fails after the offer gives the offer up, so its room in the quota comes back.
  function direct(form, progress) {
    var input = fileInput(form);
    var file = input.files[0];
    var ask = new FormData(form);
    ask.delete(input.name);
    ask.append("file_name", file.name);
    ask.append("size", String(file.size));
    return post(form.getAttribute("data-direct-start"), ask, { ours: true }).then(function (offer) {
      if (!ok(offer)) return offer;
      var upload = new FormData();
      Object.keys(offer.data.fields).forEach(function (name) { upload.append(name, offer.data.fields[name]); });
      upload.append("file", file);  // last: S3 ignores fields after the file
      return post(offer.data.url, upload, { progress: progress }).then(function (sent) {
        if (ok(sent)) return post(offer.data.finish, csrf(form), { ours: true });
        post(offer.data.abandon, csrf(form), { ours: true });
        return { status: 0, data: { message: strings.storage_failed } };
      });
    });
  }

  function send(form) {
    var parts = progressParts(form);
    var buttons = form.querySelectorAll("button[type=submit]");
    function progress(percent) {
      setProgress(parts, percent);
      if (percent === 100 && parts.status) parts.status.textContent = strings.done;
    }
    buttons.forEach(function (button) { button.disabled = true; });
    form.setAttribute("aria-busy", "true");
    setProgress(parts, 0);
    var sending = form.hasAttribute("data-direct-start") ? direct(form, progress) : throughApp(form, progress);
    sending.then(function (answer) {
      if (ok(answer) && answer.data.redirect) {
        window.location.assign(answer.data.redirect);
        return;
      }
      buttons.forEach(function (button) { button.disabled = false; });
      form.removeAttribute("aria-busy");
      if (parts.box) parts.box.hidden = true;
      if (parts.status) parts.status.textContent = "";
      showErrors(form, answer.data.message ? answer.data : { message: strings.failed });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("[data-upload-form]");
    if (!form || !window.FormData || !hasFile(form) || event.defaultPrevented) return;
    event.preventDefault();
    send(form);
  });

  // --- drag and drop: the file lands in the form's own file input ---------------------------
  function chosen(zone, input) {
    var note = zone.querySelector("[data-drop-chosen]");
    if (!note) {
      note = document.createElement("p");
      note.className = "help";
      note.setAttribute("data-drop-chosen", "");
      note.setAttribute("aria-live", "polite");
      zone.appendChild(note);
    }
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    note.textContent = names.length ? fill(strings.chosen, { name: names.join(", ") }) : "";
  }

  document.querySelectorAll("[data-drop-zone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    if (!input || !window.DataTransfer) return;
    var hint = zone.querySelector("[data-drop-hint]");
    if (hint) hint.hidden = false;
    input.addEventListener("change", function () { chosen(zone, input); });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("is-dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) return;
      var transfer = new DataTransfer();
      // One document per upload: the first file dropped (multiple only if the input allows).
      Array.prototype.slice.call(files, 0, input.multiple ? files.length : 1).forEach(function (file) {
        transfer.items.add(file);
      });
      input.files = transfer.files;
      chosen(zone, input);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
})();
