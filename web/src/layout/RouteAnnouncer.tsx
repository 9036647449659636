import { useEffect, useState } from "react";
import { useLocation } from "react-router";

/** Says the new page's title to screen readers after a client-side navigation. */
export function RouteAnnouncer() {
  const location = useLocation();
  const [message, setMessage] = useState("");
  useEffect(() => {
    // After the page has set its title.
    const timer = setTimeout(() => setMessage(document.title), 100);
    return () => clearTimeout(timer);
  }, [location.pathname]);
  return (
    <div
      className="visually-hidden"
      aria-live="polite"
      aria-atomic="true"
      data-testid="route-announcer"
    >
      {message}
    </div>
  );
}
