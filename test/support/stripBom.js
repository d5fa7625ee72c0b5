// CommonJS stand-in for strip-bom@5 (ESM-only) under jest; see jest.config.js.
module.exports = (text) => (typeof text === 'string' && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
module.exports.default = module.exports;
