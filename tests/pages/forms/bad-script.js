// Shows one bare "Error" above the form, silently, and empties every field.
document.querySelectorAll("form[data-bad]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var message = form.querySelector(".error");
    message.hidden = false;
    form.reset();
  });
});
