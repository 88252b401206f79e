/** The borrower's steps (AA consent, KYC, bank mandate, e-mandate, agreement), rendered by their resource. */
import { createElement as h, useState } from "react";
import type { DocumentResource, FormField, FormResource, RedirectResource } from "../../../contract/index.js";
import type { StepData } from "../../../runtime/index.js";
import { errorsFor, humanize } from "../format.js";
import { rememberLeftFor } from "../session.js";
import { LoanTerms } from "./loan-terms.js";
import type { ScreenProps } from "./screen-props.js";
import { Waiting } from "./waiting-screen.js";

const TITLES: Readonly<Record<string, { title: string; lead: string }>> = {
  bankStatements: {
    title: "Share your bank statements",
    lead: "The lender reads 6 months of statements through an account aggregator, with your consent.",
  },
  kyc: { title: "Verify your identity", lead: "Complete KYC with the lender's verification partner." },
  bankMandate: { title: "Set up your repayment account", lead: "EMIs are collected from this account." },
  eMandate: { title: "Authorise the e-mandate", lead: "Approve automatic EMI payments with your bank." },
  loanAgreement: { title: "Sign your loan agreement", lead: "Read the agreement, then accept it to sign." },
};

function RedirectStep({ resource, stepID }: { resource: RedirectResource; stepID: string }) {
  return h(
    "div",
    null,
    h("p", null, "You will leave this app for a secure page and come back here when you are done."),
    h(
      "a",
      {
        className: "button",
        href: resource.url,
        onClick: () => rememberLeftFor(stepID),
        "data-testid": "redirect",
      },
      "Continue to secure page",
    ),
  );
}

function fieldInput(field: FormField, value: string | boolean, onChange: (value: string | boolean) => void) {
  const common = { name: field.name, required: field.required };
  if (field.kind === "checkbox")
    return h("input", {
      ...common,
      type: "checkbox",
      checked: value === true,
      onChange: (e: { target: { checked: boolean } }) => onChange(e.target.checked),
    });
  if (field.kind === "select")
    return h(
      "select",
      {
        ...common,
        value: String(value),
        onChange: (e: { target: { value: string } }) => onChange(e.target.value),
      },
      h("option", { value: "" }, "Choose…"),
      (field.options ?? []).map((o) => h("option", { key: o.value, value: o.value }, o.label)),
    );
  return h("input", {
    ...common,
    type: field.kind,
    value: String(value),
    ...(field.pattern ? { pattern: field.pattern } : {}),
    onChange: (e: { target: { value: string } }) => onChange(e.target.value),
  });
}

function FormStep({ resource, view, runtime }: ScreenProps & { resource: FormResource }) {
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const fieldErrors = view.error?.fieldErrors;
  return h(
    "form",
    {
      noValidate: true,
      onSubmit: (event: { preventDefault(): void }) => {
        event.preventDefault();
        const data: StepData = {};
        for (const field of resource.fields) {
          const value = values[field.name] ?? (field.kind === "checkbox" ? false : "");
          data[field.name] = field.kind === "number" && value !== "" ? Number(value) : value;
        }
        runtime.send({ type: "step.submit", data });
      },
    },
    resource.fields.map((field) =>
      h(
        "label",
        { key: field.name, className: field.kind === "checkbox" ? "check" : undefined },
        field.label,
        fieldInput(field, values[field.name] ?? (field.kind === "checkbox" ? false : ""), (value) =>
          setValues({ ...values, [field.name]: value }),
        ),
        errorsFor(fieldErrors, field.name).length > 0
          ? h(
              "span",
              { className: "field-error", role: "alert" },
              errorsFor(fieldErrors, field.name).join("; "),
            )
          : null,
      ),
    ),
    h("button", { type: "submit", disabled: !view.can.submitStep }, "Submit"),
  );
}

function DocumentStep({ resource, view, runtime }: ScreenProps & { resource: DocumentResource }) {
  // The terms the borrower agrees to, shown before they agree: the locked offer, and its key fact statement.
  const offer = view.offers.find((o) => o.id === view.lockedOfferID);
  return h(
    "div",
    null,
    offer
      ? h(
          "section",
          { "aria-label": "Your loan" },
          h("h3", null, `Your loan from ${offer.lender.name}`),
          h(LoanTerms, { offer }),
          offer.kfsUrl
            ? h(
                "p",
                null,
                h("a", { href: offer.kfsUrl, target: "_blank", rel: "noreferrer" }, "Key fact statement"),
              )
            : null,
        )
      : null,
    h(
      "p",
      null,
      h("a", { href: resource.url, target: "_blank", rel: "noreferrer" }, "Read the agreement (PDF)"),
    ),
    h(
      "button",
      {
        type: "button",
        disabled: !view.can.submitStep,
        onClick: () => runtime.send({ type: "step.submit", data: { accepted: true } }),
      },
      "I accept and sign",
    ),
  );
}

function StepAction({ view, runtime }: ScreenProps) {
  if (view.nextAction === "RESUME")
    return h(
      "div",
      null,
      h("p", null, "Your link expired."),
      h(
        "button",
        {
          type: "button",
          disabled: !view.can.resume,
          onClick: () => runtime.send({ type: "journey.resume" }),
        },
        "Get a new link",
      ),
    );
  const required = view.actionRequired;
  if (required === null) return h(Waiting, { view, message: "Checking this step with the lender…" });
  const resource = view.resource;
  if (resource === null)
    return h(
      "div",
      null,
      view.diagnostics.reasonCode
        ? h(
            "p",
            { className: "notice", role: "alert" },
            `${humanize(view.diagnostics.reasonCode)}. ${view.diagnostics.message ?? ""}`,
          )
        : null,
      h(
        "button",
        {
          type: "button",
          disabled: !view.can.startStep,
          onClick: () => runtime.send({ type: "step.start" }),
        },
        view.pendingMutation !== null ? "Starting…" : view.diagnostics.retryable ? "Try again" : "Start",
      ),
    );
  switch (resource.type) {
    case "REDIRECT":
      return h(RedirectStep, { resource, stepID: required.stepID });
    case "FORM":
      return h(FormStep, { resource, view, runtime, key: required.stepID });
    case "DOCUMENT":
      return h(DocumentStep, { resource, view, runtime });
    case "WAIT":
      return h(Waiting, { view, message: resource.reason });
  }
}

/** A step screen: its title, then what its resource asks (start, redirect, form, document, or wait). */
export function StepScreen({ view, runtime }: ScreenProps) {
  const text = TITLES[view.screen] ?? { title: humanize(view.status ?? ""), lead: "" };
  return h(
    "section",
    { className: "card" },
    h("h2", null, text.title),
    h("p", { className: "muted" }, text.lead),
    h(StepAction, { view, runtime }),
  );
}
