import * as z from "zod/mini";
import { RefreshToken, SessionToken } from "./credentials.js";
import { Timestamp } from "./primitives.js";

/** Borrower session context a partner backend hands to its app. */
export const Session = z.object({
  sessionToken: SessionToken,
  sessionExpiresAt: Timestamp,
  refreshToken: RefreshToken,
  refreshExpiresAt: Timestamp,
});
/** Borrower session context. */
export type Session = z.infer<typeof Session>;
