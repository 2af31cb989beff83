/** Path of the script that keeps a form from being sent twice. */
export const SUBMIT_ONCE_SCRIPT_PATH = '/assets/envoi-unique.js';

/**
 * Once a form is sent, its buttons are disabled (after the browser has read the one pressed, which
 * a disabled button would not give) and a second submit is dropped: a double click sends one
 * request. Every app page loads it (layout.ts); a page shown again from the history gets its
 * buttons back. Without the script the forms work the same; the server answers a second identical
 * submit where it can: POST /fiches finds the fiche of the form's key, a fiche's step is refused by
 * its workflow as already taken.
 */
export const SUBMIT_ONCE_SCRIPT = `(() => {
  const buttons = (form) => form.querySelectorAll('button:not([type]), button[type=submit], input[type=submit]');
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    if (form.dataset.envoye) { event.preventDefault(); return; }
    form.dataset.envoye = 'oui';
    setTimeout(() => { for (const button of buttons(form)) button.disabled = true; });
  });
  addEventListener('pageshow', () => {
    for (const form of document.querySelectorAll('form[data-envoye]')) {
      delete form.dataset.envoye;
      for (const button of buttons(form)) button.disabled = false;
    }
  });
})();
`;
