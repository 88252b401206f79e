/**
 * The partner app's own sign-in: who the borrower is (the sandbox picks a scenario from it) and their password
 * (in the sandbox, one public demo password for everyone).
 */
import { createElement as h, useState } from "react";
import { DEMO_PASSWORD } from "../../sign-in.js";

/** Props of {@link SignInScreen}. */
export interface SignInProps {
  readonly busy: boolean;
  readonly failure: string | null;
  readonly onSignIn: (borrowerExternalID: string, password: string) => void;
}

const SCENARIOS = [
  "sbx-happy",
  "sbx-no-aa",
  "sbx-kyc-retry",
  "sbx-rejected",
  "sbx-offers-expire",
  "sbx-closure",
];

/** Sign-in form: an external borrower id (the sandbox's scenario prefixes are offered) and a password. */
export function SignInScreen({ busy, failure, onSignIn }: SignInProps) {
  const [borrowerExternalID, setBorrowerExternalID] = useState(
    () => `sbx-happy-${Math.random().toString(36).slice(2, 8)}`,
  );
  const [password, setPassword] = useState("");
  return h(
    "section",
    { className: "card" },
    h("h2", null, "Get a personal loan"),
    h(
      "p",
      { className: "muted" },
      "Sign in with your customer id and password to start or continue your application.",
    ),
    h(
      "form",
      {
        onSubmit: (event: { preventDefault(): void }) => {
          event.preventDefault();
          onSignIn(borrowerExternalID.trim(), password);
        },
      },
      h(
        "label",
        null,
        "Customer id",
        h("input", {
          name: "borrowerExternalID",
          value: borrowerExternalID,
          onChange: (e: { target: { value: string } }) => setBorrowerExternalID(e.target.value),
          required: true,
        }),
      ),
      h(
        "label",
        null,
        "Password",
        h("input", {
          name: "password",
          type: "password",
          autoComplete: "current-password",
          value: password,
          onChange: (e: { target: { value: string } }) => setPassword(e.target.value),
          required: true,
        }),
      ),
      h("p", { className: "hint" }, "Sandbox password: ", h("code", null, DEMO_PASSWORD)),
      h(
        "p",
        { className: "hint" },
        "Sandbox scenarios by prefix: ",
        SCENARIOS.map((s, i) => h("code", { key: s }, i === 0 ? s : ` ${s}`)),
      ),
      failure === null ? null : h("p", { className: "error", role: "alert" }, failure),
      h(
        "button",
        { type: "submit", disabled: busy || borrowerExternalID.trim() === "" || password === "" },
        busy ? "Signing in…" : "Continue",
      ),
    ),
  );
}
