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
  var PAGE = 10;
  var PREFIX_WEIGHT = 0.6;
  var MAX_PREFIX_SHARDS = 8;
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

  function undouble(w) {
    var n = w.length;
    if (n >= 3 && w[n - 1] === w[n - 2] && 'aeioulsz'.indexOf(w[n - 1]) < 0) return w.slice(0, -1);
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
    else if (ends('ed') && n >= 5) w = undouble(w.slice(0, -2));
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
    if (!cache[path]) {
      var url = base + path + (meta ? '?v=' + meta.version : '');
      cache[path] = fetch(url, meta ? {} : { cache: 'no-cache' }).then(function (r) {
        if (!r.ok) throw new Error(r.status + ' for ' + url);
        return r.json();
      });
    }
    return cache[path];
  }

  function loadMeta() {
    return get('meta.json').then(function (m) {
      if (!meta) {
        meta = m;
        meta.stopSet = new Set(m.stop);
        meta.shardSet = new Set(m.shards);
      }
      return meta;
    });
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

  /* Splits a query into groups of alternative terms, one group per word; a glossary
     expansion written out in full becomes its acronym, which the index holds for both. */
  function parse(q) {
    var raw = words(q).filter(function (w) { return Array.from(w).length > 1 && !meta.stopSet.has(w); });
    var stems = raw.map(stem);
    var highlight = new Set(stems);
    var groups = [];
    var endsInWord = /[\p{Alphabetic}\p{N}]$/u.test(q);
    for (var i = 0; i < stems.length; i++) {
      var matched = null;
      for (var s = 0; s < meta.synonyms.length && !matched; s++) {
        var syn = meta.synonyms[s];
        var exp = syn[1];
        if (exp.every(function (e, j) { return stems[i + j] === e; })) matched = syn;
      }
      if (matched) {
        groups.push({ exact: matched[0], prefix: null });
        highlight.add(matched[0]);
        i += matched[1].length - 1;
        continue;
      }
      var last = i === stems.length - 1 && endsInWord;
      groups.push({ exact: stems[i], prefix: last && Array.from(raw[i]).length >= 3 ? raw[i] : null });
    }
    meta.synonyms.forEach(function (syn) {
      if (highlight.has(syn[0])) syn[1].forEach(function (e) { highlight.add(e); });
    });
    var prefixes = groups.filter(function (g) { return g.prefix; }).map(function (g) { return g.prefix; });
    return { groups: groups, highlight: highlight, prefixes: prefixes };
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

  function matchGroup(g) {
    var wanted = [];
    var exactShard = shardFor(g.exact);
    if (exactShard) wanted.push(exactShard);
    var prefixShards = g.prefix ? shardsForPrefix(g.prefix) : [];
    if (prefixShards.length > MAX_PREFIX_SHARDS) prefixShards = [];
    prefixShards.forEach(function (k) { if (wanted.indexOf(k) < 0) wanted.push(k); });
    return Promise.all(wanted.map(function (k) { return get('t/' + k + '.json'); })).then(function (shards) {
      var map = new Map();
      shards.forEach(function (shard) {
        if (shard[g.exact]) postingsInto(map, shard[g.exact], 1);
        if (g.prefix) {
          Object.keys(shard).forEach(function (term) {
            if (term !== g.exact && term.lastIndexOf(g.prefix, 0) === 0) postingsInto(map, shard[term], PREFIX_WEIGHT);
          });
        }
      });
      return map;
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
     pages with some of them are shown, and the status says so). */
  function rank(maps, allowed) {
    function collect(needAll) {
      var scores = new Map();
      maps[0].forEach(function (_, d) { scores.set(d, true); });
      maps.slice(1).forEach(function (m) { m.forEach(function (_, d) { scores.set(d, true); }); });
      var out = [];
      scores.forEach(function (_, d) {
        if (allowed && !allowed.has(d)) return;
        var total = 0;
        var found = 0;
        var perRec = new Map();
        var groupsIn = new Map();
        maps.forEach(function (m) {
          var recs = m.get(d);
          if (!recs) return;
          found++;
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
        if (needAll && found < maps.length) return;
        var bestRec = 0;
        var bestScore = -1;
        var together = 0;
        perRec.forEach(function (s, r) {
          if (s > bestScore || (s === bestScore && r < bestRec)) { bestScore = s; bestRec = r; }
          /* Words found together under one heading say more than words scattered. */
          if (maps.length > 1 && groupsIn.get(r) > 1 && s > together) together = s;
        });
        out.push({ doc: d, score: (total + together) * found, rec: bestRec });
      });
      out.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
      return out;
    }
    var all = collect(true);
    if (all.length || maps.length < 2) return { hits: all, partial: false };
    return { hits: collect(false), partial: true };
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
    if (aud.length) facts.push('For ' + aud.join(', '));
    if (facts.length) {
      var metaLine = document.createElement('p');
      metaLine.className = 'search-result__meta';
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

  function describe(n, q, partial) {
    var quoted = '\u201c' + q.trim() + '\u201d';
    var f = activeFilters().map(function (s) { return s.options[s.selectedIndex].text; });
    var within = f.length ? ' in ' + f.join(', ') : '';
    if (!n) return 'No results for ' + quoted + within + '. Try fewer or different words, or use the A to Z.';
    var count = n + (n === 1 ? ' result' : ' results');
    return count + ' for ' + quoted + within + (partial ? ' (no page has every word; showing pages with some of them)' : '');
  }

  function search() {
    var q = input.value;
    var mine = ++run;
    if (!q.trim()) {
      list.textContent = '';
      if (more) more.hidden = true;
      current = null;
      say('');
      return Promise.resolve();
    }
    return loadMeta().then(function () {
      var query = parse(q);
      if (!query.groups.length) {
        return { hits: [], partial: false, query: query };
      }
      return Promise.all([Promise.all(query.groups.map(matchGroup)), filterSet()]).then(function (r) {
        var ranked = rank(r[0], r[1]);
        ranked.query = query;
        return ranked;
      });
    }).then(function (ranked) {
      if (mine !== run) return;
      list.textContent = '';
      current = { hits: ranked.hits, shown: 0, query: ranked.query };
      return showNext().then(function () {
        if (mine === run) say(describe(ranked.hits.length, q, ranked.partial));
      });
    }).catch(function () {
      if (mine === run) say('Search is not working at the moment. Please use the A to Z instead.');
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
  window.havenSearch = { stem: stem, words: words, key: key };
})();
