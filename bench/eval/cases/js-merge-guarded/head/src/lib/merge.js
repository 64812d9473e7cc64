'use strict';

const DEFAULTS = Object.freeze({
  theme: 'system',
  language: 'en',
  notifications: Object.freeze({ email: true, push: false, digest: 'weekly' }),
  editor: Object.freeze({ fontSize: 14, tabWidth: 2, wordWrap: true }),
});

// Merges `patch` into `prefs`, following the shape of `schema`: keys the schema does not have
// (which includes __proto__, constructor and prototype) are ignored, and a value must have the
// same type as the schema's default.
function mergePreferences(prefs, patch, schema = DEFAULTS) {
  for (const key of Object.keys(patch)) {
    if (!Object.prototype.hasOwnProperty.call(schema, key)) continue;
    const want = schema[key];
    const value = patch[key];
    if (want !== null && typeof want === 'object') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      if (!Object.prototype.hasOwnProperty.call(prefs, key) || typeof prefs[key] !== 'object') {
        prefs[key] = { ...want };
      }
      mergePreferences(prefs[key], value, want);
    } else if (typeof value === typeof want) {
      prefs[key] = value;
    }
  }
  return prefs;
}

module.exports = { DEFAULTS, mergePreferences };
