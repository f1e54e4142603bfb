// ESM entry: the same implementation as the CommonJS one (index.cjs), so both share state.
import implementation from "./index.cjs";

export const { startEmulator, findBinary, Emulator } = implementation;
export default implementation;
