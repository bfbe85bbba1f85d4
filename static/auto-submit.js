// Submits the form named by data-form as soon as the page loads (FranceConnect's logout page does the same).
const form = document.getElementById(document.currentScript.dataset.form);
if (form) form.submit();
