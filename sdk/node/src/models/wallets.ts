import type { Timestamp } from "./common.js";

export interface WalletCreateParams {
  /** ISO 4217; one wallet per currency and mode. */
  currency: string;
}

export interface Wallet {
  id: string;
  currency: string;
  mode: string;
  /** Minor units that can be spent now. */
  available: number;
  /** Minor units held for payments in progress. */
  held: number;
  total: number;
  owner: { type: "user" | "merchant" | "system"; id: string };
  createdAt: Timestamp;
}

export interface WalletList {
  data: Wallet[];
}

/** One line of a wallet's statement. */
export interface Entry {
  id: string;
  seq: number;
  movementId: string;
  kind: string;
  /** `declined` for a debit refused for lack of funds, which changed nothing. */
  status: "posted" | "declined";
  amount: number;
  availableChange: number;
  heldChange: number;
  /** The balance after this entry. */
  available: number;
  held: number;
  createdAt: Timestamp;
}

export type TopupSource = { type: "bank"; accountHolder?: string } | { type: "upi"; vpa?: string };

export interface TopupCreateParams {
  walletId: string;
  /** Minor units; in the sandbox an amount ending in 99 is declined (`topup_declined`). */
  amount: number;
  source: TopupSource;
}

/** A transfer's recipient: a wallet, or a verified user by email (their wallet in the currency). */
export type TransferTarget = { walletId: string } | { email: string };

export interface TransferCreateParams {
  fromWalletId: string;
  to: TransferTarget;
  amount: number;
  currency: string;
  note?: string;
}

export type MovementType = "topup" | "transfer" | "hold" | "capture" | "release" | "refund_credit";

/** Money moving: a top-up or a transfer. */
export interface Movement {
  id: string;
  type: MovementType;
  status: "pending" | "succeeded" | "failed";
  amount: number;
  currency: string;
  mode: string;
  fromWalletId: string | null;
  toWalletId: string | null;
  holdId: string | null;
  reference: string | null;
  note: string | null;
  source: Record<string, string | null> | null;
  failureCode: string | null;
  failureMessage: string | null;
  createdAt: Timestamp;
  finishedAt: Timestamp | null;
}

export type Topup = Movement;
export type Transfer = Movement;
