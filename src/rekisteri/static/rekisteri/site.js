// Progressive enhancement only: every form works without this file.
// A form marked data-autosubmit submits when one of its selects changes (the language switch).
document.addEventListener("change", function (event) {
  var form = event.target.closest && event.target.closest("form[data-autosubmit]");
  if (form && event.target.tagName === "SELECT") {
    form.submit();
  }
});
