// The page around Swagger UI: takes a token (typed in, or `/docs#token=...`, which never reaches the server),
// loads the live /api/v1/openapi.json with it and hands the document and the token to Swagger UI, so "Try it
// out" calls carry it. The token is kept in this tab's sessionStorage only.
(function () {
  'use strict';
  var form = document.getElementById('mmf-token-bar');
  var input = document.getElementById('mmf-token');
  var status = document.getElementById('mmf-status');

  function tokenFromHash() {
    var match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
    if (!match) return null;
    history.replaceState(null, '', window.location.pathname); // out of the address bar and the history
    return decodeURIComponent(match[1]);
  }

  function load(token) {
    status.textContent = 'loading…';
    fetch('/api/v1/openapi.json', { headers: { Authorization: 'Bearer ' + token } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; });
      })
      .then(function (answer) {
        if (!answer.ok) {
          var error = answer.body && answer.body.error;
          status.textContent = answer.status + ': ' + (error ? error.message : 'the document could not be loaded');
          return;
        }
        sessionStorage.setItem('mmf-token', token);
        status.textContent = Object.keys(answer.body.paths || {}).length + ' paths';
        var ui = SwaggerUIBundle({
          spec: answer.body,
          dom_id: '#swagger-ui',
          deepLinking: true,
          docExpansion: 'list',
          defaultModelsExpandDepth: 0
        });
        ui.preauthorizeApiKey('bearer', token);
      })
      .catch(function (error) { status.textContent = 'failed: ' + error; });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (input.value.trim()) load(input.value.trim());
  });
  var token = tokenFromHash() || sessionStorage.getItem('mmf-token');
  if (token) load(token);
})();
