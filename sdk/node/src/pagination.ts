/**
 * Page-numbered lists. A list call resolves with one page (`data`, `page`, `limit`, `total`,
 * `hasMore`) that also iterates every item of the list, fetching each next page only once the
 * items before it have been consumed.
 */

import type { ResponseMeta } from "./http.js";

export interface ListParams {
  /** 1 for the first page. */
  page?: number;
  /** Items per page, at most 100 (50 when left out). */
  limit?: number;
}

/** A page as the API sends it. */
export interface PageData<T> {
  data: T[];
  page: number;
  limit: number;
  total: number;
  hasMore: boolean;
}

export type FetchPage<T> = (page: number, limit: number) => Promise<Page<T>>;

export class Page<T> implements PageData<T>, AsyncIterable<T> {
  readonly data: T[];
  readonly page: number;
  readonly limit: number;
  readonly total: number;
  readonly hasMore: boolean;
  declare readonly lastResponse: ResponseMeta;
  readonly #fetchPage: FetchPage<T>;

  constructor(body: PageData<T>, meta: ResponseMeta, fetchPage: FetchPage<T>) {
    this.data = body.data;
    this.page = body.page;
    this.limit = body.limit;
    this.total = body.total;
    this.hasMore = body.hasMore;
    Object.defineProperty(this, "lastResponse", { value: meta, enumerable: false });
    this.#fetchPage = fetchPage;
  }

  /** The page after this one, or null on the last page. */
  async nextPage(): Promise<Page<T> | null> {
    return this.hasMore ? this.#fetchPage(this.page + 1, this.limit) : null;
  }

  /** Every item from this page on, across pages, one request per page as it is reached. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    let current: Page<T> | null = this;
    while (current !== null) {
      yield* current.data;
      // An empty page ends the walk even if the list claimed more (it shrank meanwhile).
      current = current.data.length > 0 ? await current.nextPage() : null;
    }
  }

  /** Every item from this page on, up to `max` of them. */
  async toArray(max = 10_000): Promise<T[]> {
    const items: T[] = [];
    if (max <= 0) return items;
    for await (const item of this) {
      items.push(item);
      if (items.length >= max) break;
    }
    return items;
  }
}

/**
 * What a list call returns: await it for the first page, or iterate it directly with
 * `for await` for every item across pages.
 */
export type PagePromise<T> = Promise<Page<T>> & AsyncIterable<T>;

export function pagePromise<T>(first: Promise<Page<T>>): PagePromise<T> {
  return Object.assign(first, {
    async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
      yield* await first;
    },
  });
}
