/** PROFILE_REQUIRED: the borrower's profile form, with the field errors the view carries. */
import { createElement as h, useState } from "react";
import type { Profile } from "../../../contract/index.js";
import { errorsFor } from "../format.js";
import type { ScreenProps } from "./screen-props.js";

interface ProfileDraft {
  fullName: string;
  pan: string;
  dateOfBirth: string;
  email: string;
  phone: string;
  employmentType: "SALARIED" | "SELF_EMPLOYED";
  monthlyIncome: string;
  pincode: string;
  consent: boolean;
}

// Prefilled with valid sandbox data so the demo is quick to click through; every field is editable.
const DEMO_PROFILE: ProfileDraft = {
  fullName: "Asha Rao",
  pan: "ABCDE1234F",
  dateOfBirth: "1994-04-12",
  email: "asha@example.com",
  phone: "+919876543210",
  employmentType: "SALARIED",
  monthlyIncome: "85000",
  pincode: "560001",
  consent: true,
};

const TEXT_FIELDS: ReadonlyArray<{ name: keyof ProfileDraft; label: string; type: string }> = [
  { name: "fullName", label: "Full name", type: "text" },
  { name: "pan", label: "PAN", type: "text" },
  { name: "dateOfBirth", label: "Date of birth", type: "date" },
  { name: "email", label: "Email", type: "email" },
  { name: "phone", label: "Mobile", type: "tel" },
  { name: "monthlyIncome", label: "Monthly income (₹)", type: "number" },
  { name: "pincode", label: "Pincode", type: "text" },
];

function toProfile(draft: ProfileDraft): Profile {
  return {
    fullName: draft.fullName,
    pan: draft.pan.toUpperCase(),
    dateOfBirth: draft.dateOfBirth,
    email: draft.email,
    phone: draft.phone,
    employmentType: draft.employmentType,
    monthlyIncome: { amount: Math.round(Number(draft.monthlyIncome) * 100), currency: "INR" },
    pincode: draft.pincode,
    // The contract's literal(true): an unticked box is sent as false and comes back as a field error.
    consent: { bureauPull: draft.consent as true, at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") },
  };
}

function FieldErrors({ messages }: { messages: string[] }) {
  return messages.length === 0
    ? null
    : h("span", { className: "field-error", role: "alert" }, messages.join("; "));
}

/** The profile form; `view.error.fieldErrors` (client- or platform-side validation) appear under each field. */
export function ProfileScreen({ view, runtime }: ScreenProps) {
  const [draft, setDraft] = useState<ProfileDraft>(DEMO_PROFILE);
  const fieldErrors = view.error?.fieldErrors;
  const set = (name: keyof ProfileDraft, value: string | boolean) => setDraft({ ...draft, [name]: value });
  const submitting = view.pendingMutation?.kind === "submitProfile";
  return h(
    "section",
    { className: "card" },
    h("h2", null, "Tell us about yourself"),
    h(
      "form",
      {
        noValidate: true,
        onSubmit: (event: { preventDefault(): void }) => {
          event.preventDefault();
          runtime.send({ type: "profile.submit", profile: toProfile(draft) });
        },
      },
      TEXT_FIELDS.map((field) =>
        h(
          "label",
          { key: field.name },
          field.label,
          h("input", {
            name: field.name,
            type: field.type,
            value: draft[field.name] as string,
            "aria-invalid": errorsFor(fieldErrors, field.name).length > 0,
            onChange: (e: { target: { value: string } }) => set(field.name, e.target.value),
          }),
          h(FieldErrors, { messages: errorsFor(fieldErrors, field.name) }),
        ),
      ),
      h(
        "label",
        null,
        "Employment",
        h(
          "select",
          {
            name: "employmentType",
            value: draft.employmentType,
            onChange: (e: { target: { value: string } }) => set("employmentType", e.target.value),
          },
          h("option", { value: "SALARIED" }, "Salaried"),
          h("option", { value: "SELF_EMPLOYED" }, "Self-employed"),
        ),
      ),
      h(
        "label",
        { className: "check" },
        h("input", {
          name: "consent",
          type: "checkbox",
          checked: draft.consent,
          onChange: (e: { target: { checked: boolean } }) => set("consent", e.target.checked),
        }),
        "I agree to a credit bureau check",
        h(FieldErrors, { messages: errorsFor(fieldErrors, "consent") }),
      ),
      h(
        "button",
        { type: "submit", disabled: !view.can.submitProfile },
        submitting ? "Submitting…" : "Submit profile",
      ),
    ),
  );
}
