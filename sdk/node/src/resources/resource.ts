import { type Method, type RequestOptions, type Transport, jsonOf } from "../http.js";
import type { Deleted, ExportFile } from "../models/common.js";
import { Page, type PageData, type PagePromise, pagePromise } from "../pagination.js";
import { type ApiResponse, withResponse } from "../response.js";

/** An id placed in a path, so that no id can reach another route. */
export function segment(id: string): string {
  if (typeof id !== "string" || id === "") throw new TypeError("An id is required.");
  // URLs resolve these segments away, whatever the encoding of the rest.
  if (id === "." || id === "..") throw new TypeError(`${JSON.stringify(id)} is not an id.`);
  return encodeURIComponent(id);
}

interface Call {
  query?: object | undefined;
  body?: unknown;
  headers?: Record<string, string> | undefined;
  options?: RequestOptions | undefined;
}

/** What every resource shares: one transport, and the shapes of its answers. */
export abstract class Resource {
  constructor(protected readonly transport: Transport) {}

  protected async call<T extends object>(
    method: Method,
    path: string,
    call: Call = {},
  ): Promise<ApiResponse<T>> {
    const answer = await this.transport.request({ method, path, ...call });
    return withResponse(jsonOf(answer) as T, answer.meta);
  }

  protected async remove(
    path: string,
    id: string,
    options?: RequestOptions,
  ): Promise<ApiResponse<Deleted>> {
    const answer = await this.transport.request({ method: "DELETE", path, options });
    return withResponse({ id, deleted: true }, answer.meta);
  }

  /** `path` may be a function, so that a bad id rejects the list's promise as it does others'. */
  protected paginate<T>(
    path: string | (() => string),
    query: object | undefined,
    options?: RequestOptions,
  ): PagePromise<T> {
    const load = async (pageQuery: object | undefined): Promise<Page<T>> => {
      const answer = await this.transport.request({
        method: "GET",
        path: typeof path === "string" ? path : path(),
        query: pageQuery,
        options,
      });
      return new Page(jsonOf(answer) as PageData<T>, answer.meta, fetchPage);
    };
    const fetchPage = (page: number, limit: number): Promise<Page<T>> =>
      load({ ...query, page, limit });
    return pagePromise(load(query));
  }

  protected async file(
    path: string,
    query: object | undefined,
    options?: RequestOptions,
  ): Promise<ApiResponse<ExportFile>> {
    const answer = await this.transport.request({ method: "GET", path, query, options });
    const disposition = answer.meta.headers["content-disposition"] ?? "";
    const file: ExportFile = {
      body: answer.body,
      contentType: answer.meta.headers["content-type"] ?? "application/octet-stream",
      filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? null,
    };
    return withResponse(file, answer.meta);
  }
}

/** A payment's client secret travels in its header only. */
export function clientSecretHeader(
  clientSecret: string | undefined,
): Record<string, string> | undefined {
  return clientSecret === undefined ? undefined : { "Expe-Client-Secret": clientSecret };
}
