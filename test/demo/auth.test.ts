/** The demo partner backend's borrower sign-in: who may get a session, from where, and for how long. */
import { afterEach, describe, expect, it } from "vitest";
import { AppAuthConfigError, createAppAuth } from "../../src/demo/app-auth.js";
import { type PartnerBackend, startPartnerBackend } from "../../src/demo/partner-backend.js";
import { APP_AUTH_DEFAULTS, CSRF_HEADER, DEMO_PASSWORD } from "../../src/demo/sign-in.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";

let sandbox: Sandbox | undefined;
let backend: PartnerBackend | undefined;
afterEach(async () => {
  await backend?.close();
  await sandbox?.close();
  backend = undefined;
  sandbox = undefined;
});

/** The backend's auth clock, moved by hand. */
let clock = 0;

async function start(auth: { appTokenTtlMs?: number; maxFailedSignIns?: number } = {}) {
  clock = Date.UTC(2025, 0, 1);
  sandbox = await startSandbox({ clock: "manual" });
  backend = await startPartnerBackend({
    platformUrl: sandbox.url,
    apiKey: sandbox.apiKey,
    webhookSecrets: sandbox.webhookSecret,
    now: () => sandbox!.clock.now(),
    auth: { ...auth, now: () => clock },
  });
  return backend;
}

interface Call {
  readonly token?: string;
  /** Default `application/json`. */
  readonly type?: string;
  /** Send the CSRF header (default true). */
  readonly csrf?: boolean;
}

async function post(path: string, body: unknown, call: Call = {}) {
  const res = await fetch(`${backend!.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": call.type ?? "application/json",
      ...(call.csrf === false ? {} : { [CSRF_HEADER]: "test" }),
      ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

async function signIn(borrowerExternalID: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await post("/sign-in", { borrowerExternalID, password });
  expect(res.status, res.text).toBe(200);
  expect(res.body.borrowerExternalID).toBe(borrowerExternalID);
  return res.body.appToken as string;
}

function pushStatus(journeyID: string, token?: string): Promise<number> {
  return fetch(`${backend!.url}/push/${journeyID}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  }).then(async (res) => {
    await res.body?.cancel();
    return res.status;
  });
}

/** Every borrower-facing way to use an app token, with the status each answered. */
async function uses(token: string, journeyID: string) {
  // In this order: a token may push only the journeys its own `POST /session` opened.
  const session = await post("/session", {}, { token });
  const refresh = await post("/session/refresh", {}, { token });
  const push = await pushStatus(journeyID, token);
  for (const answer of [session, refresh])
    if (answer.status >= 400) {
      expect(answer.body.token).toBeUndefined();
      expect(answer.body.sessionToken).toBeUndefined();
    }
  return { session: session.status, refresh: refresh.status, push };
}

