import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./styles/app.css";
import { App } from "./App";
import { applyTheme, watchSystemTheme } from "./ui/theme";

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
