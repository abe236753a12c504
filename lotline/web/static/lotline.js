// lotline's own script: the CSRF header on every htmx request, and refusals (422) swapped in.
(function () {
  function cookie(name) {
    var found = document.cookie.split("; ").find(function (c) { return c.indexOf(name + "=") === 0; });
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true },
    { code: "[45]..", swap: false, error: true },
  ];
  htmx.config.historyCacheSize = 0;
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["x-csrftoken"] = cookie("csrftoken");
  });
  // A server error htmx does not swap: say so at the top of the page.
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("messages");
    if (box && !event.detail.xhr.getResponseHeader("HX-Retarget")) {
      box.innerHTML = '<p class="alert error" role="alert">The server could not do this (' +
        event.detail.xhr.status + "). Nothing was saved.</p>";
    }
  });
  // Dialogs: close buttons and Escape.
  document.addEventListener("click", function (event) {
    var closer = event.target.closest("[data-close]");
    if (closer) { closer.closest("dialog").remove(); }
  });
})();
