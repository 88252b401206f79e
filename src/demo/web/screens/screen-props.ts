/** What every journey screen receives. */
import type { JourneyRuntime, JourneyView } from "../../../runtime/index.js";

/** Props of a screen: the view to render (its only input) and the runtime to send intents to. */
export interface ScreenProps {
  readonly view: JourneyView;
  readonly runtime: JourneyRuntime;
}
