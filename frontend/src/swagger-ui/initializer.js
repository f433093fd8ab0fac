// Points Swagger UI at the runtime's own document. A separate file, not an inline script: the
// console's Content-Security-Policy allows scripts from 'self' only.
'use strict';
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/v3/api-docs',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
});
