// A form marked data-submit-once is sent once: a second click while the first is on its way does
// nothing (the server also makes one dossier of a repeated submission_key, without JavaScript).
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-submit-once]");
  for (var i = 0; i < forms.length; i += 1) {
    forms[i].addEventListener("submit", function (event) {
      var form = event.currentTarget;
      if (form.getAttribute("data-sent")) {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sent", "1");
      form.setAttribute("aria-busy", "true");
    });
  }
})();
