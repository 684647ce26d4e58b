// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the first error summary so screen reader users hear what went wrong.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});

// A live character count under text fields with a limit (e.g. the forum profile's "about me"): the page
// renders the count and a translated template ("{used} of 500 characters used."); this keeps it current.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("textarea[data-max-chars]").forEach(function (field) {
    var counter = document.getElementById(field.id + "_count");
    var max = parseInt(field.getAttribute("data-max-chars"), 10);
    if (!counter || !counter.getAttribute("data-template") || !max) { return; }
    var update = function () {
      var used = field.value.replace(/\r\n/g, "\n").trim().length;
      counter.textContent = counter.getAttribute("data-template").replace("{used}", used);
      counter.classList.toggle("forum-char-count-over", used > max);
    };
    field.addEventListener("input", update);
  });
});

// A "Print" button (the crisis plan's print page): hidden without JavaScript, where the page says how to print.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
