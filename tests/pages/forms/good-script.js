// Shows errors the accessible way: text next to each field, tied with
// aria-invalid and aria-describedby, a summary in an alert, focus on the
// first error, and the typed values kept.
document.querySelectorAll("form[data-errors]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var messages = JSON.parse(form.getAttribute("data-errors"));
    var first = null;
    form.querySelectorAll("[required]").forEach(function (field) {
      var id = field.id + "-error";
      var old = document.getElementById(id);
      if (old) old.remove();
      field.removeAttribute("aria-invalid");
      if (field.value.trim()) return;
      var message = document.createElement("span");
      message.id = id;
      message.className = "field-error";
      message.textContent = messages[field.name];
      field.insertAdjacentElement("afterend", message);
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", id);
      first = first || field;
    });
    form.querySelector("[role=alert]").textContent = first ? form.getAttribute("data-summary") : "";
    if (first) first.focus();
  });
});
