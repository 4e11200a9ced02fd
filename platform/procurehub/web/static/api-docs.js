// The interactive API documentation (Swagger UI, vendored in swagger-ui/) inside the site's
// layout. Started from this file rather than an inline script, so the page needs no
// 'unsafe-inline' in a Content Security Policy.
(function () {
  "use strict";
  var container = document.getElementById("swagger-ui-container");
  if (!container || !window.SwaggerUIBundle) {
    return;
  }
  var csrfToken = container.getAttribute("data-csrf-token");
  var config = {
    url: container.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui-container",
    deepLinking: true,
    // "Try it out" from a signed-in browser uses the session cookie; writes then need the
    // page's CSRF token, as every form of the site does. Requests elsewhere get nothing.
    requestInterceptor: function (request) {
      var sameSite = new URL(request.url, window.location.href).origin === window.location.origin;
      if (sameSite && csrfToken && !request.headers["Authorization"]) {
        request.headers["X-CSRFToken"] = csrfToken;
      }
      return request;
    },
  };
  var extra = JSON.parse(container.getAttribute("data-config") || "{}");
  Object.keys(extra).forEach(function (key) {
    config[key] = extra[key];
  });
  window.ui = window.SwaggerUIBundle(config);
})();
