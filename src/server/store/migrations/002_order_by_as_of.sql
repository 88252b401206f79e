-- The platform documents no `version` on a journey's state: the SDK orders states by `asOf`, the platform's time
-- of the answer or webhook that carried them (epoch ms). Rows written by the first release keep their status and
-- snapshot, ordered before anything the platform sends from now on (as_of 0), and drop the reducer state, which
-- the next delivery rebuilds from the snapshot: nothing is misread as the new shape.
ALTER TABLE credit_journey.journeys RENAME COLUMN version TO as_of;
ALTER TABLE credit_journey.journeys DROP CONSTRAINT IF EXISTS journeys_version_check;
UPDATE credit_journey.journeys
SET as_of = 0,
    snapshot = (snapshot - 'version') || '{"asOf": 0}'::jsonb,
    state = NULL;
ALTER TABLE credit_journey.journeys ADD CONSTRAINT journeys_as_of_check CHECK (as_of >= 0);