describe("demo partner backend: sign-in before a session", () => {
  it("POST /session without sign-in (no token, or one it never issued) is 401 with no token in the body", async () => {
    await start();
    for (const token of [undefined, "made-up-token", "x".repeat(43)]) {
      const res = await post("/session", { borrowerExternalID: "sbx-happy-victim" }, token ? { token } : {});
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(res.text).not.toMatch(/token"\s*:/i);
      expect(res.body.error).toMatch(/sign in/);
    }
    const refresh = await post("/session/refresh", {});
    expect(refresh.status).toBe(401);
    expect(await pushStatus("b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9")).toBe(401);
    // Nothing reached the platform: no borrower session, no journey.
    expect(sandbox!.control.journeys()).toHaveLength(0);
  });

  it("refuses a cross-site style POST (text/plain, a form, or JSON without the CSRF header) and creates nothing", async () => {
    await start();
    const credentials = JSON.stringify({ borrowerExternalID: "sbx-happy-csrf", password: DEMO_PASSWORD });
    // What a page on another origin can send without a preflight: a text/plain or form body, no custom header.
    for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"]) {
      const res = await post("/sign-in", credentials, { type, csrf: false });
      expect(res.status).toBe(415);
      expect(res.body.appToken).toBeUndefined();
    }
    const noHeader = await post("/sign-in", credentials, { csrf: false });
    expect(noHeader.status).toBe(403);
    expect(noHeader.body.appToken).toBeUndefined();

    // A signed-in borrower's token is not ambient (no cookie), but even with it, the gate holds for /session.
    const token = await signIn("sbx-happy-csrf");
    expect((await post("/session", {}, { token, type: "text/plain", csrf: false })).status).toBe(415);
    expect((await post("/session", {}, { token, csrf: false })).status).toBe(403);
    expect((await post("/sign-out", {}, { token, type: "text/plain" })).status).toBe(415);
    expect(sandbox!.control.journeys()).toHaveLength(0);
    // The refused sign-ins revoked nothing: the token still opens a session.
    expect((await post("/session", {}, { token })).status).toBe(201);
    expect(sandbox!.control.journeys()).toHaveLength(1);
  });

  it("a wrong password is 401; repeated failures lock the borrower's sign-in (429) until the lockout passes", async () => {
    await start({ maxFailedSignIns: 3 });
    const wrong = await post("/sign-in", { borrowerExternalID: "sbx-happy-guess", password: "letmein" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.appToken).toBeUndefined();
    expect((await post("/sign-in", { borrowerExternalID: "sbx-happy-guess" })).status).toBe(400);
    await post("/sign-in", { borrowerExternalID: "sbx-happy-guess", password: "123456" });
    await post("/sign-in", { borrowerExternalID: "sbx-happy-guess", password: "password" });
    const locked = await post("/sign-in", { borrowerExternalID: "sbx-happy-guess", password: DEMO_PASSWORD });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBe(APP_AUTH_DEFAULTS.lockoutMs / 1000);
    expect(locked.body.appToken).toBeUndefined();
    // Another borrower is not locked out by these failures.
    await signIn("sbx-happy-other");
    clock += APP_AUTH_DEFAULTS.lockoutMs;
    await signIn("sbx-happy-guess");
  });
});

describe("app auth: the lockout under parallel guesses", () => {
  it("counts guesses still being checked, so 50 parallel wrong guesses lock after maxFailedSignIns", async () => {
    const auth = createAppAuth({
      maxFailedSignIns: 5,
      authenticate: async (_id, password) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return password === "right";
      },
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => auth.signIn("victim", `guess${i}`)),
    );
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason === "locked")).toHaveLength(45);
    expect(await auth.signIn("victim", "right")).toMatchObject({ ok: false, reason: "locked" });
  });
});

describe("app auth: a credential check that fails", () => {
  it("is no failed guess: a check that throws never locks the borrower, and the right password then works", async () => {
    let outage = false;
    const auth = createAppAuth({
      maxFailedSignIns: 5,
      authenticate: async (_id, password) => {
        if (outage) throw new Error("credential store unreachable");
        return password === "right";
      },
    });
    for (let i = 0; i < 4; i++)
      expect(await auth.signIn("bob", `typo${i}`)).toEqual({ ok: false, reason: "invalid" });
    outage = true;
    for (let i = 0; i < 3; i++) await expect(auth.signIn("bob", "right")).rejects.toThrow("unreachable");
    outage = false;
    expect(await auth.signIn("bob", "right")).toMatchObject({ ok: true });
    // Counted as ever after: four typos, then a fifth locks.
    for (let i = 0; i < 4; i++) await auth.signIn("bob", `typo${i}`);
    expect(await auth.signIn("bob", "typo")).toEqual({ ok: false, reason: "invalid" });
    expect(await auth.signIn("bob", "right")).toMatchObject({ ok: false, reason: "locked" });
  });
});

describe("app auth: live sessions are bounded", () => {
  it("ends the oldest app session past 10,000 live ones, and keeps the newest", async () => {
    const auth = createAppAuth();
    const tokens: string[] = [];
    for (let i = 0; i <= 10_000; i++) {
      const signed = await auth.signIn(`borrower-${i}`, DEMO_PASSWORD);
      if (!signed.ok) throw new Error(`sign-in ${i} failed`);
      tokens.push(signed.appToken);
    }
    expect(auth.verify(`Bearer ${tokens[0]}`)).toBeUndefined();
    expect(auth.verify(`Bearer ${tokens[1]}`)?.borrowerExternalID).toBe("borrower-1");
    expect(auth.verify(`Bearer ${tokens[10_000]}`)?.borrowerExternalID).toBe("borrower-10000");
  });
});

describe("demo partner backend: an app session is its borrower's only", () => {
  it("signed in as A, asking for B's session (or B's push stream) is refused; A's own works", async () => {
    await start();
    const tokenB = await signIn("sbx-happy-bob");
    const sessionB = await post("/session", { borrowerExternalID: "sbx-happy-bob" }, { token: tokenB });
    expect(sessionB.status).toBe(201);
    const journeyB = sessionB.body.journeyID as string;

    const tokenA = await signIn("sbx-happy-alice");
    const stolen = await post("/session", { borrowerExternalID: "sbx-happy-bob" }, { token: tokenA });
    expect(stolen.status).toBe(403);
    expect(stolen.body.token).toBeUndefined();
    expect(stolen.body.journeyID).toBeUndefined();
    expect(await pushStatus(journeyB, tokenA)).toBe(403);

    const own = await post("/session", {}, { token: tokenA });
    expect(own.status).toBe(201);
    expect(own.body.borrowerExternalID).toBe("sbx-happy-alice");
    expect(own.body.journeyID).not.toBe(journeyB);
    expect(own.body.refreshToken).toBeUndefined();
    expect(await pushStatus(own.body.journeyID as string, tokenA)).toBe(200);
    // Bob's journey still has only Bob's borrower on it.
    expect(sandbox!.control.journey(journeyB).journey.borrower.borrowerExternalID).toBe("sbx-happy-bob");
  });
});

