import type { RequestOptions } from "../http.js";
import type { ExportFile } from "../models/common.js";
import type {
  Entry,
  TopupCreateParams,
  Topup,
  Transfer,
  TransferCreateParams,
  Wallet,
  WalletCreateParams,
  WalletList,
} from "../models/wallets.js";
import type { ListParams, PagePromise } from "../pagination.js";
import type { ApiResponse } from "../response.js";
import { Resource, segment } from "./resource.js";

const WALLETS = "/api/v1/wallets";

/** The merchant's wallets (one per currency and mode) and their statements. */
export class Wallets extends Resource {
  /** Opens the wallet in a currency, or returns the one already open. */
  async create(params: WalletCreateParams, options?: RequestOptions): Promise<ApiResponse<Wallet>> {
    return this.call("POST", WALLETS, { body: params, options });
  }

  async retrieve(id: string, options?: RequestOptions): Promise<ApiResponse<Wallet>> {
    return this.call("GET", `${WALLETS}/${segment(id)}`, { options });
  }

  async list(options?: RequestOptions): Promise<ApiResponse<WalletList>> {
    return this.call("GET", WALLETS, { options });
  }

  /** The wallet's statement, newest first. */
  entries(id: string, params?: ListParams, options?: RequestOptions): PagePromise<Entry> {
    return this.paginate(() => `${WALLETS}/${segment(id)}/entries`, params, options);
  }

  /** The whole statement as CSV. */
  async exportEntries(id: string, options?: RequestOptions): Promise<ApiResponse<ExportFile>> {
    return this.file(`${WALLETS}/${segment(id)}/entries`, { format: "csv" }, options);
  }
}

/** Money into a wallet from a sandbox bank account or UPI id. */
export class Topups extends Resource {
  async create(params: TopupCreateParams, options?: RequestOptions): Promise<ApiResponse<Topup>> {
    return this.call("POST", "/api/v1/topups", { body: params, options });
  }

  async retrieve(id: string, options?: RequestOptions): Promise<ApiResponse<Topup>> {
    return this.call("GET", `/api/v1/topups/${segment(id)}`, { options });
  }
}

/** Money from one of the merchant's wallets to another wallet, or to a verified user by email. */
export class Transfers extends Resource {
  async create(
    params: TransferCreateParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<Transfer>> {
    return this.call("POST", "/api/v1/transfers", { body: params, options });
  }

  async retrieve(id: string, options?: RequestOptions): Promise<ApiResponse<Transfer>> {
    return this.call("GET", `/api/v1/transfers/${segment(id)}`, { options });
  }
}
