/* Haven site search: reads the index Haven writes to search/index/ (see src/search/mod.rs),
   fetching only the shards a query needs, from the same site. No third-party requests, no
   cookies, no storage. The page works without this script: it then shows the A to Z.

   A search leaves no trace: the query is never written to the address, the history or web
   storage, as a child may be searching on a shared device. A link to /search/?q=… still runs
   its search once; the query is then taken out of the address, in place (replaceState adds no
   entry to the history). So a search cannot be shared or bookmarked by its address. */
(function () {
  'use strict';

  var form = document.querySelector('form[data-haven-search]');
  if (!form || !window.fetch || !window.Promise) return;
  var base = form.getAttribute('data-index');
  var input = form.querySelector('input[name="q"]');
  var status = document.querySelector('[data-haven-search-status]');
  var list = document.querySelector('[data-haven-search-results]');
  var more = document.querySelector('[data-haven-search-more]');
  var filters = Array.prototype.slice.call(form.querySelectorAll('select[data-haven-filter]'));
  /* What the page says, in its language: the theme writes each message on the status line as
     a data-word-* attribute, with {places} this fills in; English when a theme writes none.
     A count picks its plural form by the language's rules (Polish has three). */
  var ENGLISH = {
    'no-results': 'No results for {query}{within}. Try fewer or different words, or browse the A to Z below.',
    'results-one': '{count} result for {query}{within}',
    'results-other': '{count} results for {query}{within}',
    partial: ' (no page has every word; showing pages with some of them)',
    'almost-one': ' (one of them lacks some of the words)',
    'almost-other': ' ({count} of them lack some of the words)',
    within: ' in {filters}',
    end: '.',
    quote: '\u201c{text}\u201d',
    or: ' or ',
    means: ' {said} can mean {meanings}: showing both.',
    including: ' Including results for {meaning}.',
    'corrected-one': ' No page has {words}: showing pages with words spelt like it.',
    'corrected-other': ' No page has {words}: showing pages with words spelt like them.',
    audiences: 'For {audiences}',
    broken: 'Search is not working at the moment. Please use the A to Z instead.'
  };
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || 'en') : null;
  function word(name, places, count) {
    var key = name;
    if (count !== undefined) {
      var form = plurals ? plurals.select(count) : (count === 1 ? 'one' : 'other');
      key = status && status.hasAttribute('data-word-' + name + '-' + form) ? name + '-' + form : name + (form === 'one' ? '-one' : '-other');
    }
    var text = (status && status.getAttribute('data-word-' + key)) || ENGLISH[key] || '';
    return text.replace(/\{([a-z_]+)\}/g, function (all, p) {
      return places && Object.prototype.hasOwnProperty.call(places, p) ? String(places[p]) : all;
    });
  }
  /* Quoted and isolated, so that a query in one direction keeps its quotes around it in a
     sentence in the other ("neglect" in Urdu). */
  function quoted(text) { return '\u2068' + word('quote', { text: text }) + '\u2069'; }
  var PAGE = 10;
  var PREFIX_WEIGHT = 0.6;
  var MAX_PREFIX_SHARDS = 8;
  var MAX_NEAR_SHARDS = 3;
  /* Pages for the reader a search's words point to ("my son": a parent) count this much more. */
  var READER_BOOST = 2;
  /* Pages written only for another reader count this much (the young people's page on abuse
     at home, for "my partner controls my money"), unless their audience is read by everyone. */
  var OTHER_READER = 0.5;
  /* A page missing one word of a search of three or more, among the pages with them all:
     its score counts this much ("they want me to carry drugs to another town"). */
  var MISS_ONE = 0.7;
  /* The "Worried about a child?" page, when the safety box shows ("can I report without
     giving my name"): one more judged query right first (of 528), none fewer. */
  var REPORT_BOOST = 2;
  /* How much each pair of words typed side by side ("older boyfriend") and found side by side
     on a page lifts it among the first results. */
  var PAIR_BOOST = 1;
  /* News and dated posts come after lasting pages by this much, unless the reader asks for news. */
  var NEWS_WEIGHT = 0.6;
  var NEWS_WORDS = ['news', 'campaign', 'campaigns', 'latest', 'announcement', 'published'];
  /* At most this many sessions named by a search's other words are what it asks for. */
  var FEW_SESSIONS = 4;
  /* How far apart the words of a reader's phrase may be ("my 14 year old son"). */
  var READER_GAP = 4;
  /* Words that ask for a course rather than a topic ("fgm training", "course dates"). */
  var TRAINING_WORDS = ['training', 'train', 'course', 'courses', 'session', 'sessions', 'date', 'dates', 'book', 'booking', 'workshop', 'workshops', 'elearning'];
  /* Words that ask when a course is, beside course words ("next neglect course"). */
  var WHEN_WORDS = ['next', 'upcoming', 'coming', 'soon', 'future', 'new', 'available', 'running'];
  /* Words that ask what an acronym means ("what is a DSL", "CAF meaning"). The second list
     asks it even among other words ("my social worker keeps saying IRO, what does it mean"). */
  var DEFINE_WORDS = ['what', 'whats', 'mean', 'means', 'meaning', 'stand', 'stands', 'define', 'definition'];
  var DEFINE_STRONG = ['mean', 'means', 'meaning', 'stand', 'stands', 'define', 'definition'];
  /* Words that say little of what a search is about ("i think my mate is being groomed",
     "want to run away"): a page need not have them, and one that has them gains a little. */
  var WEAK_WORDS = ['think', 'thinks', 'thought', 'want', 'wants', 'wanted', 'know', 'knows', 'knew', 'keep', 'keeps', 'kept', 'say', 'says', 'said',
    'really', 'just', 'still', 'always', 'ever', 'got', 'gets', 'getting', 'lot', 'lots', 'loads', 'stuff', 'thing', 'things', 'maybe', 'should', 'very', 'im', 'ive', 'dont', 'cant',
    'make', 'makes', 'made', 'making', 'sit', 'sits', 'well', 'properly'];
  var YEAR_WORDS = ['year', 'years', 'yr', 'yrs'];
  /* Small words that say whose something is, one as good as another in a synonym's phrase. */
  var WHOSE_WORDS = ['a', 'an', 'the', 'my', 'your', 'his', 'her', 'our', 'their'];
  /* Words that say nothing of what is happening, beside a request for help. */
  var GENERAL_WORDS = ['i', 'im', 'ive', 'me', 'my', 'we', 'us', 'someone', 'somebody', 'anyone', 'anybody', 'person', 'people', 'help', 'need', 'please', 'now', 'really', 'get',
    'dont', 'know', 'talk', 'speak', 'tell', 'who'];
  var DEFINE_FILLER = ['is', 'are', 'does', 'do', 'a', 'an', 'the', 'for', 'of', 's', 'by'];
  var WORD = /[\p{Alphabetic}\p{N}]/u;

  form.hidden = false;
  Array.prototype.forEach.call(document.querySelectorAll('[data-haven-search-fallback]'), function (el) {
    el.hidden = true;
  });

  /* ---- words, as src/search/tokens.rs splits and stems them ---- */

  function words(text) {
    var out = [];
    var word = '';
    var chars = Array.from(text);
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      if (WORD.test(c)) {
        word += c.toLowerCase();
      } else if ((c === "'" || c === '\u2019') && word && i + 1 < chars.length && WORD.test(chars[i + 1])) {
        /* an apostrophe inside a word joins its halves */
      } else if (word) {
        out.push(word);
        word = '';
      }
    }
    if (word) out.push(word);
    return out;
  }

  /* "stopp" → "stop"; "controll" → "control", but "call" and "install" stay (tokens.rs says
     why). */
  var KEEPS_LL = ['install', 'recall', 'befall', 'forestall', 'enthrall', 'downfall'];
  function undouble(w) {
    var n = w.length;
    if (n >= 3 && w[n - 1] === w[n - 2] && 'aeioulsz'.indexOf(w[n - 1]) < 0) return w.slice(0, -1);
    if (n >= 5 && w.slice(-2) === 'll' && (w.slice(0, -2).match(/[aeiou]+/g) || []).length >= 2 && KEEPS_LL.indexOf(w) < 0) return w.slice(0, -1);
    return w;
  }

  function stem(word) {
    if (word === 'children') return 'child';
    if (!/^[a-z]+$/.test(word) || word.length < 4) return word;
    var w = word;
    var n = w.length;
    var ends = function (s) { return w.slice(-s.length) === s; };
    if (ends('sses')) w = w.slice(0, -2);
    else if (ends('ies') && n >= 5) w = w.slice(0, -3) + 'y';
    else if (ends('ss') || ends('us') || ends('is')) { /* keep */ }
    else if (ends('s')) w = w.slice(0, -1);
    else if (ends('ing') && n >= 6) w = undouble(w.slice(0, -3));
    else if (ends('ed') && n >= 5) {
      w = w.slice(0, -2);
      w = w.slice(-1) === 'i' ? w.slice(0, -1) + 'y' : undouble(w);
    }
    if (w.slice(-1) === 'e' && w.length >= 4) w = w.slice(0, -1);
    if (w === 'children') return 'child';
    return w;
  }

  function key(term, len) {
    var chars = Array.from(term);
    var k = '';
    for (var i = 0; i < len; i++) {
      var c = chars[i];
      if (c === undefined) k += '-';
      else if (/^[a-z0-9]$/.test(c)) k += c;
      else k += '_';
    }
    return k;
  }

  /* ---- the index ---- */

  var meta = null;
  var cache = {};

  function get(path) {
    /* Another language's index shares the main language's pages and filter lists, which
       stay in the main index. */
    var from = base;
    if (meta && meta.shared) {
      var frag = /^p\/(\d+)\.json$/.exec(path);
      if (path.lastIndexOf('f/', 0) === 0 || (frag && (+frag[1] + 1) * meta.bundle <= meta.own[0])) from = meta.shared;
    }
    var at = from + path;
    if (!cache[at]) {
      var url = at + (meta ? '?v=' + meta.version : '');
      cache[at] = fetch(url, meta ? {} : { cache: 'no-cache' }).then(function (r) {
        if (!r.ok) throw new Error(r.status + ' for ' + url);
        return r.json();
      });
    }
    return cache[at];
  }

  function loadMeta() {
    return get('meta.json').then(function (m) {
      if (!meta) {
        meta = m;
        meta.stopSet = new Set(m.stop);
        meta.shardSet = new Set(m.shards);
        var sessions = m.sessions || {};
        meta.upcomingSet = docsOfRuns(sessions.upcoming);
        meta.pastSet = docsOfRuns(sessions.past);
        meta.newsSet = docsOfRuns(m.news);
        meta.acronymSet = new Set((m.synonyms || []).map(function (syn) { return syn[0]; }));
        /* The search page of another language: its own pages come first, then the rest. The
           main language's lists the translations after its own pages. */
        meta.ownSet = m.own ? docsOfRuns([m.own]) : m.translations ? docsOfRuns([[0, m.translations[0][0]]]) : null;
        /* For synonyms' phrases: the small words that stand for one another, and per word
           the words a synonym of one word gives for it ("mate": "friend"). */
        meta.whoseSet = new Set(WHOSE_WORDS.map(stem));
        meta.wordSyn = new Map();
        (m.phrases || []).forEach(function (syn) {
          if (syn.words.length !== 1) return;
          syn.meanings.forEach(function (x) {
            if (x[0].length !== 1) return;
            if (!meta.wordSyn.has(syn.words[0])) meta.wordSyn.set(syn.words[0], new Set());
            meta.wordSyn.get(syn.words[0]).add(x[0][0]);
          });
        });
      }
      return meta;
    });
  }

  /* The documents of runs of [first, count]. */
  function docsOfRuns(runs) {
    var set = new Set();
    (runs || []).forEach(function (r) { for (var i = 0; i < r[1]; i++) set.add(r[0] + i); });
    return set;
  }

  /* Whether the query asks what a glossary acronym means: one acronym, a word such as "what"
     or "mean", and nothing else but small words. */
  function asksMeaning(q) {
    var ws = words(q);
    var cue = false;
    var strong = false;
    var rest = [];
    ws.forEach(function (w) {
      if (DEFINE_WORDS.indexOf(w) >= 0) {
        cue = true;
        strong = strong || DEFINE_STRONG.indexOf(w) >= 0;
      } else if (DEFINE_FILLER.indexOf(w) < 0) rest.push(w);
    });
    /* One acronym, however many times it is written ("what does DSL mean, my teacher said
       she has to tell the DSL"). */
    var acronyms = new Set(rest.filter(function (w) { return meta.acronymSet.has(stem(w)); }).map(stem));
    return cue && acronyms.size === 1 && (rest.length === 1 || strong);
  }

  function shardFor(term) {
    for (var len = 2; len <= 8; len++) {
      var k = key(term, len);
      if (meta.shardSet.has(k)) return k;
    }
    return null;
  }

  function shardsForPrefix(p) {
    var pk = key(p, Array.from(p).length);
    return meta.shards.filter(function (k) {
      var n = Math.min(k.length, pk.length);
      return k.slice(0, n) === pk.slice(0, n) && k.slice(0, n).indexOf('-') < 0;
    });
  }

  /* ---- a query ---- */

  /* Whether a and b differ by at most one letter added, left out, changed, or two swapped. */
  function oneEdit(a, b) {
    if (a === b) return true;
    var n = a.length, m = b.length;
    if (Math.abs(n - m) > 1) return false;
    var i = 0;
    while (i < n && i < m && a[i] === b[i]) i++;
    if (n === m) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    return n > m ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  /* Whether `typed` is the word `known`, or one typo of it when `known` has at least `least`
     letters (shorter words have near neighbours of their own: "course", "source"). */
  function typoOf(known, typed, least) {
    return known === typed || (Array.from(known).length >= least && oneEdit(known, typed));
  }

  /* Whether `w` is one of `list`, or one typo away from one of its words of seven letters or
     more ("trainning", "sesion"). */
  function isWordOf(list, w) {
    return list.some(function (x) { return typoOf(x, w, 7); });
  }

  /* The terms a word of the query looks for, with their weights: its stem, and the other
     degree of an adjective ("safe" and "safer" find each other). */
  function forms(raw) {
    var out = [{ t: stem(raw), w: 1 }];
    var add = function (word) {
      var t = stem(word);
      if (!out.some(function (f) { return f.t === t; })) out.push({ t: t, w: 0.9 });
    };
    if (/^[a-z]+$/.test(raw) && raw.length >= 4) {
      var ends = function (x) { return raw.slice(-x.length) === x; };
      if (ends('er') && raw.length >= 5) { add(raw.slice(0, -1)); add(raw.slice(0, -2)); }
      else if (ends('est') && raw.length >= 6) { add(raw.slice(0, -2)); add(raw.slice(0, -3)); }
      else if (!ends('s') && !ends('ing') && !ends('ed')) {
        add(raw + (ends('e') ? 'r' : 'er'));
        add(raw + (ends('e') ? 'st' : 'est'));
      }
    }
    return out;
  }

  /* Whether the word at `i` is part of a child's age ("my 12 year old", "15 yrs old"), which
     says who, not what: no page needs it. */
  function isAge(items, i) {
    var raw = function (k) { return items[k] ? items[k].raw : null; };
    var num = function (k) { return /^\d{1,2}$/.test(raw(k) || ''); };
    var year = function (k) { return YEAR_WORDS.indexOf(raw(k)) >= 0; };
    return (num(i) && year(i + 1)) || (year(i) && num(i - 1)) || (raw(i) === 'old' && year(i - 1) && num(i - 2));
  }

  /* One group per word of the query (a page must match every group): the word's forms, and
     terms that start with it. A glossary expansion written out in full becomes its acronym,
     which the index holds for both. */
  function groupsOf(items, last) {
    var stems = items.map(function (x) { return x.stem; });
    var groups = [];
    for (var i = 0; i < items.length; i++) {
      var matched = null;
      for (var s = 0; s < meta.synonyms.length && !matched; s++) {
        var exp = meta.synonyms[s][1];
        if (exp.length > 1 && exp.every(function (e, j) { return stems[i + j] === e; })) matched = meta.synonyms[s];
      }
      if (matched) {
        groups.push({ word: matched[0], alts: [{ t: matched[0], w: 1 }], prefix: null });
        i += matched[1].length - 1;
        continue;
      }
      var it = items[i];
      var alts = it.raw ? forms(it.raw) : [{ t: it.stem, w: 1 }];
      var prefix = null;
      if (it.raw && last && i === items.length - 1 && Array.from(it.raw).length >= 3) {
        prefix = { p: it.raw, w: PREFIX_WEIGHT };  /* still being typed */
      } else if (Array.from(it.stem).length >= 5) {
        prefix = { p: it.stem, w: 0.5 };  /* "exploit" finds "exploitation" */
      }
      groups.push({ word: it.raw || it.stem, alts: alts, prefix: prefix, weak: !!it.raw && (WEAK_WORDS.indexOf(it.raw) >= 0 || isAge(items, i)) });
    }
    /* Weak words need not match unless the search has nothing else. */
    if (groups.every(function (g) { return g.weak; })) groups.forEach(function (g) { g.weak = false; });
    return groups;
  }

  /* Whether a typed word (as a stem) stands where a synonym's phrase has `x`: the same
     word, a word the synonyms take for it ("mate" for "friend"), or another of the small
     words that say whose it is ("staying at a friend" is also "staying at my mate's"). */
  function samePhraseWord(x, typed) {
    if (x === typed) return true;
    if (meta.whoseSet.has(x)) return meta.whoseSet.has(typed);
    return meta.wordSyn.has(typed) && meta.wordSyn.get(typed).has(x);
  }

  /* The query as the searches to run: as typed, and once per meaning of a synonym in it
     (data/search.yaml: "running away" is also searched as "missing children"). */
  function parse(q) {
    var every = words(q);
    var stems = every.map(stem);
    var items = [];
    every.forEach(function (w, at) {
      if (Array.from(w).length > 1 && !meta.stopSet.has(w)) items.push({ raw: w, stem: stems[at], at: at });
    });
    var endsInWord = /[\p{Alphabetic}\p{N}]$/u.test(q);
    var variants = [{ groups: groupsOf(items, endsInWord), weight: 1, meaning: null }];
    var notes = [];
    /* A synonym's phrase is matched word for word, small words too: "staying with us" is
       private fostering, "stayed out all night" is not. */
    (meta.phrases || []).forEach(function (syn) {
      var w = syn.words;
      for (var i = 0; i + w.length <= stems.length; i++) {
        if (!w.every(function (x, j) { return samePhraseWord(x, stems[i + j]); })) continue;
        var said = every.slice(i, i + w.length).join(' ');
        var before = items.filter(function (x) { return x.at < i; });
        var after = items.filter(function (x) { return x.at >= i + w.length; });
        syn.meanings.forEach(function (m) {
          var swapped = before
            .concat(m[0].map(function (t) { return { raw: null, stem: t }; }))
            .concat(after);
          variants.push({ groups: groupsOf(swapped, false), weight: 0.95, meaning: m[1] });
        });
        notes.push({ said: said, meanings: syn.meanings.map(function (m) { return m[1]; }) });
        break;
      }
    });
    /* "Basic safeguarding course dates": the course words say what kind of page is wanted, so
       sessions are also searched for the other words alone. */
    var plain = items.filter(function (x) { return !isWordOf(TRAINING_WORDS, x.raw); });
    /* "When is the next neglect course": a session's date says whether it is next; its
       page need not say "next". */
    if (plain.length < items.length) plain = plain.filter(function (x) { return WHEN_WORDS.indexOf(x.raw) < 0; });
    if (plain.length && plain.length < items.length) {
      variants.push({ groups: groupsOf(plain, false), weight: 1, meaning: null, sessionsOnly: true });
    }
    var said = triggerWords(q);
    var safety = safetyWords(said);
    var highlight = new Set();
    variants.forEach(function (v) {
      v.groups.forEach(function (g) { g.alts.forEach(function (a) { highlight.add(a.t); }); });
    });
    meta.synonyms.forEach(function (syn) {
      if (highlight.has(syn[0])) syn[1].forEach(function (e) { highlight.add(e); });
    });
    var prefixes = variants[0].groups.filter(function (g) { return g.prefix && g.prefix.w === PREFIX_WEIGHT; })
      .map(function (g) { return g.prefix.p; });
    return { variants: variants, highlight: highlight, prefixes: prefixes, notes: notes, corrected: [], safety: safety.size > 0, helpOnly: asksOnlyForHelp(said, safety), reader: readerOf(q),
      training: words(q).some(function (w) { return isWordOf(TRAINING_WORDS, w); }),
      news: words(q).some(function (w) { return NEWS_WORDS.indexOf(w) >= 0; }),
      meaning: asksMeaning(q) };
  }

  /* A query's words as safety searches and readers' phrases are written: stemmed, small
     words left out (but not "me", "my", "I" or "who": the index's meta lists the fillers). */
  function triggerWords(q) {
    var filler = new Set(meta.filler || []);
    return new Set(words(q).filter(function (w) { return !filler.has(w); }).map(stem));
  }

  /* The query's words (its triggerWords) that make up safety searches (src/search/safety.txt
     and data/search.yaml) it has all the words of: none unless it asks for help in danger. */
  function safetyWords(have) {
    var said = new Set();
    (meta.safety || []).forEach(function (t) {
      var found = t.map(function (w) { return wordFor(have, w); });
      if (found.every(Boolean)) found.forEach(function (w) { said.add(w); });
    });
    return said;
  }

  /* The word of `have` that is `w`, or, for a word of five letters or more, a typo of it
     ("childline numbr", "worried about my freind": a frightened reader types fast); null if
     none is. */
  function wordFor(have, w) {
    if (have.has(w)) return w;
    var near = null;
    have.forEach(function (h) { if (!near && typoOf(w, h, 5)) near = h; });
    return near;
  }

  /* Whether a safety search only asks for help ("someone is hurting me", "how do I report
     abuse"), with no words beyond its safety search's but general ones: then the "Worried
     about a child?" page comes first. One that also says what is happening ("mum and her
     boyfriend keep fighting and I'm scared") shows the pages about that first; the safety
     box above them links to the "Worried about a child?" page either way. */
  function asksOnlyForHelp(have, safety) {
    var general = GENERAL_WORDS.map(stem);
    var more = false;
    have.forEach(function (w) { if (!safety.has(w) && general.indexOf(w) < 0) more = true; });
    return safety.size > 0 && !more;
  }

  /* Who is searching, if their words say (`readers:` in data/search.yaml: "my son" is a
     parent, "my mate" a young person, and so is "my freind"): the audience whose matching
     phrase is the most specific. A phrase's words come in its order, each within
     READER_GAP words of the one before ("my 14 year old son"), so "my niece has an older
     boyfriend" is not "my boyfriend". */
  function readerOf(q) {
    var general = GENERAL_WORDS.map(stem);
    var typed = words(q).map(stem);
    var best = null;
    var most = 0;
    (meta.readers || []).forEach(function (r) {
      r[1].forEach(function (t) {
        /* A phrase of general words only ("me", "im") loses a tie: "a pupil showed me". */
        var size = t.length + (t.some(function (w) { return general.indexOf(w) < 0; }) ? 0.5 : 0);
        if (size > most && inOrder(typed, t)) { best = r[0]; most = size; }
      });
    });
    return best;
  }

  /* Whether the words of `phrase` come in `typed` in order, each within READER_GAP words of
     the one before; a word of five letters or more also with one typo. */
  function inOrder(typed, phrase) {
    var same = function (w, h) { return h === w || typoOf(w, h, 5); };
    return typed.some(function (h, start) {
      if (!same(phrase[0], h)) return false;
      var at = start;
      return phrase.slice(1).every(function (w) {
        for (var k = at + 1; k <= at + READER_GAP && k < typed.length; k++) {
          if (same(w, typed[k])) { at = k; return true; }
        }
        return false;
      });
    });
  }

  function postingsInto(map, list, weight) {
    var doc = 0;
    for (var i = 0; i + 2 < list.length; i += 3) {
      doc += list[i];
      var rec = list[i + 1];
      var score = list[i + 2] * weight;
      var recs = map.get(doc);
      if (!recs) { recs = new Map(); map.set(doc, recs); }
      if (!(recs.get(rec) >= score)) recs.set(rec, score);
    }
  }

  /* `~term` is a common term's other documents: [score, bitmap], six documents to a
     character of BITS, lowest bit first (src/search/mod.rs, `bitmap`). Each not already found
     gets that score, at its start. */
  var BITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  function denseInto(map, dense, weight) {
    if (!dense) return;
    var score = dense[0] * weight;
    var bits = dense[1];
    for (var i = 0; i < bits.length; i++) {
      var c = BITS.indexOf(bits[i]);
      for (var b = 0; c && b < 6; b++) {
        if (!(c & (1 << b))) continue;
        var doc = i * 6 + b;
        if (!map.has(doc)) map.set(doc, new Map([[0, score]]));
      }
    }
  }

  /* `>term` lists the documents with the term in their title, and each title's length. */
  function titlesInto(titles, list) {
    if (!list) return;
    var doc = 0;
    for (var i = 0; i + 1 < list.length; i += 2) {
      doc += list[i];
      titles.set(doc, list[i + 1]);
    }
  }

  /* Shards that may hold a word with one letter wrong: those whose key is one edit from the
     start of the word, the word's own first, then those sharing its first letter. */
  function shardsNear(t) {
    var near = [];
    meta.shards.forEach(function (k) {
      var letters = k.replace(/-+$/, '');
      if (!letters || letters.indexOf('_') >= 0) return;
      var n = letters.length;
      if (letters === t.slice(0, n)) near.push([0, k]);
      else if (oneEdit(letters, t.slice(0, n)) || oneEdit(letters, t.slice(0, n + 1)) || oneEdit(letters, t.slice(0, n - 1))) {
        near.push([letters[0] === t[0] ? 1 : 2, k]);
      }
    });
    near.sort(function (a, b) { return a[0] - b[0]; });
    return near.slice(0, MAX_NEAR_SHARDS).map(function (x) { return x[1]; });
  }

  function fetchAll(keys) {
    return Promise.all(keys.map(function (k) { return get('t/' + k + '.json'); }));
  }

  /* Finds a group's documents: {recs: doc → (record → score), titles: doc → title length}. A
     word of five letters or more that is in no page is looked for with one letter wrong. */
  function matchGroup(g, query) {
    var wanted = [];
    g.alts.forEach(function (a) {
      var k = shardFor(a.t);
      if (k && wanted.indexOf(k) < 0) wanted.push(k);
    });
    var prefixShards = g.prefix ? shardsForPrefix(g.prefix.p) : [];
    if (prefixShards.length > MAX_PREFIX_SHARDS) prefixShards = [];
    prefixShards.forEach(function (k) { if (wanted.indexOf(k) < 0) wanted.push(k); });
    var recs = new Map();
    var titles = new Map();
    var isAlt = function (t) { return g.alts.some(function (a) { return a.t === t; }); };
    var exact = false;
    return fetchAll(wanted).then(function (shards) {
      shards.forEach(function (shard) {
        g.alts.forEach(function (a) {
          if (shard[a.t]) {
            exact = true;
            postingsInto(recs, shard[a.t], a.w);
            denseInto(recs, shard['~' + a.t], a.w);
            titlesInto(titles, shard['>' + a.t]);
          }
        });
        if (g.prefix) {
          Object.keys(shard).forEach(function (term) {
            if (term[0] !== '>' && term[0] !== '~' && !isAlt(term) && term.lastIndexOf(g.prefix.p, 0) === 0) {
              postingsInto(recs, shard[term], g.prefix.w);
              denseInto(recs, shard['~' + term], g.prefix.w);
              titlesInto(titles, shard['>' + term]);
            }
          });
        }
      });
      /* Words that only begin others are not in any page either: "controll" begins
         "controlling", but the reader meant "controls". */
      var main = g.alts[0].t;
      if (exact || Array.from(g.word).length < 5 || !/^[a-z]+$/.test(main)) return null;
      return fetchAll(shardsNear(main));
    }).then(function (near) {
      if (near) {
        var found = [];
        near.forEach(function (shard) {
          Object.keys(shard).forEach(function (term) {
            if (term[0] !== '>' && term[0] !== '~' && term.length >= 4 && found.indexOf(term) < 0 && oneEdit(term, g.alts[0].t)) {
              found.push(term);
              postingsInto(recs, shard[term], 0.8);
              denseInto(recs, shard['~' + term], 0.8);
              titlesInto(titles, shard['>' + term]);
              query.highlight.add(term);
            }
          });
        });
        if (found.length && query.corrected.indexOf(g.word) < 0) query.corrected.push(g.word);
      }
      return { recs: recs, titles: titles, weak: g.weak };
    });
  }

  function activeFilters() {
    return filters.filter(function (f) { return f.value; });
  }

  function filterSet() {
    var active = activeFilters();
    if (!active.length) return Promise.resolve(null);
    return Promise.all(active.map(function (f) {
      return get('f/' + f.getAttribute('data-haven-filter') + '/' + f.value + '.json');
    })).then(function (lists) {
      var set = new Set(lists[0]);
      lists.slice(1).forEach(function (l) {
        var s = new Set(l);
        set.forEach(function (d) { if (!s.has(d)) set.delete(d); });
      });
      return set;
    });
  }

  /* Ranks documents: every group must match somewhere on the page (if no page has them all,
     pages with some of them are shown, and the status says so). A page whose title has every
     word of the query comes first, and one whose title is just those words before it; then
     pages by their scores, where headings count above body text. */
  function rank(found, allowed) {
    var matches = found.filter(function (m) { return !m.weak; });
    var weak = found.filter(function (m) { return m.weak; });
    function collect(least) {
      var docs = new Set();
      matches.forEach(function (m) { m.recs.forEach(function (_, d) { docs.add(d); }); });
      var extra = function (d) {
        return weak.reduce(function (n, m) { return n + (m.recs.has(d) ? 1 : 0); }, 0);
      };
      var out = [];
      docs.forEach(function (d) {
        if (allowed && !allowed.has(d)) return;
        var total = 0;
        var found = 0;
        var inTitle = 0;
        var titleLen = 0;
        var perRec = new Map();
        var groupsIn = new Map();
        matches.forEach(function (m) {
          var recs = m.recs.get(d);
          if (!recs) return;
          found++;
          if (m.titles.has(d)) { inTitle++; titleLen = m.titles.get(d); }
          var best = 0;
          var sum = 0;
          recs.forEach(function (s, r) {
            if (s > best) best = s;
            sum += s;
            perRec.set(r, (perRec.get(r) || 0) + s);
            groupsIn.set(r, (groupsIn.get(r) || 0) + 1);
          });
          /* The best place on the page counts most; other mentions add a little, so a
             page that keeps coming back to the words outranks one passing mention. */
          total += best + Math.min(best, 0.2 * (sum - best));
        });
        if (found < least) return;
        var bestRec = 0;
        var bestScore = -1;
        var together = 0;
        perRec.forEach(function (s, r) {
          if (s > bestScore || (s === bestScore && r < bestRec)) { bestScore = s; bestRec = r; }
          /* Words found together under one heading say more than words scattered. */
          if (matches.length > 1 && groupsIn.get(r) > 1 && s > together) together = s;
        });
        var all = inTitle === matches.length;
        var tier = all && inTitle >= titleLen ? 2 : all ? 1 : 0;
        /* Among titles with every word, the shorter the title the closer the match. */
        var cover = all && titleLen ? Math.min(1, matches.length / titleLen) : 0;
        /* A title made only of words of the query ("Training" for "safeguarding training")
           names what the reader asked for, if not all of it. */
        var named = inTitle && inTitle >= titleLen ? 2 : 1;
        var score = (total + together) * (found + 0.25 * extra(d)) * (1 + inTitle / matches.length) * (0.5 + cover) * named;
        /* A page missing one word of a search of three or more words ranks among the pages
           with them all, its score lowered: the word it lacks may say little ("another
           town"). One missing two comes after them. */
        var missing = matches.length - found;
        if (missing === 1 && least > 1) score *= MISS_ONE;
        out.push({ doc: d, score: score, tier: missing > 1 ? -1.5 : missing ? 0 : tier, rec: all ? 0 : bestRec, almost: missing > 0, missing: missing, titled: inTitle > 0 });
      });
      out.sort(byRank);
      return out;
    }
    /* Every word must match; from three words on, pages with all but one follow. A long
       search ("safer recruitment training for school governors") that few pages match so
       closely goes on with pages that have at least half of its words: they are collected
       in the same pass, and kept only then. */
    var n = matches.length;
    var close = n >= 3 ? 1 : 0;
    var wide = collect(n >= 4 ? Math.ceil(n / 2) : n - close);
    var all = wide.filter(function (h) { return h.missing <= close; });
    var full = all.filter(function (h) { return !h.almost; }).length;
    if (!full && n >= 2) return { hits: collect(1), partial: true };
    return { hits: n >= 4 && all.length < PAGE ? wide : all, partial: false };
  }

  function byRank(a, b) {
    return ownFirst(b) - ownFirst(a) || b.tier - a.tier || b.score - a.score || a.doc - b.doc;
  }

  /* 1 for a page in the search page's own language, where other languages are listed too. */
  function ownFirst(h) {
    return meta && meta.ownSet && meta.ownSet.has(h.doc) ? 1 : 0;
  }

  /* Runs every search of the query and merges them: a page found by several keeps its best. */
  function runAll(query, allowed) {
    var readerPages = query.reader ? get('f/audiences/' + query.reader + '.json') : Promise.resolve(null);
    /* The other readers' pages, and whether their audience is read by everyone. */
    var others = query.reader ? (meta.readers || []).filter(function (r) { return r[0] !== query.reader; }) : [];
    var otherPages = Promise.all(others.map(function (r) {
      return get('f/audiences/' + r[0] + '.json').catch(function () { return []; }).then(function (list) { return { docs: list, everyone: !!r[2] }; });
    }));
    return Promise.all([readerPages, otherPages].concat(query.variants.map(function (v) {
      return Promise.all(v.groups.map(function (g) { return matchGroup(g, query); })).then(function (m) {
        var r = rank(m, allowed);
        r.weight = v.weight;
        r.sessionsOnly = v.sessionsOnly;
        if (v.sessionsOnly) {
          r.hits = r.hits.filter(function (h) { return meta.upcomingSet.has(h.doc) || meta.pastSet.has(h.doc); });
        }
        return r;
      });
    }))).then(function (got) {
      var forReader = got[0] ? new Set(got[0]) : null;
      /* Pages only for other readers go lower: not a page also for this reader, or for an
         audience read by everyone ("Domestic abuse" is for parents and practitioners). */
      var kept = new Set(forReader || []);
      got[1].forEach(function (o) { if (o.everyone) o.docs.forEach(function (d) { kept.add(d); }); });
      var forOthers = new Set();
      got[1].forEach(function (o) { if (!o.everyone) o.docs.forEach(function (d) { if (!kept.has(d)) forOthers.add(d); }); });
      var ranked = got.slice(2);
      var best = new Map();
      var partial = true;
      ranked.forEach(function (r) {
        if (!r.hits.length) return;
        /* Sessions that the words besides the course words pick out by name, when they are
           few ("neglect course dates", "basic safeguarding course"), are what is asked for:
           they come before pages that only mention the topic and training. A word in most
           sessions' titles ("safeguarding training") asks for the list instead. */
        var named = r.sessionsOnly && !r.partial ? r.hits.filter(function (h) { return h.titled && !h.almost; }) : [];
        var asked = named.length && named.length <= FEW_SESSIONS ? new Set(named.map(function (h) { return h.doc; })) : null;
        partial = partial && r.partial;
        r.hits.forEach(function (h) {
          /* Pages for the reader the words point to count twice. */
          var boost = forReader && forReader.has(h.doc) ? READER_BOOST : forOthers.has(h.doc) ? OTHER_READER : 1;
          /* A search that shows the safety box ranks the "Worried about a child?" page higher. */
          if (query.safety && h.doc === meta.report) boost *= REPORT_BOOST;
          /* Sessions found without the course words do not get a title's place. */
          var tier = r.partial ? -2 : r.sessionsOnly ? (asked && asked.has(h.doc) ? 1 : Math.min(h.tier, 0)) : h.tier;
          /* A training session comes after the guidance on its topic, unless the reader asks
             for training: then the next sessions come first and past ones after. */
          var upcoming = meta.upcomingSet.has(h.doc);
          if (upcoming || meta.pastSet.has(h.doc)) {
            if (!query.training) { boost *= 0.5; tier = Math.min(tier, 0); } else boost *= upcoming ? 2 : 0.5;
          }
          if (!query.news && meta.newsSet.has(h.doc)) boost *= NEWS_WEIGHT;
          var hit = { doc: h.doc, score: h.score * r.weight * boost, tier: tier, rec: h.rec, almost: !r.partial && h.almost };
          var had = best.get(h.doc);
          if (!had || byRank(hit, had) < 0) best.set(h.doc, hit);
        });
      });
      /* "What is a DSL" shows the glossary first. */
      if (query.meaning && typeof meta.glossary === 'number' && (!allowed || allowed.has(meta.glossary))) {
        best.set(meta.glossary, { doc: meta.glossary, score: 0, tier: 3, rec: 0 });
      }
      /* A search that only asks for help shows the "Worried about a child?" page first. */
      if (query.helpOnly && typeof meta.report === 'number' && (!allowed || allowed.has(meta.report))) {
        best.set(meta.report, { doc: meta.report, score: 0, tier: 4, rec: 0 });
      }
      var hits = Array.from(best.values()).sort(byRank);
      return { hits: hits, partial: hits.length > 0 && partial, forReader: forReader };
    });
  }

  /* Pairs of neighbouring words of the query, as stems, with how many small words stood
     between them ("living with us": living, us, 1). */
  function pairsOf(q) {
    var out = [];
    var prev = null;
    var gap = 0;
    words(q).forEach(function (w) {
      if (Array.from(w).length < 2 || meta.stopSet.has(w)) { gap++; return; }
      var s = stem(w);
      if (prev !== null && prev !== s) out.push([prev, s, gap]);
      prev = s;
      gap = 0;
    });
    return out;
  }

  /* How many of `pairs` a document's fragment has side by side (the second word within the
     same number of words of the first, plus one). */
  function pairsIn(f, pairs) {
    var text = [f.t, f.d].concat(f.r.map(function (r) { return r[1] + ' ' + r[2]; })).join(' ');
    var at = new Map();
    words(text).forEach(function (w, i) {
      var s = stem(w);
      if (!at.has(s)) at.set(s, []);
      at.get(s).push(i);
    });
    return pairs.filter(function (p) {
      var a = at.get(p[0]);
      var b = at.get(p[1]);
      if (!a || !b) return false;
      var bs = new Set(b);
      return a.some(function (i) {
        for (var k = 1; k <= p[2] + 2; k++) if (bs.has(i + k)) return true;
        return false;
      });
    }).length;
  }

  /* Reorders the first page of results by the query's word pairs found together: the pages
     a reader sees first are loaded to be shown anyway, so this costs no extra download. */
  function byPairs(ranked, q) {
    var pairs = pairsOf(q);
    var top = ranked.hits.slice(0, PAGE);
    if ((!pairs.length && !ranked.forReader) || top.length < 2) return Promise.resolve(ranked);
    return Promise.all(top.map(function (h) {
      return get('p/' + Math.floor(h.doc / meta.bundle) + '.json');
    })).then(function (files) {
      var frags = new Map();
      top = top.map(function (h, i) {
        var f = files[i][h.doc % meta.bundle];
        frags.set(h.doc, f);
        var n = pairs.length ? pairsIn(f, pairs) : 0;
        return n ? Object.assign({}, h, { score: h.score * (1 + PAIR_BOOST * n) }) : h;
      }).sort(byRank);
      if (ranked.forReader) top = forTheReader(top, ranked.forReader, frags);
      ranked.hits = top.concat(ranked.hits.slice(PAGE));
      return ranked;
    });
  }

  /* When the words say who is searching ("my daughter": a parent), the page written for that
     reader on a topic comes before the page written for another audience on the same topic
     ("Online safety" for young people), wherever it was below it on the first page of
     results. Pages written for several audiences (news, courses, reports) stay where they
     are. */
  function forTheReader(top, forReader, frags) {
    var x = function (h) { return frags.get(h.doc).x || {}; };
    var onlyFor = function (h) { return (x(h).audiences || []).length === 1; };
    var out = top.slice();
    for (var i = 0; i < out.length; i++) {
      var other = out[i];
      if (forReader.has(other.doc) || !onlyFor(other)) continue;
      var topics = x(other).topics || [];
      if (!topics.length) continue;
      for (var j = i + 1; j < out.length; j++) {
        var mine = out[j];
        if (ownFirst(mine) < ownFirst(other) || mine.tier < other.tier || !forReader.has(mine.doc) || !onlyFor(mine)) continue;
        if (!(x(mine).topics || []).some(function (t) { return topics.indexOf(t) >= 0; })) continue;
        out.splice(j, 1);
        out.splice(i, 0, mine);
        break;
      }
    }
    return out;
  }

  /* ---- showing results ---- */

  /* The words of `text` the query matches, as regular-expression matches, in order. */
  function matches(text, query) {
    var re = /[\p{Alphabetic}\p{N}]+(?:['\u2019][\p{Alphabetic}\p{N}]+)*/gu;
    var out = [];
    var m;
    while ((m = re.exec(text))) {
      var w = m[0].toLowerCase().replace(/['\u2019]/g, '');
      if (query.highlight.has(stem(w)) || query.prefixes.some(function (p) { return w.lastIndexOf(p, 0) === 0; })) out.push(m);
    }
    return out;
  }

  function marked(parent, text, query) {
    var at = 0;
    matches(text, query).forEach(function (m) {
      parent.appendChild(document.createTextNode(text.slice(at, m.index)));
      var mark = document.createElement('mark');
      mark.textContent = m[0];
      parent.appendChild(mark);
      at = m.index + m[0].length;
    });
    parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function snippet(text, query) {
    var first = matches(text, query)[0];
    if (!first) return null;
    var at = first.index;
    var start = Math.max(0, at - 70);
    if (start > 0) {
      var space = text.indexOf(' ', start);
      start = space >= 0 && space < at ? space + 1 : start;
    }
    var end = Math.min(text.length, start + 240);
    if (end < text.length) {
      var cut = text.lastIndexOf(' ', end);
      if (cut > at) end = cut;
    }
    return (start > 0 ? '… ' : '') + text.slice(start, end) + (end < text.length ? ' …' : '');
  }

  function item(hit, f, query) {
    var li = document.createElement('li');
    li.className = 'search-result';
    /* A page in the main language, listed on another language's search page, says so. */
    var own = document.documentElement;
    if (meta.main && !ownFirst(hit)) {
      li.lang = meta.main;
      if (own.dir === 'rtl') li.dir = 'ltr';
    }
    /* And a translation, on the main language's. */
    (meta.translations || []).forEach(function (t) {
      if (hit.doc >= t[0] && hit.doc < t[0] + t[1]) {
        li.lang = t[2];
        li.dir = t[3];
      }
    });
    var rec = f.r[hit.rec] || f.r[0] || ['', '', ''];
    var title = document.createElement('p');
    title.className = 'search-result__title';
    var a = document.createElement('a');
    a.href = f.u + (rec[0] ? '#' + rec[0] : '');
    marked(a, f.t, query);
    if (f.e) {
      /* A training session's date: the same course on several dates has one title. */
      var date = document.createElement('span');
      date.className = 'search-result__date';
      date.textContent = ', ' + f.e;
      a.appendChild(date);
    }
    if (rec[1]) {
      var sub = document.createElement('span');
      sub.className = 'search-result__heading';
      sub.textContent = ': ' + rec[1];
      a.appendChild(sub);
    }
    title.appendChild(a);
    li.appendChild(title);
    var facts = [];
    if (f.s) facts.push(f.s);
    /* Who the page is for, leaving out an audience its section already names ("For parents
       and carers" in the section of that name), and any repeated. */
    var said = f.s ? f.s.toLowerCase() : '';
    var aud = ((f.x && f.x.audiences) || []).filter(function (a, i, all) {
      return all.indexOf(a) === i && ('for ' + a).toLowerCase() !== said;
    });
    if (aud.length) facts.push(word('audiences', { audiences: aud.join(', ') }));
    if (facts.length) {
      var metaLine = document.createElement('p');
      metaLine.className = 'search-result__meta';
      /* Its words ("For …") are the page's, whatever the result's language. */
      if (li.lang) {
        metaLine.lang = own.lang;
        metaLine.dir = own.dir || 'ltr';
      }
      metaLine.textContent = facts.join(' · ');
      li.appendChild(metaLine);
    }
    var text = snippet(rec[2], query) || snippet(f.d, query) ||
      (f.r.map(function (r) { return snippet(r[2], query); }).filter(Boolean)[0]) || f.d || rec[2].slice(0, 200);
    if (text) {
      var p = document.createElement('p');
      p.className = 'search-result__snippet';
      marked(p, text, query);
      li.appendChild(p);
    }
    return li;
  }

  var run = 0;
  var current = null;

  function say(text) {
    if (status) status.textContent = text;
  }

  function showNext() {
    if (!current) return Promise.resolve();
    var mine = run;
    var batch = current.hits.slice(current.shown, current.shown + PAGE);
    // Fragments come in files of `meta.bundle` documents; results in one file share a fetch.
    return Promise.all(batch.map(function (h) {
      return get('p/' + Math.floor(h.doc / meta.bundle) + '.json');
    })).then(function (files) {
      if (mine !== run) return;
      files.forEach(function (f, i) {
        var h = batch[i];
        list.appendChild(item(h, f[h.doc % meta.bundle], current.query));
      });
      current.shown += batch.length;
      if (more) more.hidden = current.shown >= current.hits.length;
    });
  }

  function describe(n, q, partial, query) {
    var f = activeFilters().map(function (s) { return s.options[s.selectedIndex].text; });
    var places = { query: quoted(q.trim()), within: f.length ? word('within', { filters: f.join(', ') }) : '', count: n };
    if (!n) return word('no-results', places);
    var almost = current ? current.hits.filter(function (h) { return h.almost; }).length : 0;
    var out = word('results', places, n) +
      (partial ? word('partial') : almost ? word('almost', { count: almost }, almost) : '') + word('end');
    query.notes.forEach(function (note) {
      var m = note.meanings.map(quoted);
      out += note.meanings.length > 1
        ? word('means', { said: quoted(note.said), meanings: m.slice(0, -1).join(', ') + word('or') + m[m.length - 1] })
        : word('including', { meaning: m[0] });
    });
    if (query.corrected.length) {
      out += word('corrected', { words: query.corrected.map(quoted).join(word('or')) }, query.corrected.length);
    }
    return out;
  }

  /* The "If you are worried" box, built with the page from the site's report settings: shown
     above the results when a search asks for help, or finds nothing. */
  var safety = document.querySelector('[data-haven-search-safety]');
  var safetyBox = document.querySelector('template[data-haven-search-safety-box]');
  function showSafety(on) {
    if (!safety || !safetyBox) return;
    if (on && !safety.firstElementChild) safety.appendChild(safetyBox.content.cloneNode(true));
    if (!on) safety.textContent = '';
  }

  function search() {
    var q = input.value;
    var mine = ++run;
    if (!q.trim()) {
      list.textContent = '';
      if (more) more.hidden = true;
      current = null;
      showSafety(false);
      say('');
      return Promise.resolve();
    }
    return loadMeta().then(function () {
      var query = parse(q);
      if (!query.variants[0].groups.length) {
        return { hits: [], partial: false, query: query };
      }
      return filterSet().then(function (allowed) {
        return runAll(query, allowed);
      }).then(function (ranked) {
        ranked.query = query;
        return byPairs(ranked, q);
      });
    }).then(function (ranked) {
      if (mine !== run) return;
      list.textContent = '';
      showSafety(ranked.query.safety || !ranked.hits.length);
      current = { hits: ranked.hits, shown: 0, query: ranked.query };
      return showNext().then(function () {
        if (mine === run) say(describe(ranked.hits.length, q, ranked.partial, ranked.query));
      });
    }).catch(function () {
      if (mine === run) {
        showSafety(true);
        say(word('broken'));
      }
    });
  }

  var timer = null;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  filters.forEach(function (f) { f.addEventListener('change', search); });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    clearTimeout(timer);
    search();
  });
  if (more) {
    more.addEventListener('click', function () {
      var first = list.children.length;
      showNext().then(function () {
        var next = list.children[first];
        var link = next && next.querySelector('a');
        if (link) link.focus();
      });
    });
  }

  /* A search in the address (a link from elsewhere, or the form sent without this script):
     run it once, then take it out of the address without adding a history entry. */
  var params = new URLSearchParams(location.search);
  var names = [input.name].concat(filters.map(function (f) { return f.name; }));
  if (params.get('q')) input.value = params.get('q');
  filters.forEach(function (f) {
    var v = params.get(f.name);
    if (v) f.value = v;
  });
  if (names.some(function (n) { return params.has(n); })) {
    names.forEach(function (n) { params.delete(n); });
    var rest = params.toString();
    if (window.history && history.replaceState) {
      history.replaceState(history.state, '', location.pathname + (rest ? '?' + rest : '') + location.hash);
    }
  }
  if (input.value) search();

  /* For tests of the stemmer against tests/fixtures/stems.txt. */
  window.havenSearch = { stem: stem, words: words, key: key, oneEdit: oneEdit, denseInto: denseInto, pairsOf: pairsOf, pairsIn: pairsIn, readerOf: function (q) { return loadMeta().then(function () { return readerOf(q); }); } };
})();
