// Starts Swagger UI on the server's own OpenAPI document. An external file, not an inline
// script: the server's Content-Security-Policy allows scripts from 'self' only.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
});
