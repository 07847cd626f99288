/*
 * pages.js: small helps for every page, with no inline script (the pages' CSP allows scripts
 * from this server only).
 *   - After a refused form, focus moves to the list of problems (or the conflict notice), so
 *     a screen reader reads it and a keyboard user starts there.
 */
(function () {
  'use strict';
  function focusProblems() {
    const target = document.getElementById('conflict') || document.getElementById('error-summary');
    if (target) target.focus();
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', focusProblems);
  } else {
    focusProblems();
  }
})();
