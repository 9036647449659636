import { z } from "zod";

export const email = z
  .string()
  .trim()
  .min(1, "Enter your email address")
  .email("Enter a valid email address");
// The server's policy: 10 to 128 characters, not a common password (it says so itself).
export const newPassword = z
  .string()
  .min(10, "Use at least 10 characters")
  .max(128, "Use at most 128 characters");
export const name = z
  .string()
  .trim()
  .min(1, "Enter your name")
  .max(100, "Use at most 100 characters");
