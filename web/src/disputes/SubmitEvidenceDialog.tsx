import { disputes } from "../api/client";
import type { Dispute } from "../api/types";
import { useIdempotencyKey } from "../api/useIdempotencyKey";
import { ConfirmActions } from "../ui/ConfirmActions";
import { Modal } from "../ui/Modal";

interface Props {
  dispute: Dispute;
  /** The form holds changes not saved yet: they would not be part of the submission. */
  unsaved: boolean;
  onClose: () => void;
  onSubmitted: (dispute: Dispute) => void;
}

/** Sends the saved evidence and files for review. Mounted while open, so it starts afresh. */
export function SubmitEvidenceDialog({ dispute, unsaved, onClose, onSubmitted }: Props) {
  const keys = useIdempotencyKey();
  const files = dispute.files.length;
  return (
    <Modal open title="Submit this evidence?" onClose={onClose}>
      <p>
        The saved evidence and {files === 1 ? "1 file" : `${files} files`} go to the customer's bank
        for review. Submission is final: nothing can be changed or added afterwards.
      </p>
      {unsaved && (
        <p className="alert alert-warning">
          Some changes in the form are not saved, and would not be submitted. Save them first to
          include them.
        </p>
      )}
      <ConfirmActions
        confirmLabel="Submit evidence"
        done="Evidence submitted for review"
        action={async () => {
          try {
            const submitted = await disputes.submit(dispute.id, keys.keyFor(dispute.id));
            keys.settle();
            onSubmitted(submitted);
          } catch (error) {
            keys.settle(error);
            throw error;
          }
        }}
        onDone={onClose}
        onKeep={onClose}
      />
    </Modal>
  );
}
