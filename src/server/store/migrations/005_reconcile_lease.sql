-- The reconciler's lease: a worker that takes a stale journey holds it until `leased_until`, so each is polled by
-- one worker at a time however many run; `touch` (the journey found current) ends the lease, and a worker that
-- dies only delays its journeys until their leases run out.
ALTER TABLE credit_journey.journeys ADD COLUMN leased_until timestamptz;
