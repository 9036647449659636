import { Link } from "react-router";
import { EmptyState } from "../ui/EmptyState";
import { usePageTitle } from "./usePageTitle";

export function NotFoundPage() {
  usePageTitle("Page not found");
  return (
    <div className="page">
      <h1>Page not found</h1>
      <EmptyState
        illustration="search"
        title="There is nothing at this address"
        action={
          <Link className="btn" to="/">
            Go to the overview
          </Link>
        }
      />
    </div>
  );
}
