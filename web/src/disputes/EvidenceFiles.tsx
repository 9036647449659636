import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { disputes, errorMessage } from "../api/client";
import { qk } from "../api/keys";
import type { Dispute, DisputeFile } from "../api/types";
import { saveResponse } from "../lib/download";
import { formatDateTime } from "../lib/time";
import { useToast } from "../ui/toast";
import { useWorkspace } from "../workspace/hooks";
import { formatSize, MAX_FILES } from "./file";
import { FileUploadForm } from "./FileUploadForm";
import { purposeLabel } from "./labels";

function DownloadButton({ disputeId, file }: { disputeId: string; file: DisputeFile }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="btn btn-secondary btn-sm"
      aria-label={`Download ${file.filename}`}
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          const response = await disputes.downloadFile(disputeId, file.id);
          // The API names the download by the file's id; it is saved under the uploaded name.
          await saveResponse(new Response(await response.blob()), file.filename);
        } catch (error) {
          toast.error(errorMessage(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      {busy ? "Downloading…" : "Download"}
    </button>
  );
}

function FileList({ dispute, zone }: { dispute: Dispute; zone: string }) {
  if (dispute.files.length === 0) return <p className="muted">No files uploaded.</p>;
  return (
    <ul className="list-plain" aria-label="Uploaded files">
      {dispute.files.map((file) => (
        <li key={file.id} className="spread">
          <div>
            <strong>{file.filename}</strong> · {purposeLabel(file.purpose)}
            <div className="small muted">
              {formatSize(file.size)} · uploaded {formatDateTime(file.createdAt, zone)}
            </div>
          </div>
          <DownloadButton disputeId={dispute.id} file={file} />
        </li>
      ))}
    </ul>
  );
}

/** The files sent with the evidence; more can be added until it is submitted. */
export function EvidenceFiles({ dispute, zone }: { dispute: Dispute; zone: string }) {
  const client = useQueryClient();
  const scope = useWorkspace();
  const toast = useToast();
  // A new form (new Idempotency-Key, no file chosen) for each file.
  const [formKey, setFormKey] = useState(0);
  const open = dispute.status === "needs_response";

  const added = (file: DisputeFile) => {
    client.setQueryData<Dispute>(qk.dispute(scope, dispute.id), (current) =>
      current ? { ...current, files: [...current.files, file] } : current,
    );
    void client.invalidateQueries({ queryKey: ["disputes"] });
    toast.success(`${file.filename} uploaded`);
    setFormKey((key) => key + 1);
  };

  return (
    <section className="card" aria-labelledby="dispute-files">
      <h2 id="dispute-files">Files</h2>
      <FileList dispute={dispute} zone={zone} />
      {open &&
        (dispute.files.length < MAX_FILES ? (
          <FileUploadForm key={formKey} disputeId={dispute.id} onUploaded={added} />
        ) : (
          <p className="muted small">A dispute holds at most {MAX_FILES} files.</p>
        ))}
    </section>
  );
}
