/** Path of the script of the copy buttons (« Mon compte », « Mes agendas ») and of the file pickers (import). */
export const FORM_SCRIPT_PATH = '/assets/copie.js';

/**
 * A `button[data-copy]` (hidden until this script runs: without it there is nothing to click) copies
 * the value of the field its attribute names and says so in its `aria-live` companion. Without the
 * script the field stays selectable. An `input[data-file-into]` (its `.field` hidden until this
 * script runs) puts the text of the file chosen into the textarea its attribute names; without the
 * script the file is pasted there. (Forms sent once: submit-once.ts, on every page.)
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
  for (const input of document.querySelectorAll('input[type=file][data-file-into]')) {
    input.closest('.field').hidden = false;
    input.addEventListener('change', async () => {
      const file = input.files[0];
      if (file) document.getElementById(input.dataset.fileInto).value = await file.text();
    });
  }
})();
`;
