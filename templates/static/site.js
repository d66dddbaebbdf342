/* Progressive enhancement only: every page works without this file.
   - link previews: hovering or focusing a [[wikilink]] (a.xref), a glossary term (a.gloss) or a
     citation mark (sup.cite a) shows its data-preview text in a popup, headed by what the record
     is (its kind's noun, data-kind), as Quartz and MyST do; a
     citation with evidence also shows the quoted passage (data-passage) and whether it was checked. The popup is announced as the
     link's description, stays while the pointer is over it, and Escape closes it (WCAG 1.4.13);
   - a Menu button folds the long navigation away on narrow screens. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  var SHOW_DELAY = 250;
  var HIDE_DELAY = 200;

  // What the popup calls the record: its kind's noun, which the page writes on each link
  // (data-kind); a citation mark always names a source.
  function kindOf(link) {
    if (link.closest("sup.cite")) return "Source";
    return link.getAttribute("data-kind") || "";
  }

  function initPreviews() {
    var links = document.querySelectorAll("a.xref[data-preview], a.gloss[data-preview], sup.cite a[data-preview]");
    if (!links.length) return;
    var popup = document.createElement("div");
    popup.id = "link-preview";
    popup.className = "preview-popup";
    popup.setAttribute("role", "tooltip");
    popup.hidden = true;
    document.body.appendChild(popup);

    var current = null;
    var showTimer = 0;
    var hideTimer = 0;

    function place(link) {
      var box = link.getBoundingClientRect();
      var width = popup.offsetWidth;
      var left = Math.min(box.left, document.documentElement.clientWidth - width - 8);
      popup.style.left = Math.max(8, left) + window.scrollX + "px";
      var below = box.bottom + 6;
      var fitsBelow = below + popup.offsetHeight < window.innerHeight;
      var top = fitsBelow ? below : box.top - popup.offsetHeight - 6;
      popup.style.top = Math.max(4, top) + window.scrollY + "px";
    }

    function show(link) {
      clearTimeout(hideTimer);
      if (current === link && !popup.hidden) return;
      hide();
      current = link;
      popup.textContent = "";
      var kind = document.createElement("span");
      kind.className = "preview-kind";
      kind.textContent = kindOf(link);
      popup.appendChild(kind);
      popup.appendChild(document.createTextNode(link.getAttribute("data-preview")));
      var passage = link.getAttribute("data-passage");
      if (passage) {
        var quote = document.createElement("blockquote");
        quote.className = "preview-passage";
        quote.textContent = "\u201c" + passage + "\u201d";
        var checked = link.getAttribute("data-verified") === "true";
        var mark = document.createElement("span");
        mark.className = "check " + (checked ? "check-ok" : "check-no");
        mark.textContent = checked ? "\u2713 found in the source's text" : "not checked";
        quote.appendChild(mark);
        popup.appendChild(quote);
        var original = link.getAttribute("data-original");
        if (original) {
          var open = document.createElement("a");
          open.className = "passage";
          open.href = original;
          open.textContent = "Open the passage in the original";
          popup.appendChild(open);
        }
      }
      popup.hidden = false;
      link.setAttribute("aria-describedby", popup.id);
      place(link);
    }

    function hide() {
      clearTimeout(showTimer);
      if (current) current.removeAttribute("aria-describedby");
      current = null;
      popup.hidden = true;
    }

    function later(fn, delay) {
      return function (event) {
        var link = event.currentTarget;
        clearTimeout(showTimer);
        clearTimeout(hideTimer);
        var timer = setTimeout(function () { fn(link); }, delay);
        if (fn === show) showTimer = timer; else hideTimer = timer;
      };
    }

    links.forEach(function (link) {
      link.addEventListener("mouseenter", later(show, SHOW_DELAY));
      link.addEventListener("mouseleave", later(hide, HIDE_DELAY));
      link.addEventListener("focus", function () { show(link); });
      link.addEventListener("blur", function () { hide(); });
    });
    popup.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    popup.addEventListener("mouseleave", later(hide, HIDE_DELAY));
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !popup.hidden) hide();
    });
    window.addEventListener("resize", function () { if (current) place(current); });
  }

  function initMenu() {
    var nav = document.getElementById("site-nav");
    var list = document.getElementById("site-nav-list");
    if (!nav || !list || list.children.length < 7) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "nav-toggle";
    button.setAttribute("aria-controls", list.id);
    button.setAttribute("aria-expanded", "false");
    button.textContent = "Menu";
    nav.insertBefore(button, list);
    nav.classList.add("collapsed");
    button.addEventListener("click", function () {
      var open = nav.classList.toggle("collapsed") === false;
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function initMoreMenu() {
    var more = document.querySelector(".nav-more details");
    if (!more) return;
    document.addEventListener("click", function (event) {
      if (more.open && !more.contains(event.target)) more.open = false;
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && more.open) {
        more.open = false;
        more.querySelector("summary").focus();
      }
    });
  }

  initPreviews();
  initMenu();
  initMoreMenu();
})();
