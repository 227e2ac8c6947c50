/* Exit this page: leave for a neutral site at once, in a way that the Back button cannot undo.
   The button works as a plain link without JavaScript; this script makes it replace the current
   history entry, and adds the keyboard shortcut of pressing Shift three times within 5 seconds.
   Loaded only on pages marked sensitive. No cookies, no storage, no requests. */
(function () {
  'use strict';
  var root = document.getElementById('exit-this-page');
  if (!root) { return; }
  var button = root.querySelector('[data-exit-url]');
  var status = root.querySelector('[data-exit-status]');
  if (!button) { return; }
  var url = button.getAttribute('data-exit-url');
  var presses = 0;
  var timer = null;

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function exitPage(event) {
    if (event) { event.preventDefault(); }
    say('Exiting this page.');
    // Hide the content at once, so nothing stays on screen while the next site loads.
    document.documentElement.classList.add('exiting');
    document.title = 'Loading';
    window.location.replace(url);
  }

  function reset() {
    presses = 0;
    timer = null;
    say('');
  }

  button.addEventListener('click', exitPage);

  document.addEventListener('keyup', function (event) {
    var isShift = event.key === 'Shift' || event.keyCode === 16;
    if (!isShift) {
      // Any other key breaks the sequence, so typing a capital letter never exits.
      if (presses) { reset(); }
      return;
    }
    presses += 1;
    if (timer) { window.clearTimeout(timer); }
    if (presses >= 3) {
      presses = 0;
      exitPage();
      return;
    }
    var left = 3 - presses;
    say('Shift, press ' + left + ' more ' + (left === 1 ? 'time' : 'times') + ' to exit.');
    timer = window.setTimeout(reset, 5000);
  });
})();
