import { createMemoryJourneyStore } from "../../../src/server/index.js";
import { describeJourneyStoreConformance } from "../store-conformance.js";

describeJourneyStoreConformance("memory", async ({ now }) => createMemoryJourneyStore({ now }));
