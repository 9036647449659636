import { useState } from "react";
import { useToast } from "./toast";

function execCopy(): boolean {
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older browsers, or no permission: a hidden textarea and execCommand.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    const ok = execCopy();
    area.remove();
    return ok;
  }
}

interface Props {
  value: string;
  /** What is copied, for the accessible name: "Copy payment ID". */
  label?: string;
  showValue?: boolean;
}

/** An id (or secret) with a button that copies it. */
export function CopyButton({ value, label = "ID", showValue = false }: Props) {
  const toast = useToast();
  const [copied, setCopied] = useState(false);
  const onClick = async () => {
    if (await copyText(value)) {
      setCopied(true);
      toast.success(`${label} copied`);
      setTimeout(() => setCopied(false), 1500);
    } else {
      toast.error("Could not copy to the clipboard");
    }
  };
  return (
    <span className="copy">
      {showValue && <code className="mono">{value}</code>}
      <button
        type="button"
        className="btn-icon"
        onClick={onClick}
        aria-label={`Copy ${label} ${value}`}
        title={`Copy ${label}`}
      >
        {copied ? (
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
            <path d="M4 10.5l4 4 8-9" fill="none" stroke="currentColor" strokeWidth="2" />
          </svg>
        ) : (
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
            <rect
              x="6"
              y="6"
              width="10"
              height="11"
              rx="2"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.6"
            />
            <path
              d="M4 13V4.5A1.5 1.5 0 0 1 5.5 3H13"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.6"
            />
          </svg>
        )}
      </button>
    </span>
  );
}

/** An id shown in monospace with its copy button. */
export function Id({ value, label = "ID" }: { value: string; label?: string }) {
  return <CopyButton value={value} label={label} showValue />;
}
