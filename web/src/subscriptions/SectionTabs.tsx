import { NavLink } from "react-router";

/** Subscriptions and plans: one entry in the main nav, two tabs here. */
export function SectionTabs() {
  return (
    <nav className="tabs" aria-label="Subscriptions sections">
      <NavLink to="/subscriptions" end>
        Subscriptions
      </NavLink>
      <NavLink to="/subscriptions/plans">Plans</NavLink>
    </nav>
  );
}
