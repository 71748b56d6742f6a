// Page pieces shared by every view: headings, errors, confirmations and busy buttons.
import { ApiError } from './api.js';
import { h, notice } from './dom.js';

/** Builds the view's heading and breadcrumb; `crumbs` are [label, href] pairs. */
export function pageHeader(title, crumbs = []) {
  const trail = crumbs.length
    ? h(
        'nav',
        { 'aria-label': 'Breadcrumb', class: 'crumbs' },
        h('ol', {}, crumbs.map(([label, href]) => h('li', {}, href ? h('a', { href, text: label }) : label))),
      )
    : null;
  return [trail, h('h1', { tabindex: '-1', id: 'page-title', text: title })];
}

/** Shows an error from the API with its code, or any other error with its message. */
export function errorNotice(error) {
  if (error instanceof ApiError) {
    const title = error.status ? `Error ${error.status} ${error.code}` : `Error ${error.code}`;
    return notice('error', h('strong', { text: title }), ': ', error.message);
  }
  return notice('error', h('strong', { text: 'Error' }), ': ', String(error?.message ?? error));
}

/**
 * Asks for confirmation in a modal dialog. Resolves true when confirmed; Escape or Cancel
 * resolve false. Focus returns to the control that opened it.
 */
export function confirmAction(title, text, confirmLabel) {
  const dialog = document.getElementById('confirm-dialog');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = confirmLabel;
  const opener = document.activeElement;
  dialog.returnValue = 'cancel';
  dialog.showModal();
  document.getElementById('confirm-cancel').focus();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        if (opener instanceof HTMLElement) opener.focus();
        resolve(dialog.returnValue === 'confirm');
      },
      { once: true },
    );
  });
}

/**
 * Runs `action` after an optional confirmation, with the button disabled meanwhile, and puts
 * its result (a node) or its error into `output`.
 */
export async function runAction(button, output, action, confirmation) {
  if (confirmation && !(await confirmAction(...confirmation))) return;
  button.disabled = true;
  output.replaceChildren(notice('info', 'Working…'));
  try {
    const result = await action();
    output.replaceChildren(result ?? '');
  } catch (error) {
    output.replaceChildren(errorNotice(error));
  } finally {
    button.disabled = false;
  }
}

/** Wraps `control` in a labelled form field; a control without an id gets one from its name. */
export function field(label, control, hint) {
  const id = control.id || `field-${control.getAttribute('name')}`;
  control.id = id;
  const hintNode = hint ? h('span', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
  if (hintNode) control.setAttribute('aria-describedby', hintNode.id);
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), control, hintNode);
}

/** Builds a select element from [value, label] pairs. */
export function select(name, options, selected) {
  return h(
    'select',
    { name },
    options.map(([value, label]) => h('option', { value, selected: value === selected, text: label })),
  );
}

let flash = null;

/** Keeps a notice to show at the top of the next rendered view, such as an action's result. */
export function setFlash(node) {
  flash = node;
}

/** Returns the pending notice once, or null. */
export function takeFlash() {
  const node = flash;
  flash = null;
  return node;
}

/** Renders the current view again, keeping the address. */
export function refreshView() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
