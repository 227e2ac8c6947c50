/* Exit this page: leave for a neutral site at once (the behaviour of GOV.UK's "Exit this page",
   written for this theme).
   - The button, and the "Emergency: exit this page" link that is the first stop after the skip
     link, work as plain links without JavaScript. With it they hide the page at once, show a blank
     screen announced as "Loading.", and leave with location.replace: the page is taken out of the
     history, so Back goes to the page before it.
   - Shift pressed three times within 5 seconds does the same. A Shift used to type a capital
     letter does not count, and any other key starts the count again. Three lights show the count;
     screen readers hear it instead ("Shift, press 2 more times to exit.").
   - When the page comes back from the back-forward cache, the blank screen is taken away and the
     count starts again, so the page is never left blank.
   No cookies, no storage, no requests. */
(function () {
  'use strict';
  var root = document.getElementById('exit-this-page');
  if (!root) { return; }
  var button = root.querySelector('[data-exit-url]');
  var status = root.querySelector('[data-exit-status]');
  if (!button) { return; }
  var url = button.getAttribute('data-exit-url');
  // What is announced, in the page's language: the theme writes the words on the live region.
  var words = function (name, english) {
    return (status && status.getAttribute('data-' + name)) || english;
  };
  var title = document.title;
  var TIMEOUT = 5000;
  var presses = 0;
  var timer = null;
  var sayTimer = null;
  var overlay = null;
  // Whether a key other than Shift went down since Shift last went down: then the next Shift
  // released was a modifier (typing "H"), not a press of its own.
  var otherKey = false;

  // The lights: shown beside the button once Shift has been pressed, hidden from screen readers.
  var indicator = document.createElement('span');
  indicator.className = 'exit-this-page__indicator';
  indicator.setAttribute('aria-hidden', 'true');
  indicator.setAttribute('data-exit-indicator', '');
  for (var i = 0; i < 3; i += 1) {
    var light = document.createElement('span');
    light.className = 'exit-this-page__light';
    indicator.appendChild(light);
  }
  root.insertBefore(indicator, button);

  function say(text) {
    if (sayTimer) { window.clearTimeout(sayTimer); sayTimer = null; }
    if (status) { status.textContent = text; }
  }

  function showCount() {
    indicator.classList.toggle('exit-this-page__indicator--visible', presses > 0);
    var lights = indicator.children;
    for (var j = 0; j < lights.length; j += 1) {
      lights[j].classList.toggle('exit-this-page__light--on', j < presses);
    }
  }

  function stopTimer() {
    if (timer) { window.clearTimeout(timer); timer = null; }
  }

  // Start the count again; `why` is announced (and cleared after a while) when given.
  function reset(why) {
    stopTimer();
    presses = 0;
    showCount();
    say(why || '');
    if (why) { sayTimer = window.setTimeout(function () { say(''); }, TIMEOUT); }
  }

  function exitPage(event) {
    if (event) { event.preventDefault(); }
    stopTimer();
    presses = 0;
    say('');
    // Hide everything at once, so nothing stays on screen, or in reach of Tab, while the next
    // site loads; the overlay's text is set after it is in the page so that it is announced.
    document.body.classList.add('exit-this-page-hide-content');
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.className = 'exit-this-page-overlay';
      overlay.setAttribute('role', 'alert');
      document.body.appendChild(overlay);
    }
    overlay.textContent = words('loading', 'Loading.');
    document.title = words('loading-title', 'Loading');
    window.location.replace(url);
  }

  // Back from the back-forward cache (or an exit that did not complete): show the page again.
  function restore() {
    document.body.classList.remove('exit-this-page-hide-content');
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
    document.title = title;
    otherKey = false;
    reset();
    if (sayTimer) { window.clearTimeout(sayTimer); sayTimer = null; }
  }

  button.addEventListener('click', exitPage);
  var link = document.querySelector('[data-exit-link]');
  if (link) { link.addEventListener('click', exitPage); }
  window.addEventListener('pageshow', function (event) {
    if (event.persisted || overlay) { restore(); }
  });

  function isShift(event) {
    return event.key === 'Shift' || event.keyCode === 16;
  }

  document.addEventListener('keydown', function (event) {
    if (isShift(event)) {
      if (!event.repeat) { otherKey = false; }
      return;
    }
    otherKey = true;
    // Any other key breaks the sequence.
    if (presses) { reset(); }
  }, true);

  document.addEventListener('keyup', function (event) {
    if (!isShift(event)) { return; }
    if (otherKey) {
      // Shift was a modifier: typing a capital letter never counts.
      otherKey = false;
      return;
    }
    presses += 1;
    stopTimer();
    showCount();
    if (presses >= 3) {
      exitPage();
      return;
    }
    var left = 3 - presses;
    say(left === 1 ? words('press-1', 'Shift, press 1 more time to exit.') : words('press-2', 'Shift, press 2 more times to exit.'));
    timer = window.setTimeout(function () { reset(words('expired', 'Exit this page expired.')); }, TIMEOUT);
  }, true);
})();
