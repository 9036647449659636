import { NavLink, Navigate, Route, Routes } from "react-router";
import { usePageTitle } from "../layout/usePageTitle";
import { AccountTab } from "./AccountTab";
import { ApiKeysTab } from "./ApiKeysTab";
import { AuditTab } from "./AuditTab";
import { LimitsTab } from "./LimitsTab";
import { SecurityTab } from "./SecurityTab";
import { TeamTab } from "./TeamTab";

const TABS = [
  { path: "account", label: "Account" },
  { path: "security", label: "Security" },
  { path: "api-keys", label: "API keys" },
  { path: "team", label: "Team" },
  { path: "audit-log", label: "Audit log" },
  { path: "limits", label: "Rate limits" },
];

export function SettingsPage() {
  usePageTitle("Settings");
  return (
    <div className="page">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <nav className="tabs" aria-label="Settings sections">
        {TABS.map((tab) => (
          <NavLink key={tab.path} to={`/settings/${tab.path}`}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<Navigate to="account" replace />} />
        <Route path="account" element={<AccountTab />} />
        <Route path="security" element={<SecurityTab />} />
        <Route path="api-keys" element={<ApiKeysTab />} />
        <Route path="team" element={<TeamTab />} />
        <Route path="audit-log" element={<AuditTab />} />
        <Route path="limits" element={<LimitsTab />} />
      </Routes>
    </div>
  );
}
