// One-time initialisation of mcl-wasm for BLS12-381 with the zcash/Ethereum
// point encoding. mcl keeps global state, so every user goes through here.
import mcl from 'mcl-wasm';

let ready: Promise<typeof mcl> | undefined;

export function loadMcl(): Promise<typeof mcl> {
  ready ??= (async () => {
    await mcl.init(mcl.BLS12_381);
    mcl.setETHserialization(true);
    // mcl's own deserialisation is only used on trusted values here; keep it strict anyway.
    mcl.verifyOrderG1(true);
    mcl.verifyOrderG2(true);
    return mcl;
  })();
  return ready;
}
