/** OFFERS_AVAILABLE: the lenders' offers, which can be proceeded, and the offer lock. */
import { createElement as h } from "react";
import type { OfferView } from "../../../runtime/index.js";
import { formatDate, humanize } from "../format.js";
import { LoanTerms } from "./loan-terms.js";
import type { ScreenProps } from "./screen-props.js";

/** Props of {@link OffersScreen}: the offer this tab chose, to tell the borrower when another one won the lock. */
export interface OffersProps extends ScreenProps {
  readonly chosenOfferID: string | null;
  readonly onChoose: (offerID: string) => void;
}

function OfferCard({
  offer,
  onChoose,
  pending,
}: {
  offer: OfferView;
  onChoose: () => void;
  pending: boolean;
}) {
  return h(
    "article",
    { className: `offer${offer.locked ? " locked" : ""}`, "data-offer-id": offer.id },
    h(
      "header",
      null,
      offer.lender.logoUrl ? h("img", { src: offer.lender.logoUrl, alt: "", width: 32, height: 32 }) : null,
      h("h3", null, offer.lender.name),
      offer.locked ? h("span", { className: "badge" }, "Locked") : null,
    ),
    h(LoanTerms, { offer }),
    h("p", { className: "muted" }, `Valid until ${formatDate(offer.expiresAt)}`),
    offer.selectable
      ? h(
          "button",
          {
            type: "button",
            onClick: onChoose,
            disabled: pending,
            "aria-label": `Choose ${offer.lender.name}`,
          },
          pending ? "Locking…" : "Choose this offer",
        )
      : h(
          "p",
          { className: "blocked" },
          offer.locked ? "Proceeding with this offer" : humanize(offer.blockedReason ?? ""),
        ),
  );
}

/** The offers, each with whether it can be chosen now; a notice when another offer holds the journey's lock. */
export function OffersScreen({ view, runtime, chosenOfferID, onChoose }: OffersProps) {
  const locked = view.offers.find((o) => o.locked);
  const lostLock =
    view.error?.code === "OFFER_LOCK_CONFLICT" ||
    (locked !== undefined && chosenOfferID !== null && locked.id !== chosenOfferID);
  const pendingOffer = view.pendingMutation?.kind === "proceedOffer" ? chosenOfferID : null;
  return h(
    "section",
    null,
    h("h2", null, view.offers.length === 0 ? "Loading your offers…" : "Choose an offer"),
    lostLock
      ? h(
          "p",
          { className: "notice", role: "alert", "data-testid": "lock-notice" },
          `Another offer is already locked for this application${locked ? ` (${locked.lender.name})` : ""}. Only one offer can be taken.`,
        )
      : null,
    h(
      "div",
      { className: "offers" },
      view.offers.map((offer) =>
        h(OfferCard, {
          key: offer.id,
          offer,
          pending: pendingOffer === offer.id,
          onChoose: () => {
            onChoose(offer.id);
            runtime.send({ type: "offer.select", offerID: offer.id });
          },
        }),
      ),
    ),
  );
}
