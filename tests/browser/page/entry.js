// The page's script: the official passage-js, unmodified, on window for the test to drive.
import { Passage } from "@passageidentity/passage-js";

window.Passage = Passage;
