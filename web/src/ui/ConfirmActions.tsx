// The two buttons of a confirmation dialog: keep things as they are, or do the irreversible
// thing. A failure is shown as a toast and the dialog stays open; success says so and closes it.
import { errorMessage } from "../api/client";
import { useToast } from "./toast";

interface Props {
  confirmLabel: string;
  done: string;
  action: () => Promise<unknown>;
  onDone: () => void;
  onKeep: () => void;
}

export function ConfirmActions({ confirmLabel, done, action, onDone, onKeep }: Props) {
  const toast = useToast();
  return (
    <div className="modal-actions">
      <button type="button" className="btn btn-secondary" onClick={onKeep}>
        Keep it
      </button>
      <button
        type="button"
        className="btn btn-danger"
        onClick={async () => {
          try {
            await action();
            toast.success(done);
            onDone();
          } catch (error) {
            toast.error(errorMessage(error));
          }
        }}
      >
        {confirmLabel}
      </button>
    </div>
  );
}
