import type { DisputeFileContentType } from "../api/types";

/** The API's limit on one evidence file, before base64. */
export const MAX_FILE_BYTES = 512 * 1024;

/** The API keeps at most this many files a dispute. */
export const MAX_FILES = 10;

const MAX_NAME_LENGTH = 200;

export const ACCEPTED_TYPES: DisputeFileContentType[] = [
  "application/pdf",
  "image/png",
  "image/jpeg",
];

// Some systems give no type for a file the browser does not know; its extension then says.
const BY_EXTENSION: Record<string, DisputeFileContentType> = {
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
};

export function contentTypeOf(file: Pick<File, "name" | "type">): DisputeFileContentType | null {
  const type = file.type.toLowerCase();
  if (type === "image/jpg") return "image/jpeg";
  if (ACCEPTED_TYPES.includes(type as DisputeFileContentType))
    return type as DisputeFileContentType;
  if (type) return null;
  const extension = file.name.split(".").pop()?.toLowerCase() ?? "";
  return BY_EXTENSION[extension] ?? null;
}

/** "300 B", "12.5 KB", "1.2 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const round = (value: number) => String(Math.round(value * 10) / 10);
  if (bytes < 1024 * 1024) return `${round(bytes / 1024)} KB`;
  return `${round(bytes / (1024 * 1024))} MB`;
}

/** Why the API would refuse the file, said before it is read and sent; null when it is fine. */
export function fileProblem(file: File | undefined): string | null {
  if (!file) return "Choose a file to upload";
  if (!contentTypeOf(file)) return `${file.name} is not a PDF, PNG or JPEG file`;
  if (file.size === 0) return `${file.name} is empty`;
  if (file.name.length > MAX_NAME_LENGTH)
    return `The file's name is longer than ${MAX_NAME_LENGTH} characters: rename it first`;
  if (file.size > MAX_FILE_BYTES)
    return `${file.name} is ${formatSize(file.size)}; a file can be at most ${formatSize(MAX_FILE_BYTES)}`;
  return null;
}

/** The file's bytes as base64, without the data-URL prefix. */
export function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(",") + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error("The file could not be read."));
    reader.readAsDataURL(file);
  });
}
