// Swagger UI over the gateway's own OpenAPI document; "Try it out" calls this same origin.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: true,
  persistAuthorization: false,
  displayRequestDuration: true,
  showExtensions: true,
  defaultModelsExpandDepth: 0,
});
