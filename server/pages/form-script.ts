/** Path of the script of the account and import pages: copy buttons, and forms sent once. */
export const FORM_SCRIPT_PATH = '/assets/copy-and-submit-once.js';

/**
 * A `button[data-copy]` (hidden until this script runs: without it there is nothing to click) copies
 * the value of the field its attribute names and says so in its `aria-live` companion; a
 * `form[data-once]` disables its buttons once sent, so a second click sends nothing. Without the
 * script the pages still work: the field is selectable, and the server refuses what a second
 * sending would break.
 */
export const FORM_SCRIPT = `(() => {
  for (const button of document.querySelectorAll('button[data-copy]')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      const field = document.getElementById(button.dataset.copy);
      const said = document.getElementById(button.dataset.copy + '-copie');
      try {
        await navigator.clipboard.writeText(field.value);
        if (said) said.textContent = 'Copié dans le presse-papiers.';
      } catch {
        field.select();
        if (said) said.textContent = 'Copie impossible ici : le texte est sélectionné, copiez-le au clavier.';
      }
    });
  }
  for (const form of document.querySelectorAll('form[data-once]')) {
    form.addEventListener('submit', (event) => {
      if (form.dataset.sent) return event.preventDefault();
      form.dataset.sent = 'oui';
      setTimeout(() => {
        for (const button of form.querySelectorAll('button')) button.disabled = true;
      });
    });
  }
})();
`;
