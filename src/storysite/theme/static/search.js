/* storysite search: reads ?q=, fetches only the pieces of the index that the query
   needs (one file of terms per word, then the stories of the results shown) and lists
   the matching stories, best first. The index is made by storysite/search.py: this
   file folds, drops stop words, stems and hashes each word exactly as the build.
   Results are built with DOM calls and textContent only, never as HTML. Without
   JavaScript (or when the index cannot be loaded) the page's links to browse remain. */
(function () {
  "use strict";

  var PAGE = 20;
  var STOP_WORDS = (
    "a about after all also am an and any are as at be been but by can could did do " +
    "for from had has have he her him his how i if in into is it its just me my no " +
    "not of on or our out she so than that the their them then there these they this to " +
    "too up us was we were what when which who will with would you your"
  ).split(" ");

  function fold(text) {
    return String(text || "")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[\u2018\u2019]/g, "'")
      .toLowerCase();
  }

  /* --- stemming: Porter's first and last steps, as search.py's stem() ----------- */

  function consonant(word, i) {
    var letter = word.charAt(i);
    if ("aeiou".indexOf(letter) !== -1) { return false; }
    if (letter === "y") { return i === 0 || !consonant(word, i - 1); }
    return true;
  }

  function measure(word) {
    var pattern = "";
    for (var i = 0; i < word.length; i++) { pattern += consonant(word, i) ? "c" : "v"; }
    var runs = pattern.match(/v+c+/g);
    return runs ? runs.length : 0;
  }

  function hasVowel(word) {
    for (var i = 0; i < word.length; i++) { if (!consonant(word, i)) { return true; } }
    return false;
  }

  function endsCvc(word) {
    var n = word.length;
    return n >= 3 && consonant(word, n - 3) && !consonant(word, n - 2) &&
      consonant(word, n - 1) && "wxy".indexOf(word.charAt(n - 1)) === -1;
  }

  function endsWith(word, suffix) {
    return word.length >= suffix.length && word.slice(word.length - suffix.length) === suffix;
  }

  function stem(word) {
    if (word.length <= 2) { return word; }
    if (endsWith(word, "sses") || endsWith(word, "ies")) {
      word = word.slice(0, -2);
    } else if (endsWith(word, "s") && !endsWith(word, "ss")) {
      word = word.slice(0, -1);
    }
    if (endsWith(word, "eed")) {
      if (measure(word.slice(0, -3)) > 0) { word = word.slice(0, -1); }
    } else {
      var suffixes = ["ed", "ing"];
      for (var i = 0; i < suffixes.length; i++) {
        var suffix = suffixes[i];
        if (endsWith(word, suffix) && hasVowel(word.slice(0, -suffix.length))) {
          word = word.slice(0, -suffix.length);
          var n = word.length;
          if (endsWith(word, "at") || endsWith(word, "bl") || endsWith(word, "iz")) {
            word += "e";
          } else if (n >= 2 && word.charAt(n - 1) === word.charAt(n - 2) && consonant(word, n - 1)) {
            if ("lsz".indexOf(word.charAt(n - 1)) === -1) { word = word.slice(0, -1); }
          } else if (measure(word) === 1 && endsCvc(word)) {
            word += "e";
          }
          break;
        }
      }
    }
    if (endsWith(word, "y") && hasVowel(word.slice(0, -1))) { word = word.slice(0, -1) + "i"; }
    if (endsWith(word, "e")) {
      var m = measure(word.slice(0, -1));
      if (m > 1 || (m === 1 && !endsCvc(word.slice(0, -1)))) { word = word.slice(0, -1); }
    }
    if (endsWith(word, "ll") && measure(word) > 1) { word = word.slice(0, -1); }
    return word;
  }

  function termsOf(query) {
    var words = fold(query).match(/[a-z0-9']+/g) || [];
    var terms = [];
    words.forEach(function (word) {
      word = word.replace(/^'+|'+$/g, "");
      if (endsWith(word, "'s")) { word = word.slice(0, -2); }
      if (word.length < 2 || STOP_WORDS.indexOf(word) !== -1) { return; }
      var term = stem(word);
      if (terms.indexOf(term) === -1) { terms.push(term); }
    });
    return terms;
  }

  /* 32-bit FNV-1a of the term's UTF-8 bytes (terms are ASCII), as search.py's term_hash. */
  function hash(term) {
    var value = 0x811c9dc5;
    for (var i = 0; i < term.length; i++) {
      value = Math.imul(value ^ term.charCodeAt(i), 0x01000193) >>> 0;
    }
    return value >>> 0;
  }

  function getJSON(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) { throw new Error("index not found"); }
      return response.json();
    });
  }

  /* Story number -> weight, from a list written as [story, weight, gap, weight, ...]. */
  function postings(list) {
    var found = {};
    var number = 0;
    for (var i = 0; i + 1 < list.length; i += 2) {
      number += list[i];
      found[number] = list[i + 1];
    }
    return found;
  }

  /* A story matches when it holds every word. Its score adds each word's weight in
     it (title, tags, summary, then text) times how rare the word is; equal scores
     keep the newer story first (stories are numbered newest first). */
  function rank(lists, count) {
    if (lists.some(function (list) { return !list; })) { return []; }
    var maps = lists.map(postings);
    var rarity = maps.map(function (map) {
      return Math.log(1 + count / Math.max(1, Object.keys(map).length));
    });
    var hits = [];
    Object.keys(maps[0]).forEach(function (key) {
      var score = 0;
      for (var i = 0; i < maps.length; i++) {
        if (!(key in maps[i])) { return; }
        score += maps[i][key] * rarity[i];
      }
      hits.push({ number: Number(key), score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.number - b.number; });
    return hits.map(function (hit) { return hit.number; });
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function Search(box, query) {
    this.box = box;
    this.query = query;
    this.folder = box.getAttribute("data-index") || "";
    this.root = box.getAttribute("data-root") || "";
    this.shards = Number(box.getAttribute("data-shards")) || 1;
    this.chunk = Number(box.getAttribute("data-chunk")) || 16;
    this.count = Number(box.getAttribute("data-count")) || 0;
    this.chunks = {};
  }

  Search.prototype.run = function () {
    var self = this;
    var terms = termsOf(self.query);
    var shards = {};
    terms.forEach(function (term) {
      var shard = hash(term) % self.shards;
      if (!shards[shard]) { shards[shard] = getJSON(self.folder + "terms-" + shard + ".json"); }
    });
    var keys = Object.keys(shards);
    return Promise.all(keys.map(function (k) { return shards[k]; })).then(function (files) {
      var byShard = {};
      keys.forEach(function (k, i) { byShard[k] = files[i]; });
      var lists = terms.map(function (term) {
        var value = hash(term);
        return byShard[value % self.shards][String(value)];
      });
      self.hits = terms.length ? rank(lists, self.count) : [];
      self.shown = 0;
      self.start();
      return self.more();
    });
  };

  Search.prototype.stories = function (numbers) {
    var self = this;
    var needed = [];
    numbers.forEach(function (n) {
      var chunk = Math.floor(n / self.chunk);
      if (!self.chunks[chunk]) {
        self.chunks[chunk] = getJSON(self.folder + "stories-" + chunk + ".json");
        needed.push(chunk);
      }
    });
    return Promise.all(numbers.map(function (n) {
      return self.chunks[Math.floor(n / self.chunk)].then(function (rows) {
        var row = rows[n % self.chunk];
        return { url: row[0], title: row[1], date: row[2], summary: row[3] };
      });
    }));
  };

  Search.prototype.start = function () {
    var box = this.box;
    var noun = this.hits.length === 1 ? "story" : "stories";
    box.textContent = "";
    box.appendChild(element("h2", "Results for \u201c" + this.query + "\u201d"));
    box.appendChild(element("p", this.hits.length + " " + noun + " found.", "meta"));
    if (this.hits.length === 0) {
      box.appendChild(element("p", "Try fewer or different words, or browse the stories below."));
      return;
    }
    this.list = box.appendChild(element("ol", "", "search-hits"));
  };

  /* Show the next page of results, and a button for the page after it. */
  Search.prototype.more = function () {
    var self = this;
    var next = self.hits.slice(self.shown, self.shown + PAGE);
    if (!next.length) { return Promise.resolve(); }
    return self.stories(next).then(function (stories) {
      var first = null;
      stories.forEach(function (story) {
        var item = element("li");
        var link = element("a", story.title);
        link.href = self.root + story.url;
        item.appendChild(link);
        if (story.summary) { item.appendChild(element("p", story.summary)); }
        self.list.appendChild(item);
        first = first || link;
      });
      if (self.shown > 0 && first) { first.focus(); }
      self.shown += next.length;
      if (self.button) { self.button.parentNode.removeChild(self.button); self.button = null; }
      if (self.shown < self.hits.length) {
        self.button = self.box.appendChild(element("button", "Show more results", "search-more"));
        self.button.type = "button";
        self.button.addEventListener("click", function () { self.more(); });
      }
    });
  };

  function start() {
    var box = document.getElementById("search-results");
    var input = document.getElementById("search-page-q");
    if (!box || !input) { return; }
    var query = new URLSearchParams(window.location.search).get("q") || "";
    input.value = query;
    if (!query.trim()) { return; }
    box.appendChild(element("p", "Searching\u2026"));
    new Search(box, query.trim()).run().catch(function () {
      box.textContent = "";
      box.appendChild(element("p", "Search is not available here. Browse the stories and tags below."));
    });
  }

  if (typeof document !== "undefined" && document.getElementById) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  }
  if (typeof module !== "undefined") {
    module.exports = { stem: stem, termsOf: termsOf, hash: hash, STOP_WORDS: STOP_WORDS };
  }
})();
