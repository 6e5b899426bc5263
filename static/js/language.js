// The language switcher submits itself when a language is chosen (no inline script: CSP).
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("language");
  if (select) select.addEventListener("change", function () { select.form.submit(); });
});
