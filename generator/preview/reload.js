// Live reload for `python build.py serve`. The preview server adds this script to the HTML it
// serves (never to the built site): an external file, so the pages' own policy (script-src 'self')
// allows it, and a same-origin event stream, which default-src 'self' allows.
//
// The script tag says which output files this document shows (data-pages; none on the error page)
// and which build it came from (data-build). Each update from the server lists the files whose
// bytes changed: the page reloads if it is one of them (keeping its scroll position), swaps a
// changed stylesheet in place, or shows the build's errors over the page until they are fixed.
(function () {
  "use strict";
  var tag = document.currentScript;
  var pages = (tag.getAttribute("data-pages") || "").split(" ").filter(Boolean);
  var build = tag.getAttribute("data-build") || "";
  var reloading = false;

  function reload() {
    if (reloading) return;
    reloading = true;
    location.reload(); // a reload, not a navigation: the browser puts the scroll position back
  }

  // A page's new text is shown at once by putting the new body in place of the old, and the page
  // is then reloaded as usual (scripts run afresh, the browser keeps the scroll position): a
  // reload alone shows the text only once the browser has committed a new document, tens of ms later.
  function showThenReload() {
    if (reloading) return;
    fetch(location.href, { cache: "no-store", credentials: "same-origin" }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("text/html") !== 0) throw new Error("not a page");
      return response.text();
    }).then(function (html) {
      if (reloading) return;
      var fresh = new DOMParser().parseFromString(html, "text/html");
      document.title = fresh.title;
      document.body.replaceWith(document.adoptNode(fresh.body));
      requestAnimationFrame(function () { setTimeout(reload, 0); }); // once the new text is painted,
      setTimeout(reload, 100); // or soon in any case (a hidden tab paints no frames)
    }).catch(reload);
  }

  function swapStylesheets(paths) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href);
      if (paths.indexOf(url.pathname.replace(/^\//, "")) < 0) return;
      url.searchParams.set("preview", build);
      var fresh = link.cloneNode(false);
      fresh.href = url.href;
      // The old sheet stays until the new one has loaded, so the page never shows unstyled.
      fresh.addEventListener("load", function () { link.remove(); });
      fresh.addEventListener("error", function () { fresh.remove(); });
      link.after(fresh);
    });
  }

  function errorBox() {
    var box = document.getElementById("preview-build-error");
    if (box) return box;
    box = document.createElement("section");
    box.id = "preview-build-error";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-label", "Build failed");
    // Styles through the CSSOM: the page's policy (style-src 'self') forbids style attributes.
    Object.assign(box.style, {
      position: "fixed", left: "0", right: "0", bottom: "0", zIndex: "2147483647", maxHeight: "60vh",
      overflow: "auto", margin: "0", padding: "1rem 1.25rem", background: "#fff5f5", color: "#5c0000",
      borderTop: "4px solid #c00", font: "14px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace",
      boxShadow: "0 -4px 16px rgba(0,0,0,.25)"
    });
    var title = document.createElement("h2");
    title.textContent = "Build failed: fix the file and save; this message goes away by itself.";
    Object.assign(title.style, { font: "bold 15px/1.4 system-ui, sans-serif", margin: "0 0 .5rem" });
    var text = document.createElement("pre");
    Object.assign(text.style, { margin: "0", whiteSpace: "pre-wrap", font: "inherit", color: "inherit" });
    box.append(title, text);
    document.body.append(box);
    return box;
  }

  function apply(update) {
    build = update.build;
    var changed = update.changed;
    if (pages.length === 0) { reload(); return; } // the error page: any news is worth a fresh look
    if (update.error !== null) {
      errorBox().querySelector("pre").textContent = update.error;
      return;
    }
    var box = document.getElementById("preview-build-error");
    if (box) box.remove();
    var mine = changed.some(function (path) {
      return path === "*" || pages.indexOf(path) >= 0 || (path.indexOf("static/") === 0 && !/\.css$/.test(path));
    });
    if (mine) { showThenReload(); return; }
    var sheets = changed.filter(function (path) { return /\.css$/.test(path); });
    if (sheets.length) swapStylesheets(sheets);
  }

  function listen() {
    // `pages` lets the server render what this tab shows before the rest of the site.
    var stream = new EventSource("/__preview__/events?since=" + encodeURIComponent(build) +
                                 "&pages=" + encodeURIComponent(pages.join(" ")));
    stream.addEventListener("update", function (event) { apply(JSON.parse(event.data)); });
    // Reconnect ourselves, so the server is asked for what came after the build we now show.
    stream.onerror = function () {
      stream.close();
      if (!reloading) setTimeout(listen, 500);
    };
  }

  listen();
}());
