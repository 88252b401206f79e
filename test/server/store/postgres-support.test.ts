import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findPostgresBinaries } from "../../support/postgres.js";

describe("the throwaway PostgreSQL harness", () => {
  it("fails, saying how to install the server, when Debian's binaries are missing", async () => {
    const empty = await mkdtemp(join(tmpdir(), "no-postgres-"));
    try {
      await expect(findPostgresBinaries(join(empty, "postgresql"))).rejects.toThrow(
        "apt-get install -y postgresql",
      );
      await expect(findPostgresBinaries(empty)).rejects.toThrow("apt-get install -y postgresql");
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("finds the installed server's initdb and pg_ctl", async () => {
    expect(await findPostgresBinaries()).toMatch(/^\/usr\/lib\/postgresql\/[0-9]+\/bin$/);
  });
});
