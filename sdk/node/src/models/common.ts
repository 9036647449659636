/** `test` for sandbox keys and data, `live` for real money. */
export type Mode = "test" | "live";

/** An ISO 8601 time in UTC as the API sends it, e.g. `2025-01-31T10:15:02.417Z`. */
export type Timestamp = string;

/** A time sent to the API: a `Date` or an ISO 8601 string with its offset. */
export type TimeInput = Date | string;

/** A file the API streams, such as a CSV or Excel export. */
export interface ExportFile {
  /** The file's bytes; `Buffer.from(file.body).toString()` for CSV text. */
  body: Uint8Array;
  contentType: string;
  /** The name the API suggests in `Content-Disposition`. */
  filename: string | null;
}

/** What a delete answers. */
export interface Deleted {
  id: string;
  deleted: true;
}
