/* The search page: queries the Pagefind index built with the site (pagefind/ at the site root).
   A large site's index comes in shards (pagefind/0/, pagefind/1/..., listed in pagefind/shards.json):
   the first is loaded and the others merged into it with Pagefind's own mergeIndex, so one search
   covers every page, ranked together. The index's base URL is the folder the site is served from,
   so it can live in any folder of any host. Without JavaScript the page says how to browse instead. */
const siteRoot = new URL("../", import.meta.url);
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const MAX_RESULTS = 20;
const MAX_SECTIONS = 3;

let pagefind = null;
let latest = 0;

async function loadEngine() {
  const reply = await fetch(new URL("pagefind/shards.json", siteRoot));
  if (!reply.ok) throw new Error(`pagefind/shards.json: HTTP ${reply.status}`);
  const [first, ...others] = (await reply.json()).shards;
  const shard = (name) => new URL(`pagefind/${name}/`, siteRoot);
  const pf = await import(new URL("pagefind.js", shard(first)).href);
  const options = { baseUrl: siteRoot.pathname, excerptLength: 24 };
  await pf.options(options);
  await pf.init();
  await Promise.all(others.map((name) => pf.mergeIndex(shard(name).pathname, options)));
  return pf;
}

async function engine() {
  if (!pagefind) {
    pagefind = loadEngine();
    pagefind.catch(() => { pagefind = null; }); // a failed load is tried again on the next search
  }
  return pagefind;
}

function siteUrl(url) {
  return new URL(url, siteRoot).href; // Pagefind gives root-relative URLs that start with baseUrl
}

const decoder = document.createElement("textarea");

function unescapeHtml(text) {
  decoder.innerHTML = text; // a textarea holds text only: entities are decoded, nothing runs
  return decoder.value;
}

function excerpt(html) {
  // Pagefind's excerpts are escaped text with <mark> around the matches; keep only those marks.
  const p = document.createElement("p");
  p.className = "excerpt";
  html.split(/(<mark>.*?<\/mark>)/g).forEach((part) => {
    const m = part.match(/^<mark>(.*)<\/mark>$/);
    const text = unescapeHtml(m ? m[1] : part);
    if (m) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      p.appendChild(mark);
    } else {
      p.appendChild(document.createTextNode(text));
    }
  });
  return p;
}

function resultItem(data) {
  const li = document.createElement("li");
  const title = document.createElement("p");
  title.className = "result-title";
  const link = document.createElement("a");
  link.href = siteUrl(data.url);
  link.textContent = (data.meta && data.meta.title) || data.url;
  title.appendChild(link);
  li.append(title, excerpt(data.excerpt));
  const sections = (data.sub_results || []).filter((s) => s.url !== data.url).slice(0, MAX_SECTIONS);
  if (sections.length) {
    const sub = document.createElement("ul");
    sub.className = "sub-results";
    sections.forEach((s) => {
      const item = document.createElement("li");
      const a = document.createElement("a");
      a.href = siteUrl(s.url);
      a.textContent = s.title;
      item.appendChild(a);
      sub.appendChild(item);
    });
    li.appendChild(sub);
  }
  return li;
}

/* Pagefind matches each word by prefix, and where an index has no word starting with it, it takes
   the longest word of that index that the search word starts with ("777" for "7777"). A shard
   lacking a word that others have would then bring in pages that do not contain it, which one
   index over the whole site never does. So a page is kept only if, for every search word, one
   of its matched words shares the word's start (all of it for numbers; a few letters less for
   other words, which Pagefind may have stemmed) — unless no page at all does, as one index would. */
const MAX_CHECKED = 100; // pages whose matched words are read to find the first MAX_RESULTS

function normalize(word) {
  return word.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
}

function neededStart(term) {
  return /^\p{N}+$/u.test(term) ? term.length : term.length - Math.min(3, Math.floor(term.length / 3));
}

function commonStart(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return i;
}

function matchedWords(data) {
  const words = data.content.split(/\s+/);
  return data.locations.map((at) => normalize(words[at] || ""));
}

function meetsTerm(matched, term) {
  return matched.some((word) => commonStart(word, term) >= neededStart(term));
}

async function checkedResults(results) {
  const terms = [...new Set(results.query.split(/\s+/).map(normalize).filter(Boolean))];
  const pages = [];
  let checked = 0;
  while (checked < results.all.length && checked < MAX_CHECKED && pages.filter((p) => p.kept).length < MAX_RESULTS) {
    const batch = await Promise.all(results.all.slice(checked, checked + MAX_RESULTS).map((r) => r.data()));
    checked += batch.length;
    pages.push(...batch.map((data) => ({ data, matched: matchedWords(data), kept: true })));
    const evident = terms.filter((term) => pages.some((p) => meetsTerm(p.matched, term)));
    pages.forEach((p) => { p.kept = evident.every((term) => meetsTerm(p.matched, term)); });
  }
  const dropped = pages.filter((p) => !p.kept).length;
  return { shown: pages.filter((p) => p.kept).slice(0, MAX_RESULTS).map((p) => p.data), total: results.all.length - dropped };
}

async function run(query) {
  const id = ++latest;
  const words = query.trim();
  list.replaceChildren();
  if (!words) {
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  try {
    const pf = await engine();
    const search = await pf.search(words);
    const { shown, total: n } = await checkedResults({ query: words, all: search.results });
    if (id !== latest) return;
    list.replaceChildren(...shown.map(resultItem));
    status.textContent = n === 0 ? `No pages match “${words}”.`
      : `${n} page${n === 1 ? "" : "s"} match “${words}”${n > MAX_RESULTS ? `; the first ${MAX_RESULTS} are shown` : ""}.`;
  } catch (error) {
    if (id === latest) status.textContent = "Search is not available here: it needs the site served over http.";
    console.warn("search failed:", error);
  }
}

function syncAddress(query) {
  const url = new URL(window.location.href);
  if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
  window.history.replaceState(null, "", url);
}

document.getElementById("search-unavailable").hidden = true;

let timer = 0;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => { syncAddress(input.value.trim()); run(input.value); }, 200);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  syncAddress(input.value.trim());
  run(input.value);
});

const initial = new URLSearchParams(window.location.search).get("q") || "";
if (initial) {
  input.value = initial;
  run(initial);
}
