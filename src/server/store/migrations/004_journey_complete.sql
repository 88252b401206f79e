-- A webhook is thin (status and nextAction) [L6]: a journey stored from one without the full state read says so,
-- until a read (the reconciler, a completing delivery) writes the full state.
ALTER TABLE credit_journey.journeys ADD COLUMN complete boolean NOT NULL DEFAULT true;
