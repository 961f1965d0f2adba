// Shows an error next to every empty field that has one, in the field's own
// paragraph, but neither marks the field aria-invalid nor ties the message to
// it with aria-describedby.
document.querySelectorAll("form[data-unlinked]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    form.querySelectorAll("[data-error]").forEach(function (field) {
      if (field.value.trim() || field.parentElement.querySelector(".error")) return;
      var message = document.createElement("span");
      message.className = "error";
      message.textContent = field.getAttribute("data-error");
      field.insertAdjacentElement("afterend", message);
    });
  });
});
