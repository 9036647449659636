import { NavLink, Route, Routes, useMatch } from "react-router";
import { usePageTitle } from "../layout/usePageTitle";
import { AttemptsTab } from "./AttemptsTab";
import { EndpointsTab } from "./EndpointsTab";
import { EndpointTestPanel } from "./EndpointTestPanel";
import { VerifyTab } from "./VerifyTab";

export function WebhooksPage() {
  usePageTitle("Webhooks");
  // An endpoint's test panel belongs to the Endpoints tab.
  const testing = useMatch("/webhooks/endpoints/*") !== null;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Webhooks</h1>
          <p className="muted">Signed HTTP POSTs to your servers as payments happen.</p>
        </div>
      </div>
      <nav className="tabs" aria-label="Webhooks sections">
        <NavLink
          to="/webhooks"
          end
          className={({ isActive }) => (isActive || testing ? "active" : undefined)}
        >
          Endpoints
        </NavLink>
        <NavLink to="/webhooks/attempts">Attempts</NavLink>
        <NavLink to="/webhooks/verify">Verify signature</NavLink>
      </nav>
      <Routes>
        <Route index element={<EndpointsTab />} />
        <Route path="endpoints/:endpointId" element={<EndpointTestPanel />} />
        <Route path="attempts" element={<AttemptsTab />} />
        <Route path="verify" element={<VerifyTab />} />
      </Routes>
    </div>
  );
}
