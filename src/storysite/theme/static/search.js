/* storysite search: reads ?q=, loads search-index.json and lists matching stories.
   Title, tag and summary matches rank above matches in the story text. Results are
   built with DOM calls and textContent only, never as HTML. Without JavaScript (or when
   the index cannot be loaded) the page's list of every story and tag remains. */
(function () {
  "use strict";

  var WEIGHTS = { title: 10, tags: 8, summary: 5, text: 1 };

  function fold(text) {
    return String(text || "")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[\u2018\u2019]/g, "'")
      .toLowerCase();
  }

  function termsOf(query) {
    return fold(query).split(/[^a-z0-9']+/).filter(function (t) { return t.length > 0; });
  }

  function prepare(story) {
    return {
      story: story,
      title: fold(story.title),
      tags: fold((story.tags || []).join(" ")),
      summary: fold(story.summary),
      text: fold(story.text)
    };
  }

  /* A story matches when every term appears somewhere; its score adds the weight of
     each field a term appears in, with a small bonus for a whole-phrase title match. */
  function score(entry, terms, phrase) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var best = 0;
      for (var field in WEIGHTS) {
        if (entry[field].indexOf(terms[i]) !== -1) { best += WEIGHTS[field]; }
      }
      if (best === 0) { return 0; }
      total += best;
    }
    if (terms.length > 1 && entry.title.indexOf(phrase) !== -1) { total += 10; }
    return total;
  }

  function search(entries, query) {
    var terms = termsOf(query);
    if (terms.length === 0) { return []; }
    var phrase = terms.join(" ");
    return entries
      .map(function (e) { return { entry: e, score: score(e, terms, phrase) }; })
      .filter(function (r) { return r.score > 0; })
      .sort(function (a, b) {
        return b.score - a.score || (a.entry.story.date < b.entry.story.date ? 1 : -1);
      })
      .map(function (r) { return r.entry.story; });
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function show(box, root, query, stories) {
    box.textContent = "";
    var noun = stories.length === 1 ? "story" : "stories";
    box.appendChild(element("h2", "Results for \u201c" + query + "\u201d"));
    box.appendChild(element("p", stories.length + " " + noun + " found.", "meta"));
    if (stories.length === 0) {
      box.appendChild(element("p", "Try fewer or different words, or browse every story below."));
      return;
    }
    var list = element("ol", "", "search-hits");
    stories.forEach(function (story) {
      var item = element("li");
      var link = element("a", story.title);
      link.href = root + story.url;
      item.appendChild(link);
      if (story.summary) { item.appendChild(element("p", story.summary)); }
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  function start() {
    var box = document.getElementById("search-results");
    var input = document.getElementById("search-page-q");
    if (!box || !input) { return; }
    var query = new URLSearchParams(window.location.search).get("q") || "";
    input.value = query;
    if (!query.trim()) { return; }
    box.appendChild(element("p", "Searching\u2026"));
    fetch(box.getAttribute("data-index"))
      .then(function (response) {
        if (!response.ok) { throw new Error("index not found"); }
        return response.json();
      })
      .then(function (data) {
        var entries = (data.stories || []).map(prepare);
        show(box, box.getAttribute("data-root") || "", query.trim(), search(entries, query));
      })
      .catch(function () {
        box.textContent = "";
        box.appendChild(element("p", "Search is not available here. Every story and tag is listed below."));
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
