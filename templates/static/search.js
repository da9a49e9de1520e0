// Search as you type over the page language's Pagefind bundle. Arrow keys move between the field and
// the result links (Enter opens one), Escape or a click elsewhere closes the list. Without JavaScript
// the form leads to the home page, which lists every code; that page runs a ?q= query on arrival.
(function () {
  var form = document.querySelector("form.search[data-pagefind]");
  if (!form) return;
  var input = form.querySelector("input");
  var box = form.querySelector(".search-results");
  var PAGE = 8;
  // A query in a script that only one of the site's languages uses is better searched there.
  var SCRIPTS = { ru: /[\u0400-\u04ff]/, zh: /[\u3400-\u9fff]/ };
  var languages = JSON.parse(form.dataset.languages || "[]");
  var pagefind = null;
  var timer = null;
  var latest = 0;
  var found = [];
  var shown = 0;

  function load() {
    // The indexed URLs already start at the domain root ("/zh/429/"); Pagefind's default baseUrl,
    // the folder above the bundle ("/zh/"), would be prefixed to them a second time.
    if (!pagefind) pagefind = import(form.dataset.pagefind).then(function (pf) {
      return pf.options({ baseUrl: form.dataset.base || "/" }).then(function () { return pf.init(); }).then(function () { return pf; });
    });
    return pagefind;
  }

  function links() { return Array.prototype.slice.call(box.querySelectorAll("a")); }

  function close() { box.textContent = ""; }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function suggestion(query) {
    var here = document.documentElement.lang.split("-")[0];
    var other = languages.filter(function (l) {
      var script = SCRIPTS[l.tag.split("-")[0]];
      return l.tag.split("-")[0] !== here && script && script.test(query);
    })[0];
    if (!other) return null;
    var p = element("p", "other-language", form.dataset.other + " ");
    var a = element("a", "", other.name);
    a.href = other.home + "?q=" + encodeURIComponent(query);
    a.hreflang = other.tag;
    a.lang = other.tag;
    p.appendChild(a);
    return p;
  }

  function render(query, items) {
    close();
    if (!query) return;
    var hint = suggestion(query);
    if (hint) box.appendChild(hint);
    if (!found.length) {
      box.appendChild(element("p", "empty", form.dataset.empty));
      return;
    }
    box.appendChild(element("p", "count", form.dataset.count.replace("{n}", found.length.toLocaleString(document.documentElement.lang))));
    var list = element("ul");
    items.forEach(function (item) {
      var li = element("li");
      var a = element("a", "", item.meta.title);
      a.href = item.url;
      // Pagefind's excerpt is the indexed text, escaped, with <mark> around the matches.
      var p = element("p");
      p.innerHTML = item.excerpt;
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    });
    box.appendChild(list);
    if (shown < found.length) {
      var more = element("button", "more", form.dataset.more);
      more.type = "button";
      more.addEventListener("click", function () { page(query, true); });
      box.appendChild(more);
    }
  }

  var loaded = [];
  function page(query, next) {
    var ticket = latest;
    var from = shown;
    shown = Math.min(found.length, shown + PAGE);
    return Promise.all(found.slice(from, shown).map(function (r) { return r.data(); })).then(function (items) {
      if (ticket !== latest) return;
      loaded = loaded.concat(items);
      render(query, loaded);
      if (next && links()[from]) links()[from].focus();
    });
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) { found = []; close(); return; }
    load().then(function (pf) { return pf.search(query); }).then(function (result) {
      if (ticket !== latest) return;
      found = result.results;
      shown = 0;
      loaded = [];
      return page(query, false);
    }).catch(function () { if (ticket === latest) close(); });
  }

  function move(step) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    var to = at + step;
    if (to < 0) { input.focus(); return; }
    if (to < all.length) all[to].focus();
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
  input.addEventListener("focus", load, { once: true });
  form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); run(); });
  form.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Escape") { event.preventDefault(); close(); input.focus(); }
  });
  document.addEventListener("click", function (event) { if (!form.contains(event.target)) close(); });
  var asked = new URLSearchParams(location.search).get("q");
  if (asked) { input.value = asked; run(); }
})();
