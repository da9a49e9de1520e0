// 404.html is served at any unknown path. It is the default language's page, with every other
// language's page in a <template>: show the one whose prefix starts the path. Runs before search.js
// (both deferred, in document order), so the search form it binds to is the shown language's.
(function () {
  var form = document.querySelector("form.search[data-base]");
  var base = form ? form.dataset.base : "/";
  var rest = location.pathname.indexOf(base) === 0 ? location.pathname.slice(base.length) : location.pathname;
  var first = rest.split("/")[0];
  var chosen = document.querySelector('template[data-prefix="' + CSS.escape(first) + '"]');
  if (!first || !chosen) {
    document.querySelectorAll("template[data-prefix]").forEach(function (t) { t.remove(); });
    return;
  }
  document.body.replaceChildren(chosen.content.cloneNode(true));
  document.documentElement.lang = chosen.dataset.lang;
  document.title = chosen.dataset.title;
})();
