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
    const results = await Promise.all(search.results.slice(0, MAX_RESULTS).map((r) => r.data()));
    if (id !== latest) return;
    list.replaceChildren(...results.map(resultItem));
    const n = search.results.length;
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
