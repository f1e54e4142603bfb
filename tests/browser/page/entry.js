// The page's script: the official passage-js and passage-flex-js, unmodified, on window for
// the tests to drive.
import { PassageFlex } from "@passageidentity/passage-flex-js";
import { Passage } from "@passageidentity/passage-js";

window.Passage = Passage;
window.PassageFlex = PassageFlex;
