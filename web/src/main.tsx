import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { config as zodConfig } from "zod";
import "./styles/app.css";
import { App } from "./App";
import { applyTheme, watchSystemTheme } from "./ui/theme";

// zod builds its object parsers with `new Function` where it may; the page's policy forbids eval,
// and the probe zod makes to find out is itself reported as a violation.
zodConfig({ jitless: true });

// Before the first paint, so the page never flashes the wrong theme (no inline script: CSP).
applyTheme();
watchSystemTheme();

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
