import { Component } from "react";
import type { ErrorInfo, ReactNode } from "react";
import { EmptyState } from "./EmptyState";

interface Props {
  children: ReactNode;
  /** Changes of this value (the route's path) clear a caught error. */
  resetKey?: string;
}

interface State {
  error: Error | null;
}

/** One per route: a page that throws shows this instead of blanking the whole app. */
export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidUpdate(previous: Props) {
    if (previous.resetKey !== this.props.resetKey && this.state.error) {
      this.setState({ error: null });
    }
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("Page crashed", error, info.componentStack);
  }

  render() {
    if (!this.state.error) return this.props.children;
    const chunk = /dynamically imported module|Importing a module script failed/i.test(
      this.state.error.message,
    );
    return (
      <div className="page">
        <h1 className="visually-hidden">Something went wrong</h1>
        <EmptyState
          illustration="error"
          title={
            chunk ? "A new version of the dashboard is available" : "This page ran into a problem"
          }
          action={
            <div className="row">
              <button type="button" className="btn" onClick={() => this.setState({ error: null })}>
                Try again
              </button>
              <button
                type="button"
                className="btn btn-secondary"
                onClick={() => window.location.reload()}
              >
                Reload
              </button>
            </div>
          }
        >
          <p>{chunk ? "Reload to get it." : this.state.error.message}</p>
        </EmptyState>
      </div>
    );
  }
}
