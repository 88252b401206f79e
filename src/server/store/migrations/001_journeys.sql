-- Journeys, keyed by id; `version` guards every write (see sql.ts). `ended` is computed by the SDK from
-- the status, so the SQL never hard-codes the lifecycle.
CREATE TABLE credit_journey.journeys (
  journey_id text PRIMARY KEY,
  version bigint NOT NULL CHECK (version >= 1),
  status text NOT NULL,
  ended boolean NOT NULL,
  snapshot jsonb NOT NULL,
  state jsonb,
  updated_at timestamptz NOT NULL
);

-- The reconciler's question: non-ended journeys, oldest update first.
CREATE INDEX journeys_stale_idx ON credit_journey.journeys (updated_at, journey_id) WHERE NOT ended;

-- Webhook ids already processed: the deduplication ledger.
CREATE TABLE credit_journey.webhook_deliveries (
  webhook_id text PRIMARY KEY,
  seen_at timestamptz NOT NULL
);

CREATE INDEX webhook_deliveries_seen_at_idx ON credit_journey.webhook_deliveries (seen_at);
