/** PROFILE_REQUIRED: the borrower's profile form, with the field errors the view carries. */
import { createElement as h, useState } from "react";
import type { Profile } from "../../../contract/index.js";
import { errorsFor } from "../format.js";
import type { ScreenProps } from "./screen-props.js";

interface ProfileDraft {
  panName: string;
  pan: string;
  dob: string;
  gender: "female" | "male" | "transgender";
  personalemail: string;
  contactNumber: string;
  employmentType: "salaried" | "selfEmployed";
  income: string;
  addressL1: string;
  city: string;
  state: string;
  pincode: string;
  consent: boolean;
}

// Prefilled with valid sandbox data so the demo is quick to click through; every field is editable. The
// credit-bureau consent is the borrower's own act: unticked until they tick it.
const DEMO_PROFILE: ProfileDraft = {
  panName: "Asha Rao",
  pan: "ABCDE1234F",
  dob: "1994-04-12",
  gender: "female",
  personalemail: "asha@example.com",
  contactNumber: "9876543210",
  employmentType: "salaried",
  income: "85000",
  addressL1: "12 MG Road",
  city: "Bengaluru",
  state: "Karnataka",
  pincode: "560001",
  // Never pre-ticked: a consent the borrower did not give is no consent.
  consent: false,
};

// The platform's field names [C4]; a field error's path (`address.pincode`) names the input it belongs to.
const TEXT_FIELDS: ReadonlyArray<{ name: keyof ProfileDraft; path: string; label: string; type: string }> = [
  { name: "panName", path: "panName", label: "Name as on PAN", type: "text" },
  { name: "pan", path: "pan", label: "PAN", type: "text" },
  { name: "dob", path: "dob", label: "Date of birth", type: "date" },
  { name: "personalemail", path: "personalemail", label: "Email", type: "email" },
  { name: "contactNumber", path: "contactNumber", label: "Mobile", type: "tel" },
  { name: "income", path: "workProfile.income", label: "Monthly income (₹)", type: "number" },
  { name: "addressL1", path: "address.addressL1", label: "Address", type: "text" },
  { name: "city", path: "address.city", label: "City", type: "text" },
  { name: "state", path: "address.state", label: "State", type: "text" },
  { name: "pincode", path: "address.pincode", label: "Pincode", type: "text" },
];

function toProfile(draft: ProfileDraft): Profile {
  return {
    panName: draft.panName,
    pan: draft.pan.toUpperCase(),
    dob: draft.dob,
    gender: draft.gender,
    personalemail: draft.personalemail,
    contactNumber: draft.contactNumber,
    workProfile: { employmentType: draft.employmentType, income: draft.income, incomeType: "monthly" },
    address: { addressL1: draft.addressL1, city: draft.city, state: draft.state, pincode: draft.pincode },
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
          runtime.send({ type: "profile.submit", profile: toProfile(draft), bureauConsent: draft.consent });
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
            "aria-invalid": errorsFor(fieldErrors, field.path).length > 0,
            onChange: (e: { target: { value: string } }) => set(field.name, e.target.value),
          }),
          h(FieldErrors, { messages: errorsFor(fieldErrors, field.path) }),
        ),
      ),
      h(
        "label",
        null,
        "Gender",
        h(
          "select",
          {
            name: "gender",
            value: draft.gender,
            onChange: (e: { target: { value: string } }) => set("gender", e.target.value),
          },
          h("option", { value: "female" }, "Female"),
          h("option", { value: "male" }, "Male"),
          h("option", { value: "transgender" }, "Transgender"),
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
          h("option", { value: "salaried" }, "Salaried"),
          h("option", { value: "selfEmployed" }, "Self-employed"),
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
        h(FieldErrors, { messages: errorsFor(fieldErrors, "bureauConsent") }),
      ),
      h(
        "button",
        { type: "submit", disabled: !view.can.submitProfile },
        submitting ? "Submitting…" : "Submit profile",
      ),
    ),
  );
}
