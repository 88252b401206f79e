import * as z from "zod/mini";
import { RefreshToken, SessionToken } from "./credentials.js";
import { Timestamp } from "./primitives.js";

/** Borrower session context a partner backend hands to its app. */
export const Session = z.object({
  token: SessionToken,
  expiresAt: Timestamp,
  refreshToken: RefreshToken,
  refreshExpiresAt: Timestamp,
});
/** Borrower session context. */
export type Session = z.infer<typeof Session>;
