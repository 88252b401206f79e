import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

/** The machine a run happened on, as docs/performance.md reports it. */
export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly freeH: string;
  readonly node: string;
  readonly platform: string;
  /** 1-, 5- and 15-minute load averages. */
  readonly loadavg: readonly number[];
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8" }).trimEnd();
  } catch {
    return "(unavailable)";
  }
}

/** Reads nproc, the CPU model (/proc/cpuinfo), `free -h`, the node version and the load average. */
export function machineInfo(): MachineInfo {
  let cpuModel = os.cpus()[0]?.model ?? "unknown";
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) cpuModel = line.split(":")[1]!.trim();
  } catch {
    // Not Linux: keep os.cpus()'s answer.
  }
  return {
    nproc: Number.parseInt(run("nproc", []), 10) || os.availableParallelism(),
    cpuModel,
    freeH: run("free", ["-h"]),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
