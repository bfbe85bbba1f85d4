// Shows the print buttons, hidden (fr-hidden) without JavaScript where the page says to use the browser's own Print
// command instead, and makes them print.
for (const shown of document.querySelectorAll('[data-print]')) {
  shown.classList.remove('fr-hidden');
  shown.querySelector('button')?.addEventListener('click', () => window.print());
}