describe("demo partner backend: app tokens expire and are revoked", () => {
  it("an app token past its TTL is 401 everywhere (the injected clock moved), and a new sign-in works", async () => {
    await start({ appTokenTtlMs: 60_000 });
    const token = await signIn("sbx-happy-ttl");
    const opened = await post("/session", {}, { token });
    expect(opened.status).toBe(201);
    expect(Date.parse(opened.body.appTokenExpiresAt as string)).toBe(clock + 60_000);
    const journeyID = opened.body.journeyID as string;

    clock += 59_999;
    expect(await uses(token, journeyID)).toEqual({ session: 201, refresh: 200, push: 200 });
    clock += 1;
    expect(await uses(token, journeyID)).toEqual({ session: 401, refresh: 401, push: 401 });

    const again = await signIn("sbx-happy-ttl");
    expect(await uses(again, journeyID)).toEqual({ session: 201, refresh: 200, push: 200 });
  });

  it("the default TTL is 15 minutes", async () => {
    await start();
    const res = await post("/sign-in", { borrowerExternalID: "sbx-happy-default", password: DEMO_PASSWORD });
    expect(Date.parse(res.body.appTokenExpiresAt as string) - clock).toBe(15 * 60_000);
    expect(APP_AUTH_DEFAULTS.appTokenTtlMs).toBe(15 * 60_000);
  });

  it("a new session for the same borrower revokes the previous app token and ends its push stream", async () => {
    await start();
    const first = await signIn("sbx-happy-twice");
    const opened = await post("/session", {}, { token: first });
    const journeyID = opened.body.journeyID as string;
    const stream = await fetch(`${backend!.url}/push/${journeyID}`, {
      headers: { authorization: `Bearer ${first}` },
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    let text = "";
    while (!text.includes("event: snapshot")) text += new TextDecoder().decode((await reader.read()).value);

    const second = await signIn("sbx-happy-twice");
    const reopened = await post("/session", {}, { token: second });
    expect(reopened.status).toBe(201);
    expect(reopened.body.journeyID).toBe(journeyID);
    expect(reopened.body.resumed).toBe(true);

    // The open stream of the revoked token ends; the token is refused from now on.
    const ended = await reader.read().then(
      (chunk) => chunk.done,
      () => true,
    );
    expect(ended).toBe(true);
    expect(await uses(first, journeyID)).toEqual({ session: 401, refresh: 401, push: 401 });
    expect(await uses(second, journeyID)).toEqual({ session: 201, refresh: 200, push: 200 });
  });

  it("an open push stream ends when its token's TTL runs out on the backend's clock, with no other request", async () => {
    await start({ appTokenTtlMs: 60_000 });
    const token = await signIn("sbx-happy-stream");
    const journeyID = (await post("/session", {}, { token })).body.journeyID as string;
    const stream = await fetch(`${backend!.url}/push/${journeyID}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    // The backend's clock (a sandbox's manual or accelerated one) passes the TTL; the wall clock hardly moves.
    clock += 60_000;
    const started = Date.now();
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true }));
      if (chunk.done) break;
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await pushStatus(journeyID, token)).toBe(401);
  });

  it("signing out revokes the token", async () => {
    await start();
    const token = await signIn("sbx-happy-bye");
    const journeyID = (await post("/session", {}, { token })).body.journeyID as string;
    const out = await post("/sign-out", {}, { token });
    expect(out.status).toBe(204);
    expect(await uses(token, journeyID)).toEqual({ session: 401, refresh: 401, push: 401 });
    expect((await post("/sign-out", {}, { token })).status).toBe(401);
  });

  it("refuses lifetimes and counts that are not positive integers", () => {
    expect(() => createAppAuth({ appTokenTtlMs: 0 })).toThrow(AppAuthConfigError);
    expect(() => createAppAuth({ lockoutMs: -1 })).toThrow(/lockoutMs/);
    expect(() => createAppAuth({ maxFailedSignIns: 1.5 })).toThrow(/maxFailedSignIns/);
  });
});
