// Jest transform: @swc/jest, with the code the compiler adds for decorators marked as
// ignored for coverage. swc inlines `_ts_decorate`, `_ts_metadata` and `_ts_param` into every
// decorated file and guards each constructor type with `typeof X === "undefined" ? Object : X`.
// Those branches belong to the compiler, no test of ours can take them, and istanbul would
// otherwise count about twenty of them against every Nest provider, module and controller.
const { createTransformer: createSwcTransformer } = require('@swc/jest');

const IGNORE = '/* istanbul ignore next */ ';
const HELPER = /^function (_ts_decorate|_ts_metadata|_ts_param)\(/gm;
const TYPE_GUARD =
  /typeof [\w$.]+ === "undefined"(?: \|\| typeof [\w$.]+ === "undefined")* \? Object : [\w$.]+/g;

function markCompilerCode(result) {
  const code = typeof result === 'string' ? result : result.code;
  const marked = code.replace(HELPER, (m) => IGNORE + m).replace(TYPE_GUARD, (m) => IGNORE + m);
  return typeof result === 'string' ? marked : { ...result, code: marked };
}

module.exports = {
  createTransformer(options) {
    const swc = createSwcTransformer(options);
    return {
      ...swc,
      process: (src, filename, jestOptions) =>
        markCompilerCode(swc.process(src, filename, jestOptions)),
      processAsync: async (src, filename, jestOptions) =>
        markCompilerCode(await swc.processAsync(src, filename, jestOptions)),
    };
  },
};
