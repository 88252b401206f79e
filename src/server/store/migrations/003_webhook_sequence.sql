-- A webhook's `sequence` [L6] orders one journey's deliveries among themselves: a journey keeps the highest it
-- was written with, and a delivery with a lower one is stale whatever its time. Reads (no sequence) keep it.
ALTER TABLE credit_journey.journeys ADD COLUMN sequence bigint CHECK (sequence >= 0);
